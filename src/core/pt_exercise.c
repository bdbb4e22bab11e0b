/* pt_exercise.c - exercise scenarios (issue 15): the scenario's arena, lookups,
 * inject types and FEMA's core capabilities. The rules are pt_exercise_check.c,
 * the clock and the run engine pt_exercise_run.c. */
#include "pt_exercise.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* The arena: blocks of at least ARENA_BLOCK bytes, each used from the front. */
#define ARENA_BLOCK (64 * 1024)

struct arena_block {
	struct arena_block *next;
	size_t size, used;
	/* data follows, aligned to max_align_t */
};

static size_t align_up(size_t n)
{
	size_t a = sizeof(long double) > sizeof(void *) ? sizeof(long double) : sizeof(void *);
	return (n + a - 1) / a * a;
}

struct pt_ex_scenario *pt_ex_scenario_new(void)
{
	struct pt_ex_scenario *sc = calloc(1, sizeof *sc);
	if (!sc)
		return NULL;
	sc->sim_every_min = PT_EX_SIM_EVERY_MIN;
	sc->sim_replications = 200;
	sc->duration_min = 0;
	sc->h_hour_min = -1;
	return sc;
}

void pt_ex_scenario_free(struct pt_ex_scenario *sc)
{
	struct arena_block *b, *next;
	if (!sc)
		return;
	for (b = sc->arena_; b; b = next) {
		next = b->next;
		free(b);
	}
	free(sc);
}

void *pt_ex_alloc(struct pt_ex_scenario *sc, size_t n)
{
	struct arena_block *b = sc->arena_;
	size_t head = align_up(sizeof *b);
	unsigned char *p;
	n = align_up(n ? n : 1);
	if (!b || b->size - b->used < n) {
		size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		if (size > (size_t)-1 - head)
			return NULL;
		b = malloc(head + size);
		if (!b)
			return NULL;
		b->size = size;
		b->used = 0;
		b->next = sc->arena_;
		sc->arena_ = b;
	}
	p = (unsigned char *)b + head + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

char *pt_ex_strdup(struct pt_ex_scenario *sc, const char *s, size_t len)
{
	char *p;
	if (len == (size_t)-1)
		return NULL;
	p = pt_ex_alloc(sc, len + 1);
	if (!p)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

static const char *const inject_types[] = {"information", "event", "media", "social media"};

const char *pt_ex_inject_type_name(enum pt_ex_inject_type t)
{
	if ((size_t)t >= sizeof inject_types / sizeof inject_types[0])
		return "";
	return inject_types[t];
}

/* Case-insensitive equality where '_' and '-' in s also match a space. */
static int name_eq(const char *s, const char *name)
{
	for (; *s && *name; s++, name++) {
		char a = (char)tolower((unsigned char)*s), b = (char)tolower((unsigned char)*name);
		if ((a == '_' || a == '-') && b == ' ')
			continue;
		if (a != b)
			return 0;
	}
	return *s == '\0' && *name == '\0';
}

int pt_ex_inject_type_parse(const char *s, enum pt_ex_inject_type *out)
{
	size_t i;
	for (i = 0; i < sizeof inject_types / sizeof inject_types[0]; i++)
		if (name_eq(s, inject_types[i])) {
			*out = (enum pt_ex_inject_type)i;
			return 0;
		}
	return -1;
}

/* FEMA, National Preparedness Goal, second edition (2015): the 32 core capabilities, in the
 * order of its mission areas (the common three first). */
static const char *const capabilities[] = {
	"Planning",
	"Public Information and Warning",
	"Operational Coordination",
	"Forensics and Attribution",
	"Intelligence and Information Sharing",
	"Interdiction and Disruption",
	"Screening, Search, and Detection",
	"Access Control and Identity Verification",
	"Cybersecurity",
	"Physical Protective Measures",
	"Risk Management for Protection Programs and Activities",
	"Supply Chain Integrity and Security",
	"Community Resilience",
	"Long-term Vulnerability Reduction",
	"Risk and Disaster Resilience Assessment",
	"Threats and Hazards Identification",
	"Critical Transportation",
	"Environmental Response/Health and Safety",
	"Fatality Management Services",
	"Fire Management and Suppression",
	"Infrastructure Systems",
	"Logistics and Supply Chain Management",
	"Mass Care Services",
	"Mass Search and Rescue Operations",
	"On-scene Security, Protection, and Law Enforcement",
	"Operational Communications",
	"Public Health, Healthcare, and Emergency Medical Services",
	"Situational Assessment",
	"Economic Recovery",
	"Health and Social Services",
	"Housing",
	"Natural and Cultural Resources",
};

size_t pt_ex_capability_count(void)
{
	return sizeof capabilities / sizeof capabilities[0];
}

const char *pt_ex_capability_name(size_t i)
{
	return i < pt_ex_capability_count() ? capabilities[i] : NULL;
}

/* Equal letters and digits, without regard to case, spaces and punctuation ("Screening Search
 * and Detection" is "Screening, Search, and Detection"; review finding 5). */
static int loose_eq(const char *s, const char *name)
{
	for (;;) {
		while (*s && !isalnum((unsigned char)*s))
			s++;
		while (*name && !isalnum((unsigned char)*name))
			name++;
		if (!*s || !*name)
			return !*s && !*name;
		if (tolower((unsigned char)*s) != tolower((unsigned char)*name))
			return 0;
		s++;
		name++;
	}
}

int pt_ex_capability_find(const char *s)
{
	size_t i;
	for (i = 0; i < pt_ex_capability_count(); i++)
		if (name_eq(s, capabilities[i]))
			return (int)i;
	for (i = 0; i < pt_ex_capability_count(); i++)
		if (s[strspn(s, " ")] && loose_eq(s, capabilities[i]))
			return (int)i;
	return -1;
}

int pt_ex_stage_find(const struct pt_ex_scenario *sc, const char *id)
{
	size_t i;
	for (i = 0; i < sc->n_stages; i++)
		if (strcmp(sc->stages[i].id, id) == 0)
			return (int)i;
	return -1;
}

int pt_ex_role_find(const struct pt_ex_scenario *sc, const char *id)
{
	size_t i;
	for (i = 0; i < sc->n_roles; i++)
		if (strcmp(sc->roles[i].id, id) == 0)
			return (int)i;
	return -1;
}

int pt_ex_decision_find(const struct pt_ex_scenario *sc, const char *id)
{
	size_t i;
	for (i = 0; i < sc->n_decisions; i++)
		if (strcmp(sc->decisions[i].id, id) == 0)
			return (int)i;
	return -1;
}

int pt_ex_inject_find(const struct pt_ex_scenario *sc, uint32_t seq)
{
	size_t i;
	for (i = 0; i < sc->n_injects; i++)
		if (sc->injects[i].seq == seq)
			return (int)i;
	return -1;
}

/* Review 15B item 6: older names planners still type (the Target Capabilities List of 2007 and
 * ESF #8's name) and the core capability that took their place (National Preparedness Goal,
 * 2011 and 2015). Only where one capability clearly took the place of the old one. */
static const struct {
	const char *old;
	size_t now; /* index into capabilities[] */
} older_names[] = {
	{"Public Health and Medical Services", 26},
	{"Emergency Triage and Pre-Hospital Treatment", 26},
	{"Medical Surge", 26},
	{"Mass Prophylaxis", 26},
	{"Medical Supplies Management and Distribution", 26},
	{"Emergency Public Information and Warning", 1},
	{"On-Site Incident Management", 2},
	{"Emergency Operations Center Management", 2},
	{"Fatality Management", 18},
	{"Emergency Public Safety and Security Response", 24},
	{"Emergency Public Safety and Security", 24},
	{"Communications", 25},
	{"Intelligence Analysis and Production", 4},
	{"Information Gathering and Recognition of Indicators and Warnings", 4},
	{"Search and Rescue", 23},
	{"Search and Rescue (Land-Based)", 23},
	{"Firefighting Operations/Support", 19},
	{"Environmental Health", 17},
	{"Critical Resource Logistics and Distribution", 21},
	{"Restoration of Lifelines", 20},
	{"Economic and Community Recovery", 28},
	{"Mass Care (Sheltering, Feeding, and Related Services)", 22},
	{"Mass Care", 22},
};

int pt_ex_capability_suggest(const char *s)
{
	size_t i;
	for (i = 0; s && i < sizeof older_names / sizeof older_names[0]; i++)
		if (loose_eq(s, older_names[i].old))
			return (int)older_names[i].now;
	return -1;
}

/* pt_config.c - the table of configurable figures (key, description,
 * range, type, default, place in struct pt_config), strict parsing, checks. */
#include "pt_config.h"

#include "pt_cap.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* How a key is stored in struct pt_config. */
enum key_type { KT_DOUBLE, KT_INT, KT_UNSIGNED, KT_U64, KT_TEXT /* issue 13: char[256] */ };

struct key_def {
	const char *name;
	const char *description;
	double min, max, def;
	enum key_type type;
	size_t offset;
	const char *def_text; /**< issue 13: a KT_TEXT key's default */
};

#define TEXT_MAX 256 /* a text setting's room (the settings table keeps 255 bytes) */

#define OFF(member) offsetof(struct pt_config, member), NULL
#define OFF_TEXT(member, def) offsetof(struct pt_config, member), def /* issue 13 */
#define SEED_MAX 9007199254740991.0 /* 2^53 - 1: exact as a double */

/* The stable, documented order of the keys (docs/methodology.md, settings.csv). */
static const struct key_def keys[] = {
	{ "quant.vsl_eur",
	  "value of a statistical life, EUR (OECD 2012 base value for the EU, rounded)",
	  0, 1e9, 3600000, KT_DOUBLE, OFF(value_statistical_life_eur) },
	{ "quant.injury_eur",
	  "value of preventing one serious injury, EUR (13% of the VSL, HEATCO convention)",
	  0, 1e9, 468000, KT_DOUBLE, OFF(value_injury_eur) },
	{ "quant.national_share",
	  "share 0-1 of attempt-probability uncertainty common to all sites (Gaussian copula)",
	  0, 1, 0.5, KT_DOUBLE, OFF(national_share) },
	{ "quant.pert_lambda", "PERT shape lambda, 0-100 (4 = classic PERT, Malcolm et al. 1959)",
	  0, 100, 4, KT_DOUBLE, OFF(pert_lambda) },
	{ "quant.samples", "Monte Carlo samples, 0-1000000 (0 = exact expected values only)", 0,
	  1000000, 2000, KT_UNSIGNED, OFF(samples) },
	{ "quant.top_k", "K of p_topk, the share of samples a site ranks in the top K, 1-1000000",
	  1, 1000000, 10, KT_UNSIGNED, OFF(top_k) },
	{ "quant.seed", "default random seed, 0 to 2^53-1 (same seed, same numbers)", 0, SEED_MAX,
	  20240601, KT_U64, OFF(seed) },
	{ "quant.band.medium_min_eur", "expected yearly loss, EUR/yr, from which a site is medium",
	  0, 1e15, 10000, KT_DOUBLE, OFF(quant_band_edges_eur[0]) },
	{ "quant.band.high_min_eur", "expected yearly loss, EUR/yr, from which a site is high", 0,
	  1e15, 100000, KT_DOUBLE, OFF(quant_band_edges_eur[1]) },
	{ "level.low", "threat level factor f at LOW (p -> 1-(1-p)^f)", 0.001, 1000, 0.1, KT_DOUBLE,
	  OFF(level_factor[PT_LEVEL_LOW]) },
	{ "level.moderate", "threat level factor f at MODERATE", 0.001, 1000, 0.3, KT_DOUBLE,
	  OFF(level_factor[PT_LEVEL_MODERATE]) },
	{ "level.substantial",
	  "threat level factor f at SUBSTANTIAL (1: assessed values hold at SUBSTANTIAL)", 0.001,
	  1000, 1, KT_DOUBLE, OFF(level_factor[PT_LEVEL_SUBSTANTIAL]) },
	{ "level.severe", "threat level factor f at SEVERE", 0.001, 1000, 3, KT_DOUBLE,
	  OFF(level_factor[PT_LEVEL_SEVERE]) },
	{ "level.critical", "threat level factor f at CRITICAL", 0.001, 1000, 10, KT_DOUBLE,
	  OFF(level_factor[PT_LEVEL_CRITICAL]) },
	{ "fema.band.low_max", "highest FEMA risk (A x T x V) that is low (FEMA 426: 1-60)", 1,
	  999, 60, KT_INT, OFF(fema_low_max) },
	{ "fema.band.medium_max",
	  "highest FEMA risk that is medium (FEMA 426: 61-175; high 176-1000)", 2, 1000, 175,
	  KT_INT, OFF(fema_medium_max) },
	{ "carver.band.low_max", "highest CARVER + Shock sum (7-70) that is low attractiveness", 7,
	  69, 28, KT_INT, OFF(carver_low_max) },
	{ "carver.band.medium_max",
	  "highest CARVER + Shock sum that is medium attractiveness (above: high)", 8, 70, 49,
	  KT_INT, OFF(carver_medium_max) },
	{ "matrix.fema.likelihood.1", "FEMA T x V (1-100) upper edge of likelihood class 1", 1, 100,
	  4, KT_DOUBLE, OFF(fema_likelihood_edges[0]) },
	{ "matrix.fema.likelihood.2", "FEMA T x V upper edge of likelihood class 2", 1, 100, 16,
	  KT_DOUBLE, OFF(fema_likelihood_edges[1]) },
	{ "matrix.fema.likelihood.3", "FEMA T x V upper edge of likelihood class 3", 1, 100, 36,
	  KT_DOUBLE, OFF(fema_likelihood_edges[2]) },
	{ "matrix.fema.likelihood.4",
	  "FEMA T x V upper edge of likelihood class 4 (above: class 5)", 1, 100, 64, KT_DOUBLE,
	  OFF(fema_likelihood_edges[3]) },
	{ "matrix.fema.consequence.1", "FEMA asset value (1-10) upper edge of consequence class 1",
	  1, 10, 2, KT_DOUBLE, OFF(fema_consequence_edges[0]) },
	{ "matrix.fema.consequence.2", "FEMA asset value upper edge of consequence class 2", 1, 10,
	  4, KT_DOUBLE, OFF(fema_consequence_edges[1]) },
	{ "matrix.fema.consequence.3", "FEMA asset value upper edge of consequence class 3", 1, 10,
	  6, KT_DOUBLE, OFF(fema_consequence_edges[2]) },
	{ "matrix.fema.consequence.4",
	  "FEMA asset value upper edge of consequence class 4 (above: class 5)", 1, 10, 8,
	  KT_DOUBLE, OFF(fema_consequence_edges[3]) },
	{ "matrix.quant.likelihood.1",
	  "yearly P(successful attack) = E[T'] E[V], upper edge of likelihood class 1", 0, 1,
	  0.00001, KT_DOUBLE, OFF(quant_likelihood_edges[0]) },
	{ "matrix.quant.likelihood.2", "yearly P(successful attack) upper edge of class 2", 0, 1,
	  0.0001, KT_DOUBLE, OFF(quant_likelihood_edges[1]) },
	{ "matrix.quant.likelihood.3", "yearly P(successful attack) upper edge of class 3", 0, 1,
	  0.001, KT_DOUBLE, OFF(quant_likelihood_edges[2]) },
	{ "matrix.quant.likelihood.4",
	  "yearly P(successful attack) upper edge of class 4 (above: class 5)", 0, 1, 0.01,
	  KT_DOUBLE, OFF(quant_likelihood_edges[3]) },
	{ "matrix.quant.consequence.1", "E[C] in EUR, upper edge of consequence class 1", 0, 1e15,
	  1000000, KT_DOUBLE, OFF(quant_consequence_edges[0]) },
	{ "matrix.quant.consequence.2", "E[C] in EUR, upper edge of consequence class 2", 0, 1e15,
	  10000000, KT_DOUBLE, OFF(quant_consequence_edges[1]) },
	{ "matrix.quant.consequence.3", "E[C] in EUR, upper edge of consequence class 3", 0, 1e15,
	  100000000, KT_DOUBLE, OFF(quant_consequence_edges[2]) },
	{ "matrix.quant.consequence.4",
	  "E[C] in EUR, upper edge of consequence class 4 (above: class 5)", 0, 1e15, 1000000000,
	  KT_DOUBLE, OFF(quant_consequence_edges[3]) },
	{ "matrix.band.low_max", "highest likelihood x consequence (1-25) rated low", 1, 24, 4,
	  KT_INT, OFF(matrix_low_max) },
	{ "matrix.band.medium_max", "highest likelihood x consequence rated medium", 2, 25, 9,
	  KT_INT, OFF(matrix_medium_max) },
	{ "matrix.band.high_max",
	  "highest likelihood x consequence rated high (above: very high)", 3, 25, 16, KT_INT,
	  OFF(matrix_high_max) },
	{ "plan.horizon_years",
	  "planning horizon, years, 1-100 (present values of costs and benefits over it)", 1,
	  100, 10, KT_UNSIGNED, OFF(plan_horizon_years) },
	{ "plan.discount_rate",
	  "real yearly discount rate, 0-0.5 (EU Better Regulation Toolbox 2023, tool 61: 3%)", 0,
	  0.5, 0.03, KT_DOUBLE, OFF(plan_discount_rate) },
	{ "plan.max_measures", "measures in one site's bundle, 1-8 (bundles are enumerated)", 1, 8,
	  4, KT_UNSIGNED, OFF(plan_max_measures) },
	{ "plan.alternative_cost_factor",
	  "a less intrusive measure doing as much at up to this x the cost rules a measure out, 1-10",
	  1, 10, 1.2, KT_DOUBLE, OFF(plan_alternative_cost_factor) },
	{ "plan.min_bcr",
	  "lowest benefit-cost ratio of a measure alone at a site, 0-100 (1: benefit covers cost)",
	  0, 100, 1, KT_DOUBLE, OFF(plan_min_bcr) },
	{ "plan.allow_legal_basis",
	  "0/1: 1 admits a measure at a site lacking the legal basis it needs (flagged in the plan); 0 rejects it",
	  0, 1, 0, KT_INT, OFF(plan_allow_legal_basis) },
	{ "plan.band.intrusiveness_1",
	  "lowest site band (1 low - 4 very high) where a measure of intrusiveness 1 is admissible",
	  1, 4, 1, KT_INT, OFF(plan_band_for_intrusiveness[1]) },
	{ "plan.band.intrusiveness_2",
	  "lowest site band (1-4) where a measure of intrusiveness 2 is admissible (2 medium)", 1,
	  4, 2, KT_INT, OFF(plan_band_for_intrusiveness[2]) },
	{ "plan.band.intrusiveness_3",
	  "lowest site band (1-4) where a measure of intrusiveness 3 is admissible (3 high)", 1, 4,
	  3, KT_INT, OFF(plan_band_for_intrusiveness[3]) },
	{ "plan.size.occupancy.medium_min",
	  "peak occupancy, people, 0-1e9, from which a site is medium for measure costs", 0, 1e9,
	  500, KT_DOUBLE, OFF(plan_size_occupancy_min[0]) },
	{ "plan.size.occupancy.large_min", "peak occupancy, people, from which a site is large", 0,
	  1e9, 5000, KT_DOUBLE, OFF(plan_size_occupancy_min[1]) },
	{ "plan.size.occupancy.very_large_min",
	  "peak occupancy, people, from which a site is very large", 0, 1e9, 25000, KT_DOUBLE,
	  OFF(plan_size_occupancy_min[2]) },
	{ "plan.size.value.medium_min_eur",
	  "economic value, EUR, 0-1e15, from which a site is medium for measure costs", 0, 1e15,
	  10000000, KT_DOUBLE, OFF(plan_size_value_min_eur[0]) },
	{ "plan.size.value.large_min_eur", "economic value, EUR, from which a site is large", 0,
	  1e15, 100000000, KT_DOUBLE, OFF(plan_size_value_min_eur[1]) },
	{ "plan.size.value.very_large_min_eur",
	  "economic value, EUR, from which a site is very large", 0, 1e15, 500000000, KT_DOUBLE,
	  OFF(plan_size_value_min_eur[2]) },
	{ "plan.size_factor.small",
	  "measure cost multiplier for a small site, 0.001-1000 (catalogue costs are medium)",
	  0.001, 1000, 0.5, KT_DOUBLE, OFF(plan_size_factor[0]) },
	{ "plan.size_factor.medium", "measure cost multiplier for a medium site, 0.001-1000", 0.001,
	  1000, 1, KT_DOUBLE, OFF(plan_size_factor[1]) },
	{ "plan.size_factor.large", "measure cost multiplier for a large site, 0.001-1000", 0.001,
	  1000, 2, KT_DOUBLE, OFF(plan_size_factor[2]) },
	{ "plan.size_factor.very_large",
	  "measure cost multiplier for a very large site, 0.001-1000", 0.001, 1000, 4, KT_DOUBLE,
	  OFF(plan_size_factor[3]) },
	{ "plan.exact_time_limit_s",
	  "time limit of the exact (GLPK) planner, seconds, 0.1-86400", 0.1, 86400, 60, KT_DOUBLE,
	  OFF(plan_exact_time_limit_s) },
	{ "register.accept_max_band",
	  "highest band (1 low - 4 very high) an owner may accept alone; above needs a coordinator",
	  1, 4, 2, KT_INT, OFF(register_accept_max_band) },
	/* issue 11 item 6: the planning threat level and temporary surge measures */
	{ "plan.planning_level",
	  "threat level plans are priced at, 1 LOW - 5 CRITICAL or its name (3 SUBSTANTIAL)", 1, 5,
	  3, KT_INT, OFF(plan_planning_level) },
	{ "plan.surge_weeks",
	  "weeks a surge measure is costed for while today's level is above the planning level, 1-52",
	  1, 52, 4, KT_UNSIGNED, OFF(plan_surge_weeks) },
	/* issue 12: the cascade model and the downstream consequence (docs/methodology.md) */
	{ "resilience.threshold",
	  "a site fails when its service falls below this share, above 0 up to 1 (0.5)", 0, 1,
	  0.5, KT_DOUBLE, OFF(resilience_threshold) },
	{ "resilience.horizon_h", "hours a cascade is followed for, 1-1000000 (one week: 168)", 1,
	  1e6, 168, KT_DOUBLE, OFF(resilience_horizon_h) },
	{ "resilience.repair_h",
	  "hours a supplying site stays down in the risk and the SPOF sweep, 0-1000000 (72)", 0,
	  1e6, 72, KT_DOUBLE, OFF(resilience_repair_h) },
	{ "resilience.restart_h",
	  "hours a failed site takes to restart once its supplies are back, 0-1000000 (1; "
	  "resilience.restart_h.KIND_OR_SECTOR overrides it)",
	  0, 1e6, 1, KT_DOUBLE, OFF(resilience_restart_h) },
	{ "resilience.value_person_hour_eur",
	  "value of one person-hour of lost essential service, EUR 2023, 0-1e6 (6: US cost of the "
	  "2003 North American blackout per person-hour, about 2.5-13, methodology section 16; "
	  "upper bound the EU hourly labour cost 31.8)",
	  0, 1e6, 6, KT_DOUBLE, OFF(resilience_value_person_hour_eur) },
	/* issue 13: public alerts (CAP 1.2; docs/methodology.md, "Public alerts") */
	{ "alert.sender",
	  "CAP sender of public alerts (text: no spaces, commas, '<' or '&')", 0, 0, 0, KT_TEXT,
	  OFF_TEXT(alert_sender, "crisis-centre@vellmark.example") },
	{ "alert.public_url",
	  "the public address of this server (text: http(s)://..., no trailing slash) for the feed's links",
	  0, 0, 0, KT_TEXT, OFF_TEXT(alert_public_url, "http://127.0.0.1:8080") },
	{ "alert.cb_pages",
	  "cell-broadcast pages a language's headline and instruction may need, 1-15 (6: four "
	  "UCS-2 pages cannot carry the same safety content in Macedonian and Albanian)", 1, 15,
	  6, KT_UNSIGNED, OFF(alert_cb_pages) },
	{ "alert.approval_min",
	  "minutes a pending Actual alert may wait for its second person's approval, 1-1440 (30)",
	  1, 1440, 30, KT_UNSIGNED, OFF(alert_approval_min) },
	{ "alert.utc_offset_min",
	  "local time of the alert texts' expiry, minutes from UTC, -720 to 840 (60: CET)", -720,
	  840, 60, KT_INT, OFF(alert_utc_offset_min) },
	/* issue 13 review: <web> is a public page of its own, never this server */
	{ "alert.web_url",
	  "public information page written into every alert's <web> (text: http(s)://..., or none: "
	  "no <web>)",
	  0, 0, 0, KT_TEXT, OFF_TEXT(alert_web_url, "none") },
	/* issue 14: `scenario from-site` (receiving hospitals and travel times; docs/scenarios.md) */
	{ "mci.hospital_radius_km",
	  "health-sector sites within this straight-line distance of the attack, km, 0.1-1000, "
	  "become receiving hospitals (30)",
	  0.1, 1000, 30, KT_DOUBLE, OFF(mci_hospital_radius_km) },
	{ "mci.road_factor",
	  "road distance / straight-line distance, 1-5 (1.4: the usual urban detour index, an "
	  "assumption; docs/scenarios.md)",
	  1, 5, 1.4, KT_DOUBLE, OFF(mci_road_factor) },
	{ "mci.speed_kmh",
	  "average ambulance road speed, km/h, 5-200 (50: an urban assumption; docs/scenarios.md)",
	  5, 200, 50, KT_DOUBLE, OFF(mci_speed_kmh) },
	/* issue 16 item 3: attachments marked as showing people or number plates */
	{ "attachments.retention_days",
	  "days an attachment marked as showing people or number plates is kept, then deleted, "
	  "1-3650 (30: as CCTV recordings commonly are; docs/operations.md)",
	  1, 3650, 30, KT_UNSIGNED, OFF(attachments_retention_days) },
};

#define N_KEYS (sizeof keys / sizeof keys[0])

/* Rules between keys: lower < upper (strictly). */
static const char *const ascending[][2] = {
	{ "level.low", "level.moderate" },
	{ "level.moderate", "level.substantial" },
	{ "level.substantial", "level.severe" },
	{ "level.severe", "level.critical" },
	{ "quant.band.medium_min_eur", "quant.band.high_min_eur" },
	{ "fema.band.low_max", "fema.band.medium_max" },
	{ "carver.band.low_max", "carver.band.medium_max" },
	{ "matrix.fema.likelihood.1", "matrix.fema.likelihood.2" },
	{ "matrix.fema.likelihood.2", "matrix.fema.likelihood.3" },
	{ "matrix.fema.likelihood.3", "matrix.fema.likelihood.4" },
	{ "matrix.fema.consequence.1", "matrix.fema.consequence.2" },
	{ "matrix.fema.consequence.2", "matrix.fema.consequence.3" },
	{ "matrix.fema.consequence.3", "matrix.fema.consequence.4" },
	{ "matrix.quant.likelihood.1", "matrix.quant.likelihood.2" },
	{ "matrix.quant.likelihood.2", "matrix.quant.likelihood.3" },
	{ "matrix.quant.likelihood.3", "matrix.quant.likelihood.4" },
	{ "matrix.quant.consequence.1", "matrix.quant.consequence.2" },
	{ "matrix.quant.consequence.2", "matrix.quant.consequence.3" },
	{ "matrix.quant.consequence.3", "matrix.quant.consequence.4" },
	{ "matrix.band.low_max", "matrix.band.medium_max" },
	{ "matrix.band.medium_max", "matrix.band.high_max" },
	{ "plan.size.occupancy.medium_min", "plan.size.occupancy.large_min" },
	{ "plan.size.occupancy.large_min", "plan.size.occupancy.very_large_min" },
	{ "plan.size.value.medium_min_eur", "plan.size.value.large_min_eur" },
	{ "plan.size.value.large_min_eur", "plan.size.value.very_large_min_eur" },
};

/* Rules between keys: lower <= upper (more intrusive measures need at least the same band). */
static const char *const non_decreasing[][2] = {
	{ "plan.band.intrusiveness_1", "plan.band.intrusiveness_2" },
	{ "plan.band.intrusiveness_2", "plan.band.intrusiveness_3" },
};

static double read_value(const struct pt_config *c, const struct key_def *k)
{
	const char *p = (const char *)c + k->offset;
	switch (k->type) {
	case KT_DOUBLE: return *(const double *)(const void *)p;
	case KT_INT: return (double)*(const int *)(const void *)p;
	case KT_UNSIGNED: return (double)*(const unsigned *)(const void *)p;
	case KT_U64: return (double)*(const uint64_t *)(const void *)p;
	case KT_TEXT: return NAN;
	}
	return NAN;
}

/* v has been checked to be in range (and whole for integer keys). */
static void write_value(struct pt_config *c, const struct key_def *k, double v)
{
	char *p = (char *)c + k->offset;
	switch (k->type) {
	case KT_DOUBLE: *(double *)(void *)p = v; break;
	case KT_INT: *(int *)(void *)p = (int)v; break;
	case KT_UNSIGNED: *(unsigned *)(void *)p = (unsigned)v; break;
	case KT_U64: *(uint64_t *)(void *)p = (uint64_t)v; break;
	case KT_TEXT: break;
	}
}

static const struct key_def *find_key(const char *name)
{
	size_t i;
	if (!name)
		return NULL;
	for (i = 0; i < N_KEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

void pt_config_defaults(struct pt_config *c)
{
	size_t i;
	memset(c, 0, sizeof *c);
	for (i = 0; i < N_KEYS; i++)
		if (keys[i].type == KT_TEXT)
			pt_strlcpy((char *)c + keys[i].offset, keys[i].def_text, TEXT_MAX);
		else
			write_value(c, &keys[i], keys[i].def);
}

size_t pt_config_key_count(void)
{
	return N_KEYS;
}

const char *pt_config_key_name(size_t i)
{
	return i < N_KEYS ? keys[i].name : NULL;
}

const char *pt_config_key_description(size_t i)
{
	return i < N_KEYS ? keys[i].description : NULL;
}

double pt_config_key_min(size_t i)
{
	return i < N_KEYS ? keys[i].min : NAN;
}

double pt_config_key_max(size_t i)
{
	return i < N_KEYS ? keys[i].max : NAN;
}

int pt_config_key_is_integer(size_t i)
{
	return i < N_KEYS && keys[i].type != KT_DOUBLE && keys[i].type != KT_TEXT;
}

int pt_config_key_is_text(size_t i)
{
	return i < N_KEYS && keys[i].type == KT_TEXT;
}

enum pt_err pt_config_get_text(const struct pt_config *c, const char *key, char *buf,
			       size_t size)
{
	const struct key_def *k = find_key(key);
	if (!k)
		return PT_ENOTFOUND;
	if (k->type != KT_TEXT)
		return PT_EINVAL;
	pt_strlcpy(buf, (const char *)c + k->offset, size);
	return PT_OK;
}

/* issue 13: check a text setting's value (sender: a CAP identifier; url: http(s), no '/' at the end). */
static enum pt_err check_text(const struct key_def *k, const char *value, struct pt_diag *d)
{
	size_t n = value ? strlen(value) : 0, i;
	if (strcmp(k->name, "alert.web_url") == 0 && strcmp(value, "none") == 0)
		return PT_OK; /* issue 13 review: "none" = no <web> */
	if (n == 0)
		return pt_diag_put(d, PT_EINVAL, 0, k->name, "empty value; a text is needed");
	if (n >= TEXT_MAX)
		return pt_diag_put(d, PT_EINVAL, 0, k->name, "value longer than 255 bytes");
	if (strcmp(k->name, "alert.sender") == 0) {
		if (!pt_cap_identifier_ok(value))
			return pt_diag_put(d, PT_EINVAL, 0, k->name,
					   "a CAP sender has no spaces, commas, '<' or '&'");
		return PT_OK;
	}
	/* alert.public_url, alert.web_url */
	for (i = 0; i < n; i++)
		if ((unsigned char)value[i] <= ' ' || (unsigned char)value[i] >= 0x7f ||
		    strchr("\"<>\\^`{|}", value[i]))
			return pt_diag_put(d, PT_EINVAL, 0, k->name,
					   "a URL has no spaces, quotes or control characters");
	if (!((strncmp(value, "http://", 7) == 0 && n > 7) ||
	      (strncmp(value, "https://", 8) == 0 && n > 8)))
		return pt_diag_put(d, PT_EINVAL, 0, k->name,
				   "must be an http:// or https:// URL (e.g. https://alerts.example.org)");
	if (value[n - 1] == '/')
		return pt_diag_put(d, PT_EINVAL, 0, k->name, "must not end with '/'");
	return PT_OK;
}

enum pt_err pt_config_key_index(const char *key, size_t *out)
{
	const struct key_def *k = find_key(key);
	if (!k)
		return PT_ENOTFOUND;
	*out = (size_t)(k - keys);
	return PT_OK;
}

/* Nonzero when s is a plain decimal number: [+-]digits[.digits][e[+-]digits]. */
static int is_decimal(const char *s)
{
	int digits = 0;
	if (*s == '+' || *s == '-')
		s++;
	while (*s >= '0' && *s <= '9') {
		s++;
		digits++;
	}
	if (*s == '.') {
		s++;
		while (*s >= '0' && *s <= '9') {
			s++;
			digits++;
		}
	}
	if (!digits)
		return 0;
	if (*s == 'e' || *s == 'E') {
		int exp_digits = 0;
		s++;
		if (*s == '+' || *s == '-')
			s++;
		while (*s >= '0' && *s <= '9') {
			s++;
			exp_digits++;
		}
		if (!exp_digits)
			return 0;
	}
	return *s == '\0';
}

/* The text of a limit of k: whole numbers in full (2^53 - 1 has 16 digits). */
static void format_limit(const struct key_def *k, double v, char *buf, size_t size)
{
	char digits[24];
	size_t n = 0, i;
	uint64_t u;
	if (k->type == KT_DOUBLE || v < 0 || v > SEED_MAX) {
		pt_number_format(v, buf, size);
		return;
	}
	u = (uint64_t)v;
	do {
		digits[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	for (i = 0; i < n && i + 1 < size; i++)
		buf[i] = digits[n - 1 - i];
	if (size)
		buf[i < size ? i : size - 1] = '\0';
}

/* "must be a number between MIN and MAX" (or "a whole number between ..."). */
static enum pt_err range_error(struct pt_diag *d, const struct key_def *k)
{
	char msg[160], num[40];
	pt_strlcpy(msg, k->type == KT_DOUBLE ? "must be a number between " :
					       "must be a whole number between ",
		   sizeof msg);
	format_limit(k, k->min, num, sizeof num);
	pt_strlcat(msg, num, sizeof msg);
	pt_strlcat(msg, " and ", sizeof msg);
	format_limit(k, k->max, num, sizeof num);
	pt_strlcat(msg, num, sizeof msg);
	return pt_diag_put(d, PT_EINVAL, 0, k->name, msg);
}

/* Check v against k's type and range. */
static enum pt_err check_value(const struct key_def *k, double v, struct pt_diag *d)
{
	if (!(v >= k->min && v <= k->max))
		return range_error(d, k);
	/* issue 12: a threshold of 0 would never fail a site */
	if (v <= 0 && strcmp(k->name, "resilience.threshold") == 0)
		return pt_diag_put(d, PT_EINVAL, 0, k->name,
				   "must be a number above 0 and at most 1");
	if (k->type != KT_DOUBLE && v != floor(v))
		return range_error(d, k);
	return PT_OK;
}

/* issue 12: resilience.restart_h.KIND_OR_SECTOR, a restart time for one kind or sector. */
static enum pt_err restart_override_set(struct pt_config *c, const char *key, const char *value,
					struct pt_diag *d)
{
	const char *name = key + strlen(PT_CONFIG_RESTART_PREFIX);
	char *end = NULL;
	double v;
	size_t i, n = strlen(name);

	if (n == 0 || n >= PT_ID_MAX)
		return pt_diag_put(d, PT_ENOTFOUND, 0, key, "unknown setting");
	for (i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '_' || name[i] == '-'))
			return pt_diag_put(d, PT_ENOTFOUND, 0, key, "unknown setting");
	if (!value || !value[0] || strlen(value) > 64 || !is_decimal(value))
		return pt_diag_put(d, PT_EINVAL, 0, key, "must be a number between 0 and 1000000");
	errno = 0;
	v = strtod(value, &end);
	if (!end || *end || !isfinite(v) || !(v >= 0 && v <= 1e6))
		return pt_diag_put(d, PT_EINVAL, 0, key, "must be a number between 0 and 1000000");
	for (i = 0; i < c->resilience_n_restart; i++)
		if (strcmp(c->resilience_restart[i].name, name) == 0)
			break;
	if (i == c->resilience_n_restart) {
		if (i >= PT_CONFIG_RESTART_MAX)
			return pt_diag_put(d, PT_ELIMIT, 0, key,
					   "more than 64 restart-time overrides");
		c->resilience_n_restart++;
	}
	pt_strlcpy(c->resilience_restart[i].name, name, sizeof c->resilience_restart[i].name);
	c->resilience_restart[i].hours = v + 0.0;
	return PT_OK;
}

double pt_config_restart_h(const struct pt_config *c, const char *kind, const char *sector)
{
	size_t i;
	double by_kind = NAN;
	for (i = 0; i < c->resilience_n_restart; i++) {
		if (sector && strcmp(c->resilience_restart[i].name, sector) == 0)
			return c->resilience_restart[i].hours;
		if (kind && strcmp(c->resilience_restart[i].name, kind) == 0)
			by_kind = c->resilience_restart[i].hours;
	}
	return isnan(by_kind) ? c->resilience_restart_h : by_kind;
}

enum pt_err pt_config_set(struct pt_config *c, const char *key, const char *value,
			  struct pt_diag *d)
{
	const struct key_def *k = find_key(key);
	char msg[160];
	char *end = NULL;
	double v;
	enum pt_err err;

	if (!k && key && strncmp(key, PT_CONFIG_RESTART_PREFIX, strlen(PT_CONFIG_RESTART_PREFIX)) == 0)
		return restart_override_set(c, key, value, d);
	if (!k)
		return pt_diag_put(d, PT_ENOTFOUND, 0, key ? key : "", "unknown setting");
	if (k->type == KT_TEXT) { /* issue 13 */
		if ((err = check_text(k, value, d)) != PT_OK)
			return err;
		pt_strlcpy((char *)c + k->offset, value, TEXT_MAX);
		return PT_OK;
	}
	if (!value || !value[0])
		return pt_diag_put(d, PT_EINVAL, 0, k->name, "empty value; a number is needed");
	if (strlen(value) > 64)
		return pt_diag_put(d, PT_EINVAL, 0, k->name, "value longer than 64 characters");
	if (strcmp(k->name, "plan.planning_level") == 0) { /* a level's name, or 1-5 */
		enum pt_threat_level level;
		if (pt_threat_level_parse(value, &level) == PT_OK) {
			write_value(c, k, (double)level + 1);
			return PT_OK;
		}
		if (!is_decimal(value))
			return pt_diag_put(d, PT_EINVAL, 0, k->name,
					   "a level is LOW, MODERATE, SUBSTANTIAL, SEVERE or CRITICAL "
					   "(or 1-5)");
	}
	if (!is_decimal(value)) {
		pt_strlcpy(msg, "'", sizeof msg);
		pt_strlcat(msg, value, sizeof msg);
		pt_strlcat(msg, "' is not a number", sizeof msg);
		return pt_diag_put(d, PT_EINVAL, 0, k->name, msg);
	}
	errno = 0;
	v = strtod(value, &end);
	if (!end || *end || !isfinite(v) || (errno == ERANGE && v != 0))
		return range_error(d, k);
	if (v == 0 && signbit(v))
		v = 0; /* "-0" is zero */
	if ((err = check_value(k, v, d)) != PT_OK)
		return err;
	write_value(c, k, v);
	return PT_OK;
}

enum pt_err pt_config_get(const struct pt_config *c, const char *key, double *out)
{
	const struct key_def *k = find_key(key);
	size_t i;
	if (!k && key && strncmp(key, PT_CONFIG_RESTART_PREFIX, strlen(PT_CONFIG_RESTART_PREFIX)) == 0)
		for (i = 0; i < c->resilience_n_restart; i++)
			if (strcmp(c->resilience_restart[i].name,
				   key + strlen(PT_CONFIG_RESTART_PREFIX)) == 0) {
				*out = c->resilience_restart[i].hours;
				return PT_OK;
			}
	if (!k)
		return PT_ENOTFOUND;
	if (k->type == KT_TEXT)
		return PT_EINVAL;
	*out = read_value(c, k);
	return PT_OK;
}

enum pt_err pt_config_check(const struct pt_config *c, struct pt_diag *d)
{
	size_t i;
	enum pt_err err;
	for (i = 0; i < N_KEYS; i++)
		if ((err = keys[i].type == KT_TEXT
				   ? check_text(&keys[i], (const char *)c + keys[i].offset, d)
				   : check_value(&keys[i], read_value(c, &keys[i]), d)) != PT_OK)
			return err;
	for (i = 0; i < sizeof ascending / sizeof ascending[0]; i++) {
		const struct key_def *lo = find_key(ascending[i][0]);
		const struct key_def *hi = find_key(ascending[i][1]);
		double lv, hv;
		if (!lo || !hi)
			return pt_diag_put(d, PT_EINTERNAL, 0, ascending[i][0], "unknown key in a rule");
		lv = read_value(c, lo);
		hv = read_value(c, hi);
		if (!(hv > lv)) {
			char msg[160], num[40];
			pt_strlcpy(msg, "must be greater than ", sizeof msg);
			pt_strlcat(msg, lo->name, sizeof msg);
			pt_strlcat(msg, " (", sizeof msg);
			pt_number_format(lv, num, sizeof num);
			pt_strlcat(msg, num, sizeof msg);
			pt_strlcat(msg, ")", sizeof msg);
			return pt_diag_put(d, PT_EINVAL, 0, hi->name, msg);
		}
	}
	for (i = 0; i < sizeof non_decreasing / sizeof non_decreasing[0]; i++) {
		const struct key_def *lo = find_key(non_decreasing[i][0]);
		const struct key_def *hi = find_key(non_decreasing[i][1]);
		double lv, hv;
		if (!lo || !hi)
			return pt_diag_put(d, PT_EINTERNAL, 0, non_decreasing[i][0],
					   "unknown key in a rule");
		lv = read_value(c, lo);
		hv = read_value(c, hi);
		if (!(hv >= lv)) {
			char msg[160], num[40];
			pt_strlcpy(msg, "must be at least ", sizeof msg);
			pt_strlcat(msg, lo->name, sizeof msg);
			pt_strlcat(msg, " (", sizeof msg);
			pt_number_format(lv, num, sizeof num);
			pt_strlcat(msg, num, sizeof msg);
			pt_strlcat(msg, ")", sizeof msg);
			return pt_diag_put(d, PT_EINVAL, 0, hi->name, msg);
		}
	}
	return PT_OK;
}

enum pt_threat_level pt_config_planning_level(const struct pt_config *c)
{
	int v = c->plan_planning_level;
	return (enum pt_threat_level)(v >= 1 && v <= PT_LEVEL_COUNT ? v - 1 : PT_LEVEL_SUBSTANTIAL);
}

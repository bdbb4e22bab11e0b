/* test_scenario_io.c - the scenario file reader and writer (issue 14): leaves
 * through pt_mci_set by dotted path, errors naming line and key, limits, the round trip. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/pt_diag.h"
#include "formats/pt_scenario_io.h"
#include "pt_test.h"

static enum pt_err read_text(const char *text, struct pt_mci_scenario *s, struct pt_diag *d)
{
	memset(d, 0, sizeof *d);
	return pt_scenario_read(text, strlen(text), "s.json", s, d);
}

/* The message a user sees. */
static const char *shown(const struct pt_diag *d)
{
	static char buf[2048];
	pt_diag_format(d, buf, sizeof buf);
	return buf;
}

static const char *minimal =
	"{\n"
	"  \"name\": \"test\",\n"
	"  \"attack\": {\"victims\": 50, \"sites\": [{\"name\": \"A\", \"share\": 0.5,\n"
	"                                        \"hospital_travel_min\": [5, 12], \"base_travel_min\": [10]},\n"
	"                                       {\"name\": \"B\", \"share\": 0.5,\n"
	"                                        \"hospital_travel_min\": [8, 6], \"base_travel_min\": [14],\n"
	"                                        \"secure_min\": {\"min\": 1, \"mode\": 2, \"max\": 3}}]},\n"
	"  \"response\": {\"ambulances\": 12, \"triage\": \"SALT\", \"rtf\": true,\n"
	"               \"bases\": [{\"name\": \"North\", \"ambulances\": 12}]},\n"
	"  \"hospitals\": [{\"name\": \"H1\", \"icu_beds\": 8}, {\"name\": \"H2\"}],\n"
	"  \"decisions\": [{\"t_min\": 30, \"path\": \"response.ambulances\", \"value\": 20}]\n"
	"}\n";

static void test_read(void)
{
	struct pt_mci_scenario *s = malloc(sizeof *s);
	struct pt_diag d;
	CHECK_INT(read_text(minimal, s, &d), PT_OK);
	CHECK_STR(s->name, "test");
	CHECK_INT(s->attack.victims, 50);
	CHECK_INT(s->attack.n_sites, 2);
	CHECK_STR(s->attack.sites[1].name, "B");
	CHECK(s->attack.sites[1].secure_min.mode == 2);
	CHECK_INT(s->response.ambulances, 12);
	CHECK_INT(s->response.triage, PT_MCI_TRIAGE_SALT);
	CHECK_INT(s->response.rtf, 1);
	CHECK_INT(s->n_hospitals, 2);
	CHECK_INT(s->hospitals[0].icu_beds, 8);
	CHECK_INT(s->hospitals[1].icu_beds, 6); /* the default */
	CHECK_INT(s->n_decisions, 1);
	CHECK_STR(s->decisions[0].value, "20");
	free(s);
}

struct bad_case {
	const char *text;
	enum pt_err err;
	const char *message;
};

static void test_errors(void)
{
	static const struct bad_case cases[] = {
		{ "{\"attack\": {\"victims\": 10},\n \"hospitals\": [{\"name\": \"H\", \"icu_bedz\": 3}]}",
		  PT_EINVAL, "s.json:2: hospitals.0.icu_bedz: unknown key (docs/scenarios.md lists the keys)" },
		{ "{\"hospitals\": [{\"name\": \"H\"}],\n\n \"response\": {\"ambulances\": -1}}",
		  PT_EINVAL, "s.json:3: response.ambulances: a whole number from 0 to 2000 expected" },
		{ "{\"hospitals\": [{\"name\": \"H\"}], \"response\": {\"triage\": \"FAST\"}}",
		  PT_EINVAL, "s.json:1: response.triage: START or SALT expected" },
		{ "{\"hospitals\": [{\"name\": \"H\"}],\n \"name\": null}", PT_EINVAL,
		  "s.json:2: name: null is not a value (leave the key out to keep its default)" },
		{ "{\"name\": \"a\",\n \"name\": \"b\"}", PT_EINVAL, NULL },
		{ "{\"name\": \"a\",\n", PT_EINVAL, NULL },
		{ "[1, 2]", PT_EINVAL, "s.json:1: a scenario is one JSON object" },
		{ "{\"hospitals\": [{\"name\": \"H\"}],\n \"attack.victims\": 3}", PT_EINVAL,
		  "s.json:2: attack.victims: a key may not be empty or hold a '.' (write nested objects)" },
		/* a rule between fields: the line of the first value under the key */
		{ "{\"hospitals\": [{\"name\": \"H\"}],\n \"attack\": {\n  \"mix\": {\"killed\": 0.5}}}",
		  PT_EINVAL, "s.json:3: attack.mix: the shares of the severity classes must sum to 1" },
		/* a rule whose fields the file never named: no line */
		{ "{\"name\": \"no hospitals\"}", PT_EINVAL,
		  "s.json: hospitals: 1 to 32 receiving hospitals expected" },
		{ "{\"hospitals\": [{\"name\": \"H\"}], \"attack\": {\"victims\": 20001}}", PT_ELIMIT, NULL },
		{ "{\"a\": {\"b\": {\"c\": {\"d\": {\"e\": {\"f\": {\"g\": {\"h\": {\"i\": 1}}}}}}}}}",
		  PT_ELIMIT, NULL },
	};
	struct pt_mci_scenario *s = malloc(sizeof *s);
	struct pt_diag d;
	size_t i;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum pt_err err = read_text(cases[i].text, s, &d);
		if (err != cases[i].err)
			fprintf(stderr, "case %zu: %s\n", i, shown(&d));
		CHECK_INT(err, cases[i].err);
		if (cases[i].message)
			CHECK_STR(shown(&d), cases[i].message);
		else
			CHECK(strncmp(shown(&d), "s.json", 6) == 0);
		CHECK_INT(s->n_hospitals, 0); /* the defaults on failure */
	}
	/* the size limit */
	{
		size_t n = (size_t)PT_SCENARIO_MAX_BYTES + 1;
		char *big = malloc(n);
		memset(big, ' ', n);
		big[0] = '{';
		big[n - 1] = '}';
		memset(&d, 0, sizeof d);
		CHECK_INT(pt_scenario_read(big, n, "big.json", s, &d), PT_ELIMIT);
		free(big);
	}
	free(s);
}

/* Write s, read it back, write again: the same bytes. */
static void round_trip(const struct pt_mci_scenario *s)
{
	struct pt_mci_scenario *again = malloc(sizeof *again);
	struct pt_diag d;
	char *a = NULL, *b = NULL;
	size_t la = 0, lb = 0;
	FILE *f = open_memstream(&a, &la);
	CHECK_INT(pt_scenario_write(f, s), PT_OK);
	fclose(f);
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_scenario_read(a, la, "written.json", again, &d), PT_OK);
	if (d.msg[0])
		fprintf(stderr, "%s\n", shown(&d));
	f = open_memstream(&b, &lb);
	CHECK_INT(pt_scenario_write(f, again), PT_OK);
	fclose(f);
	CHECK(la == lb && memcmp(a, b, la) == 0);
	CHECK_INT(again->n_hospitals, s->n_hospitals);
	CHECK_INT(again->response.n_bases, s->response.n_bases);
	CHECK(again->attack.sites[0].hospital_travel_min[0] ==
	      s->attack.sites[0].hospital_travel_min[0]);
	free(a);
	free(b);
	free(again);
}

static void test_write_round_trip(void)
{
	struct pt_mci_scenario *s = malloc(sizeof *s);
	struct pt_diag d;
	CHECK_INT(read_text(minimal, s, &d), PT_OK);
	round_trip(s);
	/* numbers that are not short decimals survive too */
	s->attack.sites[0].hospital_travel_min[1] = 1.0 / 3.0;
	s->injury.death_sigma = 0.1 + 0.2;
	round_trip(s);
	free(s);
}

/* Every scenario shipped in data/scenarios reads and passes the checks. */
static void test_shipped(void)
{
	static const char *const files[] = {
		"data/scenarios/hospital-attack.json", "data/scenarios/shopping-centre-explosion.json",
		"data/scenarios/square-vehicle-ramming.json", "data/scenarios/multi-site-bombing.json",
	};
	struct pt_mci_scenario *s = malloc(sizeof *s);
	size_t i;
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		FILE *f = fopen(files[i], "rb");
		char *buf = malloc(PT_SCENARIO_MAX_BYTES);
		size_t n = 0;
		struct pt_diag d;
		CHECK(f != NULL);
		if (f) {
			n = fread(buf, 1, PT_SCENARIO_MAX_BYTES, f);
			fclose(f);
		}
		memset(&d, 0, sizeof d);
		if (pt_scenario_read(buf, n, files[i], s, &d) != PT_OK) {
			fprintf(stderr, "%s\n", shown(&d));
			CHECK(0);
		} else {
			round_trip(s);
		}
		free(buf);
	}
	free(s);
}

int main(void)
{
	RUN(test_read);
	RUN(test_errors);
	RUN(test_write_round_trip);
	RUN(test_shipped);
	return TEST_SUMMARY("scenario_io");
}

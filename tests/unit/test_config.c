/* test_config.c - unit tests of src/core/pt_config.c: defaults, strict
 * parsing, errors naming the key, cross-key rules, and settings.csv. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_config.h"
#include "pt_test.h"

static void test_defaults(void)
{
	struct pt_config c;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	pt_config_defaults(&c);
	CHECK_INT(pt_config_check(&c, &d), PT_OK);
	CHECK_NEAR(c.value_statistical_life_eur, 3600000, 0);
	CHECK_NEAR(c.value_injury_eur, 468000, 0);
	CHECK_NEAR(c.pert_lambda, 4, 0);
	CHECK_INT(c.fema_low_max, 60);
	CHECK_INT(c.fema_medium_max, 175);
	/* Assessed values hold at SUBSTANTIAL; LOW < MODERATE < 1 < SEVERE < CRITICAL. */
	CHECK(c.level_factor[PT_LEVEL_SUBSTANTIAL] == 1.0);
	CHECK(c.level_factor[PT_LEVEL_LOW] < c.level_factor[PT_LEVEL_MODERATE]);
	CHECK(c.level_factor[PT_LEVEL_MODERATE] < 1.0);
	CHECK(c.level_factor[PT_LEVEL_SEVERE] > 1.0);
	CHECK(c.level_factor[PT_LEVEL_CRITICAL] > c.level_factor[PT_LEVEL_SEVERE]);
	CHECK_NEAR(c.quant_likelihood_edges[0], 1e-5, 0);
	CHECK_NEAR(c.quant_consequence_edges[3], 1e9, 0);
	CHECK(c.national_share >= 0 && c.national_share <= 1);
	CHECK(c.samples > 0);
	CHECK(c.top_k > 0);
	CHECK_INT(c.plan_horizon_years, 10);
	CHECK_NEAR(c.plan_discount_rate, 0.03, 0);
	CHECK_INT(c.plan_max_measures, 4);
	CHECK_NEAR(c.plan_alternative_cost_factor, 1.2, 0);
	CHECK_INT(c.plan_band_for_intrusiveness[3], 3);
	CHECK_NEAR(c.plan_size_factor[3], 4, 0);
	CHECK_INT(c.register_accept_max_band, 2);
}

static void test_keys(void)
{
	size_t i, j, n = pt_config_key_count();
	struct pt_config c;
	double v;
	pt_config_defaults(&c);
	CHECK_INT(n, 75); /* issue 11 item 6: plan.planning_level, plan.surge_weeks; issue 12: resilience.* (5);
			     issue 13: alert.* (5, two of them text); its review: alert.web_url (text); issue 14: mci.* (3);
			     issue 16 item 3: attachments.retention_days */
	CHECK_STR(pt_config_key_name(0), "quant.vsl_eur");
	CHECK(pt_config_key_name(n) == NULL);
	CHECK(pt_config_key_description(n) == NULL);
	for (i = 0; i < n; i++) {
		const char *name = pt_config_key_name(i);
		size_t idx = n;
		CHECK(name != NULL && name[0] != '\0');
		CHECK(pt_config_key_description(i) != NULL && pt_config_key_description(i)[0]);
		CHECK_INT(pt_config_key_index(name, &idx), PT_OK);
		CHECK_INT(idx, i);
		if (pt_config_key_is_text(i)) { /* issue 13 */
			char text[256];
			CHECK_INT(pt_config_get(&c, name, &v), PT_EINVAL);
			CHECK_INT(pt_config_get_text(&c, name, text, sizeof text), PT_OK);
			CHECK(text[0] != '\0');
			CHECK(!pt_config_key_is_integer(i));
			continue;
		}
		CHECK_INT(pt_config_get(&c, name, &v), PT_OK);
		CHECK(v >= pt_config_key_min(i) && v <= pt_config_key_max(i));
		for (j = 0; j < i; j++)
			CHECK(strcmp(pt_config_key_name(j), name) != 0);
	}
	CHECK_INT(pt_config_get(&c, "quant.vsl", &v), PT_ENOTFOUND);
	CHECK_INT(pt_config_key_index("nope", &i), PT_ENOTFOUND);
	CHECK(pt_config_key_is_integer(4));  /* quant.samples */
	CHECK(!pt_config_key_is_integer(0)); /* quant.vsl_eur */
}

static void test_set_get(void)
{
	struct pt_config c;
	struct pt_diag d;
	double v = 0;
	memset(&d, 0, sizeof d);
	pt_config_defaults(&c);
	CHECK_INT(pt_config_set(&c, "quant.vsl_eur", "4.2e6", &d), PT_OK);
	CHECK_NEAR(c.value_statistical_life_eur, 4200000, 0);
	CHECK_INT(pt_config_get(&c, "quant.vsl_eur", &v), PT_OK);
	CHECK_NEAR(v, 4200000, 0);
	CHECK_INT(pt_config_set(&c, "quant.samples", "500", &d), PT_OK);
	CHECK_INT(c.samples, 500);
	CHECK_INT(pt_config_set(&c, "fema.band.low_max", "+50", &d), PT_OK);
	CHECK_INT(c.fema_low_max, 50);
	CHECK_INT(pt_config_set(&c, "quant.seed", "9007199254740991", &d), PT_OK);
	CHECK(c.seed == 9007199254740991ULL);
	CHECK_INT(pt_config_get(&c, "quant.seed", &v), PT_OK);
	CHECK(v == 9007199254740991.0);
	CHECK_INT(pt_config_set(&c, "level.severe", "2.5", &d), PT_OK);
	CHECK_NEAR(c.level_factor[PT_LEVEL_SEVERE], 2.5, 0);
	CHECK_INT(pt_config_set(&c, "matrix.quant.likelihood.1", ".00005", &d), PT_OK);
	CHECK_NEAR(c.quant_likelihood_edges[0], 5e-5, 1e-20);
	CHECK_INT(pt_config_set(&c, "quant.national_share", "0", &d), PT_OK);
	CHECK_NEAR(c.national_share, 0, 0);
	CHECK_INT(pt_config_set(&c, "quant.national_share", "1", &d), PT_OK);
	CHECK_NEAR(c.national_share, 1, 0);
}

/* Setting key to value fails with err, field key and message msg; c unchanged. */
static void check_set_fails(const char *key, const char *value, enum pt_err err, const char *msg)
{
	struct pt_config c, before;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	pt_config_defaults(&c);
	memcpy(&before, &c, sizeof c);
	CHECK_INT(pt_config_set(&c, key, value, &d), err);
	CHECK_STR(d.field, key);
	CHECK_STR(d.msg, msg);
	CHECK(memcmp(&c, &before, sizeof c) == 0);
}

static void test_set_errors(void)
{
	struct pt_config c;
	check_set_fails("quant.vsl", "1", PT_ENOTFOUND, "unknown setting");
	check_set_fails("quant.vsl_eur", "", PT_EINVAL, "empty value; a number is needed");
	check_set_fails("quant.vsl_eur", "abc", PT_EINVAL, "'abc' is not a number");
	check_set_fails("quant.vsl_eur", "12abc", PT_EINVAL, "'12abc' is not a number");
	check_set_fails("quant.vsl_eur", " 12", PT_EINVAL, "' 12' is not a number");
	check_set_fails("quant.vsl_eur", "12 ", PT_EINVAL, "'12 ' is not a number");
	check_set_fails("quant.vsl_eur", "0x10", PT_EINVAL, "'0x10' is not a number");
	check_set_fails("quant.vsl_eur", "inf", PT_EINVAL, "'inf' is not a number");
	check_set_fails("quant.vsl_eur", "nan", PT_EINVAL, "'nan' is not a number");
	check_set_fails("quant.vsl_eur", "1e", PT_EINVAL, "'1e' is not a number");
	check_set_fails("quant.vsl_eur", ".", PT_EINVAL, "'.' is not a number");
	check_set_fails("quant.vsl_eur", "1,5", PT_EINVAL, "'1,5' is not a number");
	check_set_fails("quant.vsl_eur", "1e999", PT_EINVAL,
			"must be a number between 0 and 1000000000");
	check_set_fails("quant.vsl_eur", "-1", PT_EINVAL,
			"must be a number between 0 and 1000000000");
	check_set_fails("quant.national_share", "1.01", PT_EINVAL,
			"must be a number between 0 and 1");
	check_set_fails("quant.samples", "2.5", PT_EINVAL,
			"must be a whole number between 0 and 1000000");
	check_set_fails("quant.samples", "1000001", PT_EINVAL,
			"must be a whole number between 0 and 1000000");
	check_set_fails("quant.seed", "9007199254740992", PT_EINVAL,
			"must be a whole number between 0 and 9007199254740991");
	check_set_fails("fema.band.low_max", "0", PT_EINVAL,
			"must be a whole number between 1 and 999");
	check_set_fails("level.low", "0", PT_EINVAL, "must be a number between 0.001 and 1000");
	check_set_fails("matrix.quant.consequence.2", "1e16", PT_EINVAL,
			"must be a number between 0 and 1e+15");
	check_set_fails("quant.vsl_eur", "00000000000000000000000000000000000000000000000000000000000000001",
			PT_EINVAL, "value longer than 64 characters");
	pt_config_defaults(&c);
	CHECK_INT(pt_config_set(&c, NULL, "1", NULL), PT_ENOTFOUND);
	CHECK_INT(pt_config_set(&c, "quant.vsl_eur", NULL, NULL), PT_EINVAL);
}

/* Set the pairs, then pt_config_check fails naming field with msg. */
static void check_rule(const char *key, const char *value, const char *field, const char *msg)
{
	struct pt_config c;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	pt_config_defaults(&c);
	CHECK_INT(pt_config_set(&c, key, value, &d), PT_OK);
	CHECK_INT(pt_config_check(&c, &d), PT_EINVAL);
	CHECK_STR(d.field, field);
	CHECK_STR(d.msg, msg);
}

static void test_check_rules(void)
{
	struct pt_config c;
	struct pt_diag d;
	check_rule("level.moderate", "0.1", "level.moderate", "must be greater than level.low (0.1)");
	check_rule("level.substantial", "5", "level.severe",
		   "must be greater than level.substantial (5)");
	check_rule("level.critical", "3", "level.critical", "must be greater than level.severe (3)");
	check_rule("fema.band.low_max", "175", "fema.band.medium_max",
		   "must be greater than fema.band.low_max (175)");
	check_rule("carver.band.medium_max", "20", "carver.band.medium_max",
		   "must be greater than carver.band.low_max (28)");
	check_rule("quant.band.medium_min_eur", "1e6", "quant.band.high_min_eur",
		   "must be greater than quant.band.medium_min_eur (1000000)");
	check_rule("matrix.fema.likelihood.3", "16", "matrix.fema.likelihood.3",
		   "must be greater than matrix.fema.likelihood.2 (16)");
	check_rule("matrix.fema.consequence.1", "5", "matrix.fema.consequence.2",
		   "must be greater than matrix.fema.consequence.1 (5)");
	check_rule("matrix.quant.likelihood.4", "0.0005", "matrix.quant.likelihood.4",
		   "must be greater than matrix.quant.likelihood.3 (0.001)");
	check_rule("matrix.quant.consequence.1", "2e7", "matrix.quant.consequence.2",
		   "must be greater than matrix.quant.consequence.1 (20000000)");
	check_rule("matrix.band.high_max", "9", "matrix.band.high_max",
		   "must be greater than matrix.band.medium_max (9)");
	check_rule("matrix.band.low_max", "12", "matrix.band.medium_max",
		   "must be greater than matrix.band.low_max (12)");
	check_rule("plan.size.occupancy.large_min", "500", "plan.size.occupancy.large_min",
		   "must be greater than plan.size.occupancy.medium_min (500)");
	check_rule("plan.size.value.large_min_eur", "6e8", "plan.size.value.very_large_min_eur",
		   "must be greater than plan.size.value.large_min_eur (600000000)");
	check_rule("plan.band.intrusiveness_2", "4", "plan.band.intrusiveness_3",
		   "must be at least plan.band.intrusiveness_2 (4)");
	check_rule("plan.band.intrusiveness_1", "3", "plan.band.intrusiveness_2",
		   "must be at least plan.band.intrusiveness_1 (3)");

	/* A consistent change of several keys passes. */
	memset(&d, 0, sizeof d);
	pt_config_defaults(&c);
	CHECK_INT(pt_config_set(&c, "level.substantial", "1.5", &d), PT_OK);
	CHECK_INT(pt_config_check(&c, &d), PT_OK);
	/* Equal bands for two intrusiveness levels are allowed (non-decreasing). */
	CHECK_INT(pt_config_set(&c, "plan.band.intrusiveness_2", "3", &d), PT_OK);
	CHECK_INT(pt_config_check(&c, &d), PT_OK);
	CHECK_INT(c.plan_band_for_intrusiveness[2], 3);
	/* Size factors must be above zero; the register band is 1-4. */
	CHECK_INT(pt_config_set(&c, "plan.size_factor.small", "0", &d), PT_EINVAL);
	CHECK_STR(d.field, "plan.size_factor.small");
	CHECK_INT(pt_config_set(&c, "register.accept_max_band", "5", &d), PT_EINVAL);
	CHECK_STR(d.msg, "must be a whole number between 1 and 4");

	/* Values put in the struct directly are range-checked too. */
	pt_config_defaults(&c);
	c.national_share = 1.5;
	CHECK_INT(pt_config_check(&c, &d), PT_EINVAL);
	CHECK_STR(d.field, "quant.national_share");
	pt_config_defaults(&c);
	c.pert_lambda = NAN;
	CHECK_INT(pt_config_check(&c, NULL), PT_EINVAL);
}

/* Split one simple RFC 4180 line (quoted fields, "" escapes, no embedded newlines). */
static size_t split_csv(char *line, char **fields, size_t max)
{
	size_t n = 0;
	char *r = line, *w;
	while (n < max) {
		fields[n++] = w = r;
		if (*r == '"') {
			r++;
			for (;;) {
				if (*r == '\0')
					break;
				if (*r == '"' && r[1] == '"') {
					*w++ = '"';
					r += 2;
				} else if (*r == '"') {
					r++;
					break;
				} else {
					*w++ = *r++;
				}
			}
		} else {
			while (*r && *r != ',')
				*w++ = *r++;
		}
		if (*r == ',') {
			*w = '\0';
			r++;
			continue;
		}
		*w = '\0';
		break;
	}
	return n;
}

static void test_settings_csv(void)
{
	FILE *f = fopen("data/catalog/settings.csv", "r");
	char line[1024];
	char *fields[8];
	unsigned char seen[128];
	struct pt_config defaults, fromfile;
	struct pt_diag d;
	size_t n, i, idx, rows = 0;
	long lineno = 0;

	memset(seen, 0, sizeof seen);
	memset(&d, 0, sizeof d);
	pt_config_defaults(&defaults);
	pt_config_defaults(&fromfile);
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK(pt_config_key_count() <= sizeof seen);
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		lineno++;
		if (!line[0])
			continue;
		n = split_csv(line, fields, 8);
		CHECK_INT(n, 3);
		if (n != 3)
			continue;
		if (lineno == 1) {
			CHECK_STR(fields[0], "key");
			CHECK_STR(fields[1], "value");
			CHECK_STR(fields[2], "description");
			continue;
		}
		rows++;
		if (pt_config_key_index(fields[0], &idx) != PT_OK) {
			fprintf(stderr, "settings.csv:%ld: unknown key %s\n", lineno, fields[0]);
			CHECK(0);
			continue;
		}
		CHECK(!seen[idx]); /* no duplicate */
		seen[idx] = 1;
		/* The value parses under the key's rules, equals the built-in default. */
		CHECK_INT(pt_config_set(&fromfile, fields[0], fields[1], &d), PT_OK);
		if (pt_config_key_is_text(idx)) { /* issue 13: text equals the default */
			char want[256], got[256];
			pt_config_get_text(&defaults, fields[0], want, sizeof want);
			pt_config_get_text(&fromfile, fields[0], got, sizeof got);
			CHECK_STR(got, want);
		} else {
			double want = 0, got = 0;
			pt_config_get(&defaults, fields[0], &want);
			pt_config_get(&fromfile, fields[0], &got);
			if (got != want)
				fprintf(stderr, "settings.csv:%ld: %s = %s, default %.17g\n", lineno,
					fields[0], fields[1], want);
			CHECK(got == want);
		}
		CHECK_STR(fields[2], pt_config_key_description(idx));
	}
	fclose(f);
	CHECK_INT(rows, pt_config_key_count());
	for (i = 0; i < pt_config_key_count(); i++) {
		if (!seen[i])
			fprintf(stderr, "settings.csv: key %s missing\n", pt_config_key_name(i));
		CHECK(seen[i]);
	}
	CHECK(memcmp(&defaults, &fromfile, sizeof defaults) == 0);
}

/* issue 13: the alert settings; the two text ones are checked as text. */
static void test_alert_keys(void)
{
	struct pt_config c;
	struct pt_diag d;
	char buf[256];
	memset(&d, 0, sizeof d);
	pt_config_defaults(&c);
	CHECK_STR(c.alert_sender, "crisis-centre@vellmark.example");
	CHECK_STR(c.alert_public_url, "http://127.0.0.1:8080");
	CHECK_INT(c.alert_cb_pages, 6); /* review 13: 4 UCS-2 pages cannot say it all in mk/sq */
	CHECK_INT(c.alert_approval_min, 30);
	/* review 13: alert.web_url, "none" (no <web>) or an http(s) URL */
	CHECK_STR(c.alert_web_url, "none");
	CHECK_INT(pt_config_set(&c, "alert.web_url", "crisis.example.org", &d), PT_EINVAL);
	CHECK_STR(d.field, "alert.web_url");
	CHECK_INT(pt_config_set(&c, "alert.web_url", "https://crisis.example.org/", &d), PT_EINVAL);
	CHECK_INT(pt_config_set(&c, "alert.web_url", "https://crisis.example.org", &d), PT_OK);
	CHECK_INT(pt_config_set(&c, "alert.web_url", "none", &d), PT_OK);
	CHECK_INT(pt_config_check(&c, &d), PT_OK);
	CHECK_INT(c.alert_utc_offset_min, 60);
	CHECK_INT(pt_config_set(&c, "alert.sender", "crisis centre", &d), PT_EINVAL);
	CHECK_STR(d.field, "alert.sender");
	CHECK_INT(pt_config_set(&c, "alert.sender", "a,b", &d), PT_EINVAL);
	CHECK_INT(pt_config_set(&c, "alert.sender", "", &d), PT_EINVAL);
	CHECK_INT(pt_config_set(&c, "alert.sender", "cmc@gov.example", &d), PT_OK);
	CHECK_INT(pt_config_get_text(&c, "alert.sender", buf, sizeof buf), PT_OK);
	CHECK_STR(buf, "cmc@gov.example");
	CHECK_INT(pt_config_set(&c, "alert.public_url", "https://alerts.example.org/", &d), PT_EINVAL);
	CHECK(strstr(d.msg, "'/'") != NULL);
	CHECK_INT(pt_config_set(&c, "alert.public_url", "ftp://alerts.example.org", &d), PT_EINVAL);
	CHECK_INT(pt_config_set(&c, "alert.public_url", "https://a b.example", &d), PT_EINVAL);
	CHECK_INT(pt_config_set(&c, "alert.public_url", "https://alerts.example.org", &d), PT_OK);
	CHECK_STR(c.alert_public_url, "https://alerts.example.org");
	{
		char longurl[300];
		memset(longurl, 'a', sizeof longurl);
		memcpy(longurl, "https://", 8);
		longurl[299] = '\0';
		CHECK_INT(pt_config_set(&c, "alert.public_url", longurl, &d), PT_EINVAL);
	}
	CHECK_INT(pt_config_get_text(&c, "alert.cb_pages", buf, sizeof buf), PT_EINVAL);
	CHECK_INT(pt_config_get_text(&c, "alert.nope", buf, sizeof buf), PT_ENOTFOUND);
	CHECK_INT(pt_config_set(&c, "alert.cb_pages", "16", &d), PT_EINVAL);
	CHECK_INT(pt_config_set(&c, "alert.cb_pages", "15", &d), PT_OK);
	CHECK_INT(pt_config_set(&c, "alert.approval_min", "0", &d), PT_EINVAL);
	CHECK_INT(pt_config_set(&c, "alert.utc_offset_min", "-720", &d), PT_OK);
	CHECK_INT(c.alert_utc_offset_min, -720);
	CHECK_INT(pt_config_set(&c, "alert.utc_offset_min", "841", &d), PT_EINVAL);
	CHECK_INT(pt_config_check(&c, &d), PT_OK);
}

/* issue 12: the cascade settings; resilience.threshold excludes 0; restart overrides by
 * sector before kind. */
static void test_resilience_keys(void)
{
	struct pt_config c;
	struct pt_diag d;
	double v = 0;
	memset(&d, 0, sizeof d);
	pt_config_defaults(&c);
	CHECK_NEAR(c.resilience_threshold, 0.5, 0);
	CHECK_NEAR(c.resilience_horizon_h, 168, 0);
	CHECK_NEAR(c.resilience_repair_h, 72, 0);
	CHECK_NEAR(c.resilience_value_person_hour_eur, 6, 0);
	CHECK_INT(pt_config_set(&c, "resilience.threshold", "0", &d), PT_EINVAL);
	CHECK_STR(d.msg, "must be a number above 0 and at most 1");
	CHECK_INT(pt_config_set(&c, "resilience.threshold", "1", &d), PT_OK);
	CHECK_INT(pt_config_set(&c, "resilience.threshold", "1.01", &d), PT_EINVAL);
	CHECK_INT(pt_config_set(&c, "resilience.horizon_h", "0", &d), PT_EINVAL);
	CHECK_NEAR(pt_config_restart_h(&c, "critical_infrastructure", "energy"), 1, 0);
	CHECK_INT(pt_config_set(&c, "resilience.restart_h.critical_infrastructure", "6", &d), PT_OK);
	CHECK_NEAR(pt_config_restart_h(&c, "critical_infrastructure", "energy"), 6, 0);
	CHECK_INT(pt_config_set(&c, "resilience.restart_h.energy", "12", &d), PT_OK);
	CHECK_NEAR(pt_config_restart_h(&c, "critical_infrastructure", "energy"), 12, 0);
	CHECK_NEAR(pt_config_restart_h(&c, "critical_infrastructure", "health"), 6, 0);
	CHECK_INT(pt_config_set(&c, "resilience.restart_h.energy", "2", &d), PT_OK); /* replaced */
	CHECK_INT((long long)c.resilience_n_restart, 2);
	CHECK_INT(pt_config_get(&c, "resilience.restart_h.energy", &v), PT_OK);
	CHECK_NEAR(v, 2, 0);
	CHECK_INT(pt_config_set(&c, "resilience.restart_h.energy", "-1", &d), PT_EINVAL);
	CHECK_INT(pt_config_set(&c, "resilience.restart_h.Energy", "1", &d), PT_ENOTFOUND);
	CHECK_INT(pt_config_set(&c, "resilience.restart_h.", "1", &d), PT_ENOTFOUND);
	CHECK_INT(pt_config_check(&c, &d), PT_OK);
}

/* issue 14: the settings of `scenario from-site` */
static void test_mci_keys(void)
{
	struct pt_config c;
	struct pt_diag d;
	pt_config_defaults(&c);
	memset(&d, 0, sizeof d);
	CHECK(c.mci_hospital_radius_km == 30 && c.mci_road_factor == 1.4 && c.mci_speed_kmh == 50);
	CHECK_INT(pt_config_set(&c, "mci.road_factor", "0.9", &d), PT_EINVAL);
	CHECK_STR(d.field, "mci.road_factor");
	CHECK_INT(pt_config_set(&c, "mci.speed_kmh", "0", &d), PT_EINVAL);
	CHECK_INT(pt_config_set(&c, "mci.hospital_radius_km", "12.5", &d), PT_OK);
	CHECK(c.mci_hospital_radius_km == 12.5);
	CHECK_INT(pt_config_check(&c, &d), PT_OK);
}

int main(void)
{
	RUN(test_resilience_keys);
	RUN(test_alert_keys); /* issue 13 */
	RUN(test_mci_keys);
	RUN(test_defaults);
	RUN(test_keys);
	RUN(test_set_get);
	RUN(test_set_errors);
	RUN(test_check_rules);
	RUN(test_settings_csv);
	return TEST_SUMMARY("test_config");
}

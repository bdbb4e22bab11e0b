/* test_levels.c - unit tests of src/core/pt_levels.c (issue 11, item 9): the entries
 * in force at a time (expiries read, clears, reverts) and the highest-level rule with "below". */
#include <string.h>

#include "core/pt_levels.h"
#include "core/pt_register.h"
#include "formats/pt_time_io.h"
#include "pt_test.h"

/* A change of scope/id to level (cleared when level < 0), set at set_at, expiring at until. */
static struct pt_level_change change(enum pt_level_scope scope, const char *id, int level,
				     int below, int64_t set_at, int64_t until)
{
	struct pt_level_change c;
	memset(&c, 0, sizeof c);
	c.scope = scope;
	pt_strlcpy(c.scope_id, id, sizeof c.scope_id);
	c.cleared = level < 0;
	c.level = level < 0 ? PT_LEVEL_SUBSTANTIAL : (enum pt_threat_level)level;
	c.below = below;
	c.set_at = set_at;
	c.expires_at = until;
	pt_strlcpy(c.rationale, "test", sizeof c.rationale);
	return c;
}

/* PBIED pinned at SEVERE no longer holds a site below a CRITICAL national level (the defect). */
static void test_highest_applies(void)
{
	struct pt_level_change h[2];
	struct pt_level_entry in[2];
	enum pt_level_scope from;
	size_t n;
	h[0] = change(PT_LEVEL_SCOPE_NATIONAL, "", PT_LEVEL_CRITICAL, 0, 10, 0);
	h[1] = change(PT_LEVEL_SCOPE_THREAT, "pbied", PT_LEVEL_SEVERE, 0, 11, 0);
	pt_levels_in_force(h, 2, 100, in, &n);
	CHECK_INT(n, 2);
	CHECK_INT(pt_level_effective(in, n, "energy", "Old Town", "pbied", &from), PT_LEVEL_CRITICAL);
	CHECK_INT(from, PT_LEVEL_SCOPE_NATIONAL);
	/* a threat above the national level raises it */
	h[0].level = PT_LEVEL_MODERATE;
	pt_levels_in_force(h, 2, 100, in, &n);
	CHECK_INT(pt_level_effective(in, n, "energy", "Old Town", "pbied", &from), PT_LEVEL_SEVERE);
	CHECK_INT(from, PT_LEVEL_SCOPE_THREAT);
	CHECK_INT(pt_level_effective(in, n, "energy", "Old Town", "arson", NULL), PT_LEVEL_MODERATE);
}

/* "below" with a reason applies even under a higher national, sector or region level. */
static void test_below(void)
{
	struct pt_level_change h[3];
	struct pt_level_entry in[3];
	enum pt_level_scope from;
	size_t n;
	h[0] = change(PT_LEVEL_SCOPE_NATIONAL, "", PT_LEVEL_CRITICAL, 0, 10, 0);
	h[1] = change(PT_LEVEL_SCOPE_REGION, "Old Town", PT_LEVEL_CRITICAL, 0, 11, 0);
	h[2] = change(PT_LEVEL_SCOPE_THREAT, "pbied", PT_LEVEL_SEVERE, 1, 12, 0);
	pt_levels_in_force(h, 3, 100, in, &n);
	CHECK_INT(pt_level_effective(in, n, "energy", "Old Town", "pbied", &from), PT_LEVEL_SEVERE);
	CHECK_INT(from, PT_LEVEL_SCOPE_THREAT);
	CHECK_INT(pt_level_effective(in, n, "energy", "Old Town", "arson", NULL), PT_LEVEL_CRITICAL);
}

/* Sector and region levels raise only their own sites. */
static void test_sector_region(void)
{
	struct pt_level_change h[3];
	struct pt_level_entry in[3];
	enum pt_level_scope from;
	size_t n;
	h[0] = change(PT_LEVEL_SCOPE_SECTOR, "energy", PT_LEVEL_SEVERE, 0, 10, 0);
	h[1] = change(PT_LEVEL_SCOPE_REGION, "Old Town", PT_LEVEL_CRITICAL, 0, 11, 0);
	h[2] = change(PT_LEVEL_SCOPE_REGION, "Quayside", PT_LEVEL_LOW, 0, 12, 0);
	pt_levels_in_force(h, 3, 100, in, &n);
	CHECK_INT(n, 3);
	/* no national entry: SUBSTANTIAL */
	CHECK_INT(pt_level_national(in, n), PT_LEVEL_SUBSTANTIAL);
	CHECK_INT(pt_level_effective(in, n, "energy", "Quayside", "arson", &from), PT_LEVEL_SEVERE);
	CHECK_INT(from, PT_LEVEL_SCOPE_SECTOR);
	CHECK_INT(pt_level_effective(in, n, "energy", "Old Town", "arson", &from), PT_LEVEL_CRITICAL);
	CHECK_INT(from, PT_LEVEL_SCOPE_REGION);
	/* a lower region level never lowers a site below the national level */
	CHECK_INT(pt_level_effective(in, n, "water", "Quayside", "arson", &from),
		  PT_LEVEL_SUBSTANTIAL);
	CHECK_INT(from, PT_LEVEL_SCOPE_NATIONAL);
	CHECK_INT(pt_level_effective(in, n, NULL, NULL, "arson", NULL), PT_LEVEL_SUBSTANTIAL);
}

/* An expired change gives back what it replaced; a clear removes the entry; ordering holds. */
static void test_expiry_and_clear(void)
{
	struct pt_level_change h[5];
	struct pt_level_entry in[5];
	size_t n;
	/* by scope, then oldest first: national SEVERE, then CRITICAL until 200 */
	h[0] = change(PT_LEVEL_SCOPE_NATIONAL, "", PT_LEVEL_SEVERE, 0, 10, 0);
	h[1] = change(PT_LEVEL_SCOPE_NATIONAL, "", PT_LEVEL_CRITICAL, 0, 20, 200);
	h[2] = change(PT_LEVEL_SCOPE_THREAT, "pbied", PT_LEVEL_LOW, 0, 10, 0);
	h[3] = change(PT_LEVEL_SCOPE_THREAT, "pbied", -1, 0, 30, 0); /* cleared */
	h[4] = change(PT_LEVEL_SCOPE_THREAT, "vehicle_ramming", PT_LEVEL_MODERATE, 1, 40, 150);
	pt_levels_in_force(h, 5, 100, in, &n);
	CHECK_INT(n, 2); /* pbied cleared */
	CHECK_INT(pt_level_national(in, n), PT_LEVEL_CRITICAL);
	CHECK_INT(in[0].reverted, 0);
	CHECK_INT(pt_level_effective(in, n, NULL, NULL, "pbied", NULL), PT_LEVEL_CRITICAL);
	CHECK_INT(pt_level_effective(in, n, NULL, NULL, "vehicle_ramming", NULL),
		  PT_LEVEL_MODERATE);
	/* at 200 the CRITICAL has expired: back to SEVERE; the below entry expired at 150 */
	pt_levels_in_force(h, 5, 200, in, &n);
	CHECK_INT(n, 1);
	CHECK_INT(pt_level_national(in, n), PT_LEVEL_SEVERE);
	CHECK_INT(in[0].reverted, 1);
	CHECK_INT(pt_level_effective(in, n, NULL, NULL, "vehicle_ramming", NULL), PT_LEVEL_SEVERE);
	/* a clear that expires gives the entry back */
	h[3].expires_at = 50;
	pt_levels_in_force(h, 4, 100, in, &n);
	CHECK_INT(n, 2);
	CHECK_INT(pt_level_effective(in, n, NULL, NULL, "pbied", NULL), PT_LEVEL_CRITICAL);
	CHECK_INT(in[1].change.level, PT_LEVEL_LOW);
	/* nothing at all: no entries, SUBSTANTIAL */
	pt_levels_in_force(h, 0, 100, in, &n);
	CHECK_INT(n, 0);
	CHECK_INT(pt_level_effective(in, n, "energy", "Old Town", "pbied", NULL),
		  PT_LEVEL_SUBSTANTIAL);
}

static void test_scope_names(void)
{
	enum pt_level_scope s;
	CHECK_STR(pt_level_scope_name(PT_LEVEL_SCOPE_REGION), "region");
	CHECK_INT(pt_level_scope_parse("sector", &s), PT_OK);
	CHECK_INT(s, PT_LEVEL_SCOPE_SECTOR);
	CHECK_INT(pt_level_scope_parse("Sector", &s), PT_EINVAL);
	CHECK_STR(pt_level_scope_name((enum pt_level_scope)9), "");
}

/* issue 11 review L1: a rationale shows something and hides no bidi control. */
static void test_text_check(void)
{
	CHECK_INT(pt_level_text_check("JTAC raised PBIED"), PT_TEXT_OK);
	CHECK_INT(pt_level_text_check("\xC3\xA9valuation"), PT_TEXT_OK); /* e acute */
	CHECK_INT(pt_level_text_check(""), PT_TEXT_BLANK);
	CHECK_INT(pt_level_text_check(NULL), PT_TEXT_BLANK);
	CHECK_INT(pt_level_text_check("   \t"), PT_TEXT_BLANK);
	CHECK_INT(pt_level_text_check("\xE2\x80\x8B\xEF\xBB\xBF\xC2\xA0\xE3\x80\x80"),
		  PT_TEXT_BLANK); /* U+200B U+FEFF U+00A0 U+3000 */
	CHECK_INT(pt_level_text_check("\xE2\x80\xAE\xE2\x80\x8B"), PT_TEXT_BIDI); /* U+202E */
	CHECK_INT(pt_level_text_check("ok \xE2\x81\xA6x"), PT_TEXT_BIDI);           /* U+2066 */
	CHECK_INT(pt_level_text_check("ok \xD8\x9C"), PT_TEXT_BIDI);                 /* U+061C */
	CHECK_INT(pt_level_text_check("bad \xC3"), PT_TEXT_BAD_UTF8);
}

/* issue 11 review M4: expiries in canonical forms only, real days and times. */
static void test_time_parse(void)
{
	int64_t t = 0;
	CHECK_INT(pt_time_parse_utc("2027-01-31", &t), 0);
	CHECK(t == 1801353600);
	CHECK_INT(pt_time_parse_utc("2027-01-31T12:30Z", &t), 0);
	CHECK(t == 1801353600 + 12 * 3600 + 30 * 60);
	CHECK_INT(pt_time_parse_utc("2027-01-31T12:30:15Z", &t), 0);
	CHECK(t == 1801353600 + 12 * 3600 + 30 * 60 + 15);
	CHECK_INT(pt_time_parse_utc("2028-02-29", &t), 0);
	CHECK_INT(pt_time_parse_utc("@1801353600", &t), 0);
	t = 7;
	CHECK_INT(pt_time_parse_utc("2027-02-30", &t), -1); /* was stored as 2027-03-02 */
	CHECK_INT(pt_time_parse_utc("2027-02-29", &t), -1);
	CHECK_INT(pt_time_parse_utc("2027-01-01T00:00:60Z", &t), -1);
	CHECK_INT(pt_time_parse_utc("2027-01-01T24:00Z", &t), -1);
	CHECK_INT(pt_time_parse_utc("2027-1-31", &t), -1);
	CHECK_INT(pt_time_parse_utc("2027-01-31T00:00", &t), -1); /* no Z */
	CHECK_INT(pt_time_parse_utc("2027-01-31T00:00:00", &t), -1);
	CHECK_INT(pt_time_parse_utc("2027-13-01", &t), -1);
	CHECK_INT(pt_time_parse_utc("2027-00-10", &t), -1);
	CHECK_INT(pt_time_parse_utc(" 2027-01-31", &t), -1);
	CHECK_INT(pt_time_parse_utc("2027-01-31Z", &t), -1);
	CHECK_INT(pt_time_parse_utc("@-5", &t), -1);
	CHECK_INT(pt_time_parse_utc("@+5", &t), -1);
	CHECK(t == 7); /* untouched */
}

/* issue 11 review L2: a review date at most five years ahead. */
static void test_review_horizon(void)
{
	CHECK_INT(pt_register_review_too_far("2031-12-01", "2026-12-01"), 0);
	CHECK_INT(pt_register_review_too_far("2031-12-02", "2026-12-01"), 1);
	CHECK_INT(pt_register_review_too_far("9999-12-31", "2026-12-01"), 1);
	CHECK_INT(pt_register_review_too_far("2033-02-28", "2028-02-29"), 0);
	CHECK_INT(pt_register_review_too_far("2033-03-01", "2028-02-29"), 1);
	CHECK_INT(pt_register_review_too_far("", "2026-12-01"), 0);
}

int main(void)
{
	RUN(test_highest_applies);
	RUN(test_below);
	RUN(test_sector_region);
	RUN(test_expiry_and_clear);
	RUN(test_scope_names);
	RUN(test_text_check);
	RUN(test_time_parse);
	RUN(test_review_horizon);
	return TEST_SUMMARY("levels");
}

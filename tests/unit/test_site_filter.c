/* test_site_filter.c - unit tests of issue 16 item 5's filter: core/pt_site_filter (values,
 * the check against what a caller may know, the match) and formats/pt_filter_io (the echo, the key). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_site_filter.h"
#include "formats/pt_filter_io.h"
#include "pt_test.h"

static void entry(struct pt_catalog *c, const char *id)
{
	struct pt_catalog_entry e;
	memset(&e, 0, sizeof e);
	pt_strlcpy(e.id, id, sizeof e.id);
	CHECK_INT(pt_catalog_append(c, &e), PT_OK);
}

static void site(struct pt_site *s, const char *sector, const char *region, const char *kind,
		 enum pt_tlp tlp)
{
	memset(s, 0, sizeof *s);
	pt_strlcpy(s->sector, sector, sizeof s->sector);
	pt_strlcpy(s->region, region, sizeof s->region);
	pt_strlcpy(s->kind, kind, sizeof s->kind);
	s->tlp = tlp;
}

static void test_values(void)
{
	struct pt_site_filter f;
	enum pt_filter_field field;
	char long_value[PT_FILTER_VALUE_MAX + 2];
	size_t i;
	memset(&f, 0, sizeof f);
	CHECK(!pt_site_filter_active(&f));
	CHECK(!pt_site_filter_active(NULL));
	CHECK_INT(pt_site_filter_add(&f, PT_FILTER_SECTOR, "health"), PT_OK);
	CHECK_INT(pt_site_filter_add(&f, PT_FILTER_SECTOR, "health"), PT_OK); /* kept once */
	CHECK_INT(f.n[PT_FILTER_SECTOR], 1);
	CHECK_INT(pt_site_filter_add(&f, PT_FILTER_SECTOR, ""), PT_EINVAL);
	memset(long_value, 'x', sizeof long_value - 1);
	long_value[sizeof long_value - 1] = '\0';
	CHECK_INT(pt_site_filter_add(&f, PT_FILTER_REGION, long_value), PT_EINVAL);
	for (i = 0; i < PT_FILTER_VALUES_MAX; i++) {
		char v[16];
		snprintf(v, sizeof v, "r%zu", i);
		CHECK_INT(pt_site_filter_add(&f, PT_FILTER_REGION, v), PT_OK);
	}
	CHECK_INT(pt_site_filter_add(&f, PT_FILTER_REGION, "one too many"), PT_ELIMIT);
	CHECK(pt_site_filter_active(&f));
	CHECK(pt_site_filter_has(&f, PT_FILTER_REGION) && !pt_site_filter_has(&f, PT_FILTER_TLP));
	CHECK_STR(pt_filter_field_name(PT_FILTER_TLP), "tlp");
	CHECK_STR(pt_filter_field_name((enum pt_filter_field)99), "");
	CHECK_INT(pt_filter_field_parse("owner", &field), PT_OK);
	CHECK_INT(field, PT_FILTER_OWNER);
	CHECK_INT(pt_filter_field_parse("Owner", &field), PT_EINVAL);
	pt_site_filter_clear(&f);
	CHECK(!pt_site_filter_active(&f));
	pt_site_filter_clear(NULL);
}

/* The check: catalogues, the caller's regions and owners, "mine", bands and labels. */
static void test_check_and_match(void)
{
	struct pt_catalog sectors, kinds;
	struct pt_site_filter f;
	struct pt_filter_known k;
	const char *regions[] = {"Old Town", "Kessling"};
	const long long owners[] = {4, 1};
	enum pt_filter_field bad = PT_FILTER_SECTOR;
	struct pt_site s;
	size_t at = 99;
	memset(&sectors, 0, sizeof sectors);
	memset(&kinds, 0, sizeof kinds);
	entry(&sectors, "health");
	entry(&sectors, "energy");
	entry(&kinds, "soft_target");
	memset(&k, 0, sizeof k);
	k.sectors = &sectors;
	k.kinds = &kinds;
	k.regions = regions;
	k.n_regions = 2;
	k.owners = owners;
	k.n_owners = 2;
	k.mine = 5;

	memset(&f, 0, sizeof f);
	CHECK_INT(pt_site_filter_add(&f, PT_FILTER_SECTOR, "health"), PT_OK);
	CHECK_INT(pt_site_filter_add(&f, PT_FILTER_SECTOR, "energy"), PT_OK);
	CHECK_INT(pt_site_filter_add(&f, PT_FILTER_REGION, "Kessling"), PT_OK);
	CHECK_INT(pt_site_filter_add(&f, PT_FILTER_TLP, "AMBER+STRICT"), PT_OK);
	CHECK_INT(pt_site_filter_add(&f, PT_FILTER_TLP, "GREEN"), PT_OK);
	CHECK_INT(pt_site_filter_add(&f, PT_FILTER_OWNER, "4"), PT_OK);
	CHECK_INT(pt_site_filter_add(&f, PT_FILTER_OWNER, "mine"), PT_OK);
	CHECK_INT(pt_site_filter_add(&f, PT_FILTER_BAND, "very high"), PT_OK);
	CHECK_INT(pt_site_filter_check(&f, &k, &bad, &at), PT_OK);
	CHECK_INT(f.owner_ids[0], 4);
	CHECK_INT(f.owner_ids[1], 5); /* mine: the caller's organisation */
	site(&s, "energy", "Kessling", "soft_target", PT_TLP_AMBER_STRICT);
	CHECK(pt_site_filter_match(&f, &s, 4));
	CHECK(pt_site_filter_match(&f, &s, 5));
	CHECK(!pt_site_filter_match(&f, &s, 1));   /* another owner */
	CHECK(!pt_site_filter_match(&f, &s, 0));   /* no owner */
	site(&s, "energy", "Kessling", "soft_target", PT_TLP_AMBER);
	CHECK(!pt_site_filter_match(&f, &s, 4));   /* AMBER is not AMBER+STRICT */
	site(&s, "health", "Old Town", "soft_target", PT_TLP_GREEN);
	CHECK(!pt_site_filter_match(&f, &s, 4));   /* AND across fields: the region */
	CHECK(pt_site_filter_band(&f, PT_BAND_VERY_HIGH));
	CHECK(!pt_site_filter_band(&f, PT_BAND_HIGH));
	CHECK(!pt_site_filter_band(&f, PT_BAND_NONE)); /* not assessed: no band */
	CHECK(pt_site_filter_band(NULL, PT_BAND_NONE));
	CHECK(pt_site_filter_match(NULL, &s, 0));
	pt_site_filter_clear(&f);

	/* each unknown value, its field and index */
	{
		static const struct {
			enum pt_filter_field field;
			const char *value;
		} bad_values[] = {
			{PT_FILTER_SECTOR, "volcanoes"}, {PT_FILTER_KIND, "castle"},
			{PT_FILTER_REGION, "Zzsecret"},  /* a region of no site the caller reads */
			{PT_FILTER_OWNER, "7"},          /* no site of the caller's is theirs */
			{PT_FILTER_OWNER, "04"},         {PT_FILTER_OWNER, "-4"},
			{PT_FILTER_BAND, "none"},        {PT_FILTER_BAND, "High"},
			{PT_FILTER_TLP, "AMBER STRICT"}, {PT_FILTER_TLP, "TLP:RED"},
			{PT_FILTER_TLP, "amber"},
		};
		size_t i;
		for (i = 0; i < sizeof bad_values / sizeof *bad_values; i++) {
			memset(&f, 0, sizeof f);
			CHECK_INT(pt_site_filter_add(&f, PT_FILTER_SECTOR, "health"), PT_OK);
			CHECK_INT(pt_site_filter_add(&f, bad_values[i].field, bad_values[i].value), PT_OK);
			bad = PT_FILTER_SECTOR;
			at = 99;
			CHECK_INT(pt_site_filter_check(&f, &k, &bad, &at), PT_EINVAL);
			CHECK_INT(bad, bad_values[i].field);
			CHECK_INT(at, bad_values[i].field == PT_FILTER_SECTOR ? 1 : 0);
			pt_site_filter_clear(&f);
		}
	}
	/* "mine" without an organisation (the system administrator) */
	k.mine = 0;
	memset(&f, 0, sizeof f);
	CHECK_INT(pt_site_filter_add(&f, PT_FILTER_OWNER, "mine"), PT_OK);
	CHECK_INT(pt_site_filter_check(&f, &k, &bad, &at), PT_EINVAL);
	CHECK_INT(bad, PT_FILTER_OWNER);
	pt_site_filter_clear(&f);
	pt_catalog_clear(&sectors);
	pt_catalog_clear(&kinds);
}

static void test_json_and_key(void)
{
	struct pt_site_filter f;
	struct pt_filter_known k;
	const long long owners[] = {4};
	enum pt_filter_field bad;
	size_t at;
	char key[256] = "ranking/fema", other[256] = "ranking/fema", tiny[8] = "";
	json_t *j;
	char *text;
	memset(&f, 0, sizeof f);
	memset(&k, 0, sizeof k);
	j = pt_site_filter_json(&f);
	text = json_dumps(j, JSON_COMPACT);
	CHECK_STR(text, "{}");
	free(text);
	json_decref(j);
	CHECK_INT(pt_site_filter_add(&f, PT_FILTER_TLP, "AMBER+STRICT"), PT_OK);
	CHECK_INT(pt_site_filter_add(&f, PT_FILTER_OWNER, "mine"), PT_OK);
	k.owners = owners;
	k.n_owners = 1;
	k.mine = 4;
	CHECK_INT(pt_site_filter_check(&f, &k, &bad, &at), PT_OK);
	j = pt_site_filter_json(&f);
	text = json_dumps(j, JSON_COMPACT);
	CHECK_STR(text, "{\"owner\":[\"mine\"],\"tlp\":[\"AMBER+STRICT\"],\"owner_ids\":[4]}");
	free(text);
	json_decref(j);
	/* "mine" keys by the caller's organisation: two organisations, two keys */
	CHECK_INT(pt_site_filter_key(&f, 4, key, sizeof key), PT_OK);
	CHECK_INT(pt_site_filter_key(&f, 5, other, sizeof other), PT_OK);
	CHECK(strcmp(key, other) != 0);
	CHECK(strncmp(key, "ranking/fema", 12) == 0);
	CHECK_INT(pt_site_filter_key(&f, 4, tiny, sizeof tiny), PT_ELIMIT);
	pt_site_filter_clear(&f);
}

int main(void)
{
	RUN(test_values);
	RUN(test_check_and_match);
	RUN(test_json_and_key);
	return TEST_SUMMARY("test_site_filter");
}

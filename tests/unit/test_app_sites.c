/* test_app_sites.c - unit tests of src/app/pt_app_sites.c: one import of
 * sites (CSV, GeoJSON) and assessments, hidden ids answered as missing
 * ones, site reads and changes, named readers. */
#include "app/pt_app_sites.h"
#include "app_fixture.h"

struct world {
	struct pt_db *db;
	long long a, b; /* two operators' organisations */
};

static struct pt_sites_import csv_in(const char *text)
{
	struct pt_sites_import in;
	memset(&in, 0, sizeof in);
	in.data = text;
	in.len = strlen(text);
	return in;
}

/* Org A with operator op-a, viewer view-a; org B with operator op-b; B's RED site B-RED
 * (op-b named) and GREEN site B-GREEN, A's GREEN site A-1, all imported as the system. */
static int setup(struct world *w)
{
	static const char rows[] = SITES_HEADER
		"A-1,Stadium A,soft_target,stadium_arena,Org A,47.1,-12.1,R,100,50,0,1000000,GREEN\n"
		"B-GREEN,Stadium B,soft_target,stadium_arena,Org B,47.2,-12.2,R,100,50,0,1000000,GREEN\n"
		"B-RED,Arena B,soft_target,stadium_arena,Org B,47.3,-12.3,R,100,50,0,1000000,RED\n";
	struct pt_sites_import in = csv_in(rows);
	struct pt_sites_import_result res;
	struct pt_caller sys;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	if (!(w->db = fx_open()))
		return 1;
	w->a = fx_org(w->db, "Org A", PT_ORG_OPERATOR);
	w->b = fx_org(w->db, "Org B", PT_ORG_OPERATOR);
	fx_user(w->db, "op-a", PT_ROLE_OPERATOR, w->a);
	fx_user(w->db, "view-a", PT_ROLE_VIEWER, w->a);
	fx_user(w->db, "op-b", PT_ROLE_OPERATOR, w->b);
	pt_caller_system(&sys);
	CHECK_INT(pt_app_sites_import(&sys, w->db, &in, &res, &d), PT_OK);
	CHECK_INT(res.created, 3);
	{
		struct pt_user u;
		CHECK_INT(pt_db_user_get(w->db, "op-b", &u, &d), PT_OK);
		CHECK_INT(pt_db_site_reader_add(w->db, "B-RED", u.id, &d), PT_OK);
	}
	return 0;
}

static size_t site_count(struct pt_db *db)
{
	struct pt_site_list l;
	struct pt_caller sys;
	struct pt_diag d;
	size_t n;
	memset(&l, 0, sizeof l);
	memset(&d, 0, sizeof d);
	pt_caller_system(&sys);
	CHECK_INT(pt_app_sites_list(&sys, db, PT_TLP_RED, &l, NULL, &d), PT_OK);
	n = l.n;
	pt_site_list_clear(&l);
	return n;
}

static void test_import_csv_geojson(void)
{
	struct world w;
	struct pt_caller op;
	struct pt_sites_import_result res;
	struct pt_sites_import in;
	struct pt_diag d;
	static const char geo[] =
		"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"geometry\":"
		"{\"type\":\"Point\",\"coordinates\":[-12.1,47.1]},\"properties\":{\"id\":\"A-2\","
		"\"name\":\"Hall A\",\"kind\":\"soft_target\",\"sector\":\"stadium_arena\",\"owner\":"
		"\"Org A\",\"region\":\"R\",\"capacity\":10,\"peak_occupancy\":5,\"population_served\":0,"
		"\"economic_value_eur\":1,\"tlp\":\"GREEN\"}}]}";
	if (setup(&w))
		return;
	op = fx_caller(w.db, "op-a");
	memset(&d, 0, sizeof d);
	/* GeoJSON recognised by its first byte, and when told */
	in = csv_in(geo);
	CHECK_INT(pt_app_sites_import(&op, w.db, &in, &res, &d), PT_OK);
	CHECK_INT(res.created, 1);
	in.format = PT_SITES_FORMAT_GEOJSON;
	CHECK_INT(pt_app_sites_import(&op, w.db, &in, &res, &d), PT_OK);
	CHECK_INT(res.updated, 1);
	/* told CSV, it is bad CSV */
	in.format = PT_SITES_FORMAT_CSV;
	CHECK(pt_app_sites_import(&op, w.db, &in, &res, &d) != PT_OK);
	/* a CSV of its own organisation's sites, one warning (peak above capacity) */
	pt_diag_clear(&d);
	in = csv_in(SITES_HEADER
		    "A-3,Hall,soft_target,stadium_arena,Org A,47.1,-12.1,R,10,20,0,1,GREEN\n");
	CHECK_INT(pt_app_sites_import(&op, w.db, &in, &res, &d), PT_OK);
	CHECK_INT(res.created, 1);
	CHECK_INT(res.warnings, 1);
	CHECK_INT(site_count(w.db), 5);
	pt_app_db_close(w.db);
}

/* Import as an existence oracle (issue 9): a hidden id reads as a missing one. */
static void test_import_hidden_is_missing(void)
{
	struct world w;
	struct pt_caller op, viewer;
	struct pt_sites_import_result res;
	struct pt_sites_import in;
	struct pt_diag hidden, missing;
	const struct pt_caller *callers[2];
	size_t i;
	if (setup(&w))
		return;
	op = fx_caller(w.db, "op-a");
	viewer = fx_caller(w.db, "view-a");
	callers[0] = &op;
	callers[1] = &viewer;
	for (i = 0; i < 2; i++) {
		enum pt_err eh, em;
		memset(&hidden, 0, sizeof hidden);
		memset(&missing, 0, sizeof missing);
		in = csv_in(SITES_HEADER
			    "B-RED,Arena B,soft_target,stadium_arena,Org B,47.3,-12.3,R,100,50,0,1,RED\n");
		eh = pt_app_sites_import(callers[i], w.db, &in, &res, &hidden);
		in = csv_in(SITES_HEADER
			    "B-NEW,Arena B,soft_target,stadium_arena,Org B,47.3,-12.3,R,100,50,0,1,RED\n");
		em = pt_app_sites_import(callers[i], w.db, &in, &res, &missing);
		CHECK_INT(eh, PT_EFORBIDDEN);
		CHECK_INT(em, eh);
		CHECK_INT(hidden.line, missing.line);
		CHECK_STR(hidden.field, missing.field);
		CHECK_STR(hidden.msg, missing.msg);
		if (callers[i] == &viewer) {
			/* Issue 10: a viewer may not import at all, whatever the file: no row is read. */
			CHECK_STR(hidden.field, "");
			CHECK_INT(hidden.line, 0);
			CHECK_STR(hidden.msg, "your role (viewer) may not import sites");
		} else {
			CHECK_STR(hidden.field, "owner");
			CHECK_STR(hidden.msg, "you may only import sites your organisation owns; not Org B");
		}
	}
	/* naming its own organisation over the hidden id: taken, audited, nothing written */
	memset(&hidden, 0, sizeof hidden);
	in = csv_in(SITES_HEADER
		    "B-RED,Mine now,soft_target,stadium_arena,Org A,47.3,-12.3,R,100,50,0,1,GREEN\n");
	CHECK_INT(fx_audited(w.db, "site.import.taken", "B-RED"), 0);
	CHECK_INT(pt_app_sites_import(&op, w.db, &in, &res, &hidden), PT_ECONFLICT);
	CHECK_INT(res.id_taken, 1);
	CHECK_STR(hidden.field, "id");
	CHECK_INT(hidden.line, 2);
	CHECK_INT(fx_audited(w.db, "site.import.taken", "B-RED"), 1);
	{
		struct pt_caller sys;
		struct pt_site s;
		struct pt_diag d;
		memset(&d, 0, sizeof d);
		pt_caller_system(&sys);
		CHECK_INT(pt_app_site_get(&sys, w.db, "B-RED", &s, NULL, &d), PT_OK);
		CHECK_STR(s.owner, "Org B");
		CHECK_INT(s.tlp, PT_TLP_RED);
	}
	/* a visible site of another organisation: refused on the owner, as before */
	memset(&hidden, 0, sizeof hidden);
	in = csv_in(SITES_HEADER
		    "B-GREEN,Mine,soft_target,stadium_arena,Org A,47.2,-12.2,R,100,50,0,1,GREEN\n");
	CHECK_INT(pt_app_sites_import(&op, w.db, &in, &res, &hidden), PT_EFORBIDDEN);
	CHECK_STR(hidden.field, "owner");
	CHECK_INT(site_count(w.db), 3);
	pt_app_db_close(w.db);
}

static void test_import_assessments(void)
{
	static const char hdr[] = "site_id,threat_id,asset_value,threat_rating,vulnerability_rating\n";
	struct world w;
	struct pt_caller op, sys;
	struct pt_assessments_import in;
	struct pt_assessments_import_result res;
	struct pt_diag hidden, missing, d;
	char text[256];
	if (setup(&w))
		return;
	op = fx_caller(w.db, "op-a");
	pt_caller_system(&sys);
	memset(&in, 0, sizeof in);
	memset(&hidden, 0, sizeof hidden);
	memset(&missing, 0, sizeof missing);
	memset(&d, 0, sizeof d);
	snprintf(text, sizeof text, "%sB-RED,arson,5,5,5\n", hdr);
	in.data = text;
	in.len = strlen(text);
	CHECK_INT(pt_app_assessments_import(&op, w.db, &in, &res, &hidden), PT_EINVAL);
	snprintf(text, sizeof text, "%sX-NONE,arson,5,5,5\n", hdr);
	in.len = strlen(text);
	CHECK_INT(pt_app_assessments_import(&op, w.db, &in, &res, &missing), PT_EINVAL);
	CHECK_STR(hidden.field, "site_id");
	CHECK(strstr(hidden.msg, "B-RED") != NULL);
	{
		char *p = strstr(hidden.msg, "B-RED");
		char copy[sizeof hidden.msg];
		pt_strlcpy(copy, hidden.msg, sizeof copy);
		memcpy(copy + (p - hidden.msg), "X-NONE", 6);
		pt_strlcpy(copy + (p - hidden.msg) + 6, p + 5, sizeof copy - (size_t)(p - hidden.msg) - 6);
		CHECK_STR(copy, missing.msg);
	}
	snprintf(text, sizeof text, "%sB-GREEN,arson,5,5,5\n", hdr);
	in.len = strlen(text);
	CHECK_INT(pt_app_assessments_import(&op, w.db, &in, &res, &d), PT_EFORBIDDEN);
	snprintf(text, sizeof text, "%sA-1,arson,5,5,5\n", hdr);
	in.len = strlen(text);
	CHECK_INT(pt_app_assessments_import(&op, w.db, &in, &res, &d), PT_OK);
	CHECK_INT(res.rows, 1);
	CHECK_INT(res.method, PT_METHOD_FEMA);
	/* the system administrator: the store's own text for an unknown site */
	snprintf(text, sizeof text, "%sX-NONE,arson,5,5,5\n", hdr);
	in.len = strlen(text);
	CHECK_INT(pt_app_assessments_import(&sys, w.db, &in, &res, &d), PT_EINVAL);
	CHECK_STR(d.msg, "unknown site id \"X-NONE\" (import the sites first)");
	pt_app_db_close(w.db);
}

static enum pt_err one_row(void *ctx, const struct pt_site *site, const struct pt_catalogs *cat,
			   struct pt_assessment_set *set, struct pt_diag *d)
{
	struct pt_fema_row row;
	(void)cat;
	(void)d;
	memset(&row, 0, sizeof row);
	pt_strlcpy(row.site_id, site->id, sizeof row.site_id);
	pt_strlcpy(row.threat_id, "arson", sizeof row.threat_id);
	row.asset_value = *(int *)ctx;
	row.threat_rating = 2;
	row.vulnerability_rating = 3;
	return pt_assessment_set_add_fema(set, &row, 1);
}

static void test_site_get_patch_readers(void)
{
	struct world w;
	struct pt_caller op, opb, viewer, sys;
	struct pt_site s;
	struct pt_site_patch patch;
	struct pt_site_write_result res;
	struct pt_site_assessments a;
	struct pt_assessment_set rows;
	struct pt_reader_list readers;
	struct pt_site_list list;
	struct pt_diag d;
	size_t withheld = 99;
	int can = -1, raced = 0, value = 7;
	if (setup(&w))
		return;
	op = fx_caller(w.db, "op-a");
	opb = fx_caller(w.db, "op-b");
	viewer = fx_caller(w.db, "view-a");
	pt_caller_system(&sys);
	memset(&d, 0, sizeof d);
	memset(&list, 0, sizeof list);
	/* reads: hidden as missing; can_write by the rules */
	CHECK_INT(pt_app_site_get(&op, w.db, "B-RED", &s, &can, &d), PT_ENOTFOUND);
	CHECK_INT(pt_app_site_get(&op, w.db, "NOPE", &s, &can, &d), PT_ENOTFOUND);
	CHECK_INT(pt_app_site_get(&op, w.db, "A-1", &s, &can, &d), PT_OK);
	CHECK_INT(can, 1);
	CHECK_INT(pt_app_site_get(&viewer, w.db, "A-1", &s, &can, &d), PT_OK);
	CHECK_INT(can, 0);
	/* a RED read is audited for an audited caller */
	CHECK_INT(pt_app_site_get(&opb, w.db, "B-RED", &s, &can, &d), PT_OK);
	CHECK_INT(fx_audited(w.db, "site.read", NULL), 1);
	/* lists: only what the caller reads; withheld counts its own readable ones above max */
	CHECK_INT(pt_app_sites_list(&op, w.db, PT_TLP_RED, &list, &withheld, &d), PT_OK);
	CHECK_INT(list.n, 2);
	CHECK_INT(withheld, 0);
	pt_site_list_clear(&list);
	memset(&list, 0, sizeof list);
	CHECK_INT(pt_app_sites_list(&sys, w.db, PT_TLP_GREEN, &list, &withheld, &d), PT_OK);
	CHECK_INT(list.n, 2);
	CHECK_INT(withheld, 1);
	pt_site_list_clear(&list);
	/* patch */
	memset(&patch, 0, sizeof patch);
	patch.fields = PT_SITE_F_PEAK | PT_SITE_F_NAME;
	patch.v.peak_occupancy = 60;
	pt_strlcpy(patch.v.name, "Stadium A renamed", sizeof patch.v.name);
	CHECK_INT(pt_app_site_patch(&viewer, w.db, "A-1", &patch, &res, &d), PT_EFORBIDDEN);
	CHECK_INT(pt_app_site_patch(&op, w.db, "B-RED", &patch, &res, &d), PT_ENOTFOUND);
	CHECK_INT(pt_app_site_patch(&op, w.db, "A-1", &patch, &res, &d), PT_OK);
	CHECK_INT(res.site.peak_occupancy, 60);
	CHECK_STR(res.site.name, "Stadium A renamed");
	patch.fields = PT_SITE_F_PEAK;
	patch.v.peak_occupancy = 1000; /* above capacity: a warning, still written */
	patch.fields = PT_SITE_F_LAT;
	patch.v.lat = 95;
	CHECK_INT(pt_app_site_patch(&op, w.db, "A-1", &patch, &res, &d), PT_EINVAL);
	/* making it RED names the one who did */
	patch.fields = PT_SITE_F_TLP;
	patch.v.tlp = PT_TLP_RED;
	CHECK_INT(pt_app_site_patch(&op, w.db, "A-1", &patch, &res, &d), PT_OK);
	CHECK_INT(pt_app_site_get(&op, w.db, "A-1", &s, &can, &d), PT_OK);
	/* assessments */
	memset(&rows, 0, sizeof rows);
	CHECK_INT(pt_app_assessments_patch(&viewer, w.db, "A-1", PT_METHOD_FEMA, one_row, &value,
					   &rows, &raced, &d),
		  PT_ENOTFOUND); /* RED now, the viewer is not named */
	CHECK_INT(pt_app_assessments_patch(&op, w.db, "A-1", PT_METHOD_FEMA, one_row, &value, &rows,
					   &raced, &d),
		  PT_OK);
	CHECK_INT(rows.n, 1);
	CHECK_INT(rows.fema[0].asset_value, 7);
	pt_assessment_set_clear(&rows);
	CHECK_INT(pt_app_assessments_get(&op, w.db, "A-1", -1, &a, &d), PT_OK);
	CHECK_INT(a.sets[PT_METHOD_FEMA].n, 1);
	CHECK_INT(a.sets[PT_METHOD_QUANT].n, 0);
	pt_site_assessments_clear(&a);
	/* readers: the one who made it RED; the viewer named, then un-named */
	CHECK_INT(fx_audited(w.db, "site.readers.read", NULL), 0);
	CHECK_INT(pt_app_site_readers(&op, w.db, "A-1", &readers, &d), PT_OK);
	CHECK_INT(fx_audited(w.db, "site.readers.read", NULL), 1); /* a read of a RED site */
	CHECK_INT(readers.n, 1);
	CHECK_STR(readers.items[0].name, "op-a");
	pt_reader_list_clear(&readers);
	CHECK_INT(pt_app_site_reader_change(&op, w.db, "A-1", "nobody", 1, &raced, NULL, &d), PT_EINVAL);
	CHECK_STR(d.field, "user");
	CHECK_INT(pt_app_site_reader_change(&op, w.db, "A-1", "view-a", 1, &raced, &readers, &d),
		  PT_OK);
	CHECK_INT(readers.n, 2); /* the readers as the change left them */
	pt_reader_list_clear(&readers);
	CHECK_INT(fx_audited(w.db, "site.readers.read", NULL), 1); /* the write's entry covers them */
	CHECK_INT(pt_app_site_get(&viewer, w.db, "A-1", &s, &can, &d), PT_OK);
	CHECK_INT(pt_app_site_reader_change(&viewer, w.db, "A-1", "view-a", 0, &raced, NULL, &d),
		  PT_EFORBIDDEN);
	CHECK_INT(pt_app_site_reader_change(&op, w.db, "A-1", "view-a", 0, &raced, NULL, &d), PT_OK);
	CHECK_INT(pt_app_site_reader_change(&op, w.db, "A-1", "view-a", 0, &raced, NULL, &d), PT_ENOTFOUND);
	CHECK_INT(pt_app_site_get(&viewer, w.db, "A-1", &s, &can, &d), PT_ENOTFOUND);
	CHECK_INT(pt_app_site_reader_change(&opb, w.db, "A-1", "op-b", 1, &raced, NULL, &d), PT_ENOTFOUND);
	pt_app_db_close(w.db);
}

/* A snapshot source that serves one fixed (stale) snapshot. */
static struct pt_snapshot *stale_get(void *ctx, struct pt_db *db, struct pt_diag *d)
{
	(void)db;
	(void)d;
	return pt_snapshot_retain(ctx);
}

/* A hidden site made after the snapshot: the rows are asked again inside the transaction. */
static void test_import_race(void)
{
	struct world w;
	struct pt_caller op, sys;
	struct pt_snapshot_source src;
	struct pt_snapshot *old;
	struct pt_sites_import_result res;
	struct pt_sites_import in;
	struct pt_diag d;
	if (setup(&w))
		return;
	memset(&d, 0, sizeof d);
	old = pt_snapshot_load(w.db, &d);
	CHECK(old != NULL);
	pt_caller_system(&sys);
	in = csv_in(SITES_HEADER
		    "B-LATE,Late,soft_target,stadium_arena,Org B,47.3,-12.3,R,100,50,0,1,RED\n");
	CHECK_INT(pt_app_sites_import(&sys, w.db, &in, &res, &d), PT_OK);
	op = fx_caller(w.db, "op-a");
	src.get = stale_get;
	src.ctx = old;
	op.snapshots = &src;
	in = csv_in(SITES_HEADER
		    "B-LATE,Mine,soft_target,stadium_arena,Org A,47.3,-12.3,R,100,50,0,1,GREEN\n");
	CHECK_INT(pt_app_sites_import(&op, w.db, &in, &res, &d), PT_ECONFLICT);
	CHECK_INT(res.id_taken, 0);
	CHECK_INT(res.raced, 1);
	CHECK_STR(d.msg, "the registry changed during the import; send it again");
	{
		struct pt_site s;
		CHECK_INT(pt_app_site_get(&sys, w.db, "B-LATE", &s, NULL, &d), PT_OK);
		CHECK_STR(s.owner, "Org B");
	}
	pt_snapshot_release(old);
	pt_app_db_close(w.db);
}

/* Issue 10: the right to import, asked before the file is read, one answer for any file. */
static void test_import_right(void)
{
	struct world w;
	struct pt_caller op, viewer, sys;
	struct pt_assessments_import ain;
	struct pt_assessments_import_result ares;
	struct pt_diag d;
	if (setup(&w))
		return;
	op = fx_caller(w.db, "op-a");
	viewer = fx_caller(w.db, "view-a");
	pt_caller_system(&sys);
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_app_import_right(&op, PT_IMPORT_SITES, &d), PT_OK);
	CHECK_INT(pt_app_import_right(&op, PT_IMPORT_ASSESSMENTS, &d), PT_OK);
	CHECK_INT(pt_app_import_right(&sys, PT_IMPORT_SITES, &d), PT_OK);
	CHECK_INT(pt_app_import_right(&viewer, PT_IMPORT_SITES, &d), PT_EFORBIDDEN);
	CHECK_STR(d.msg, "your role (viewer) may not import sites");
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_app_import_right(&viewer, PT_IMPORT_ASSESSMENTS, &d), PT_EFORBIDDEN);
	CHECK_STR(d.msg, "your role (viewer) may not import assessments");
	/* Not even a malformed file is read. */
	memset(&d, 0, sizeof d);
	memset(&ain, 0, sizeof ain);
	ain.data = "\x01 not a CSV \"";
	ain.len = strlen(ain.data);
	CHECK_INT(pt_app_assessments_import(&viewer, w.db, &ain, &ares, &d), PT_EFORBIDDEN);
	CHECK_STR(d.msg, "your role (viewer) may not import assessments");
	CHECK_INT(d.line, 0);
	pt_app_db_close(w.db);
}

/* issue 16 (item 2): the emergency department through a change and an import, audited */
static void test_emergency_department(void)
{
	static const char keep[] = SITES_HEADER
		"A-1,Stadium A,soft_target,stadium_arena,Org A,47.1,-12.1,R,100,55,0,1000000,GREEN\n";
	static const char clear[] = "id,name,kind,sector,owner,lat,lon,region,capacity,"
				    "peak_occupancy,population_served,economic_value_eur,tlp,"
				    "emergency_department\n"
				    "A-1,Stadium A,soft_target,stadium_arena,Org A,47.1,-12.1,R,100,55,"
				    "0,1000000,GREEN,\n";
	struct world w;
	struct pt_caller op, sys;
	struct pt_site_patch patch;
	struct pt_site_write_result res;
	struct pt_sites_import in;
	struct pt_sites_import_result ir;
	struct pt_site s;
	struct pt_audit_entry *e = NULL;
	struct pt_diag d;
	size_t n = 0;
	int can = 0;
	if (setup(&w))
		return;
	op = fx_caller(w.db, "op-a");
	pt_caller_system(&sys);
	memset(&d, 0, sizeof d);
	memset(&patch, 0, sizeof patch);
	/* yes is a hospital's: refused at a stadium, naming the field, nothing written */
	patch.fields = PT_SITE_F_EMERGENCY;
	patch.v.emergency_department = PT_TRI_YES;
	CHECK_INT(pt_app_site_patch(&op, w.db, "A-1", &patch, &res, &d), PT_EINVAL);
	CHECK_STR(d.field, "emergency_department");
	patch.v.emergency_department = PT_TRI_NO;
	CHECK_INT(pt_app_site_patch(&op, w.db, "A-1", &patch, &res, &d), PT_OK);
	CHECK_INT(res.site.emergency_department, PT_TRI_NO);
	CHECK_INT(pt_audit_list(w.db, 0, 1, 0, &e, &n, NULL, &d), PT_OK);
	CHECK(n == 1 && strstr(e[0].detail, "A-1: emergency_department unknown->no") != NULL);
	free(e);
	e = NULL;
	/* a file without the column keeps it; an empty cell makes it unknown */
	memset(&in, 0, sizeof in);
	in.data = keep;
	in.len = strlen(keep);
	CHECK_INT(pt_app_sites_import(&sys, w.db, &in, &ir, &d), PT_OK);
	CHECK_INT(pt_app_site_get(&op, w.db, "A-1", &s, &can, &d), PT_OK);
	CHECK_INT(s.peak_occupancy, 55);
	CHECK_INT(s.emergency_department, PT_TRI_NO);
	in.data = clear;
	in.len = strlen(clear);
	CHECK_INT(pt_app_sites_import(&sys, w.db, &in, &ir, &d), PT_OK);
	CHECK_INT(pt_app_site_get(&op, w.db, "A-1", &s, &can, &d), PT_OK);
	CHECK_INT(s.emergency_department, PT_TRI_UNKNOWN);
	CHECK_INT(pt_audit_list(w.db, 0, 1, 0, &e, &n, NULL, &d), PT_OK);
	CHECK(n == 1 && strstr(e[0].detail, "A-1: emergency_department no->unknown") != NULL);
	free(e);
	pt_app_db_close(w.db);
}

int main(void)
{
	RUN(test_import_csv_geojson);
	RUN(test_import_hidden_is_missing);
	RUN(test_import_race);
	RUN(test_import_assessments);
	RUN(test_site_get_patch_readers);
	RUN(test_import_right); /* issue 10 */
	RUN(test_emergency_department); /* issue 16 (item 2) */
	return TEST_SUMMARY("test_app_sites");
}

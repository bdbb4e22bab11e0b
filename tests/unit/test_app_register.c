/* test_app_register.c - unit tests of src/app/pt_app_register.c on
 * ":memory:": the register each caller sees with its residual risk,
 * decisions, approval and history, refused as the access rules say. */
#include "app_plan_fixture.h"

static const struct pt_register_entry *entry(const struct pt_register_entry *e, size_t n,
					     const char *site, const char *threat)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(e[i].site_id, site) == 0 && strcmp(e[i].threat_id, threat) == 0)
			return &e[i];
	return NULL;
}

static void test_register_list(void)
{
	struct pt_db *db = open_with_measures();
	struct pt_register_entry *e = NULL;
	const struct pt_register_entry *x;
	struct pt_diag d;
	size_t n = 0, i;
	memset(&d, 0, sizeof d);
	CHECK_INT(reg_list(db, NULL, NULL, &e, &n, &d), PT_OK);
	CHECK_INT(n, 5);
	for (i = 1; i < n; i++)
		CHECK(e[i - 1].risk_eur_year >= e[i].risk_eur_year);
	x = entry(e, n, "PS-001", "vehicle_ramming");
	CHECK(x && x->band == PT_BAND_VERY_HIGH && x->treatment == PT_TREAT_NONE);
	CHECK(x && strcmp(x->owner_org, "Operator A") == 0);
	x = entry(e, n, "PS-001", "pbied");
	CHECK(x && x->band == PT_BAND_LOW);
	free(e);
	CHECK_INT(reg_list(db, &opa, NULL, &e, &n, &d), PT_OK);
	CHECK_INT(n, 4); /* PS-004 is B's AMBER */
	CHECK(entry(e, n, "PS-004", "vehicle_ramming") == NULL);
	free(e);
	CHECK_INT(reg_list(db, &opa, "PS-004", &e, &n, &d), PT_ENOTFOUND);
	CHECK_INT(reg_list(db, NULL, "PS-001", &e, &n, &d), PT_OK);
	CHECK_INT(n, 2);
	free(e);
	pt_db_close(db);
}

/* The entry the last set() or approve() returned, and its can_treat. */
static struct pt_register_entry last;
static int last_can;

static enum pt_err set(struct pt_db *db, const struct pt_principal *who, const char *site,
		       const char *threat, const char *treatment, const char *responsible,
		       const char *date, const char *measures, struct pt_diag *d)
{
	struct pt_register_change c;
	memset(&c, 0, sizeof c);
	memset(d, 0, sizeof *d);
	c.treatment = treatment;
	c.responsible = responsible;
	c.review_date = date;
	c.measures = measures;
	memset(&last, 0, sizeof last);
	last_can = -1;
	return pt_app_register_set(as(who), db, site, threat, &c, &last, &last_can, d);
}

static void test_register_decisions(void)
{
	struct pt_db *db = open_with_measures();
	struct pt_register_entry *e = NULL;
	const struct pt_register_entry *x;
	struct pt_register_history_row *h = NULL;
	struct pt_site_measure_list l;
	struct pt_diag d;
	size_t n = 0;

	memset(&l, 0, sizeof l);
	sm_add(&l, "PS-001", "film", 2);
	CHECK_INT(pt_app_site_measures_import(as(NULL), db, &l, &d), PT_OK);
	pt_site_measure_list_clear(&l);

	/* The owning operator records reduce. */
	pt_db_set_actor(db, opa_id, a_org, "opa", 0);
	CHECK_INT(set(db, &opa, "PS-001", "vehicle_ramming", "reduce", "opa", "2027-03-31", "film",
		      &d),
		  PT_OK);
	/* the entry as written comes back with the decision (one use case) */
	CHECK_STR(last.site_id, "PS-001");
	CHECK_STR(last.threat_id, "vehicle_ramming");
	CHECK_INT(last.treatment, PT_TREAT_REDUCE);
	CHECK_STR(last.responsible, "opa");
	CHECK_STR(last.updated_by, "opa");
	CHECK_INT(last.band, PT_BAND_VERY_HIGH);
	CHECK_INT(last.n_committed, 0);
	CHECK_INT(last_can, 1);
	CHECK_INT(reg_list(db, &opa, "PS-001", &e, &n, &d), PT_OK);
	x = entry(e, n, "PS-001", "vehicle_ramming");
	CHECK(x != NULL);
	if (x) {
		CHECK_INT(x->treatment, PT_TREAT_REDUCE);
		CHECK_STR(x->responsible, "opa");
		CHECK_STR(x->review_date, "2027-03-31");
		CHECK_STR(x->measures, "film");
		CHECK_STR(x->updated_by, "opa");
		CHECK_INT(x->needs_approval, 0);
	}
	free(e);

	/* Another organisation's operator: B may not see A's AMBER site, nor decide on A's GREEN one. */
	pt_db_set_actor(db, opb_id, b_org, "opb", 0);
	CHECK_INT(set(db, &opb, "PS-002", "vehicle_ramming", "accept", NULL, NULL, NULL, &d),
		  PT_ENOTFOUND);
	CHECK_STR(d.msg, "unknown site PS-002");
	CHECK_INT(set(db, &opb, "PS-001", "vehicle_ramming", "accept", NULL, NULL, NULL, &d),
		  PT_EFORBIDDEN);
	CHECK_STR(d.msg,
		  "only the owning organisation or a government coordinator records decisions on PS-001");

	/* Bad input, each naming its field. */
	pt_db_set_actor(db, opa_id, a_org, "opa", 0);
	CHECK_INT(set(db, &opa, "PS-001", "vehicle_ramming", NULL, NULL, "2027-02-30", NULL, &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "review_date");
	CHECK_INT(set(db, &opa, "PS-001", "vehicle_ramming", NULL, NULL, "31/03/2027", NULL, &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "review_date");
	CHECK_INT(set(db, &opa, "PS-001", "vehicle_ramming", NULL, "nobody", NULL, NULL, &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "responsible");
	CHECK_INT(set(db, &opa, "PS-001", "vehicle_ramming", NULL, "opb", NULL, NULL, &d), PT_EINVAL);
	CHECK_STR(d.field, "responsible");
	/* issue 16: a linked measure must reduce the risk it is linked to */
	CHECK_INT(set(db, &opa, "PS-001", "pbied", NULL, NULL, NULL, "no_ramps", &d), PT_EINVAL);
	CHECK_STR(d.field, "measures");
	CHECK_STR(d.msg, "measure no_ramps (Measure no_ramps) does not reduce the risk of Person-borne "
			 "IED (pbied): the catalogue gives it no effect on that threat; link a "
			 "measure that reduces it");
	CHECK_INT(set(db, &opa, "PS-001", "pbied", NULL, NULL, NULL, "no_such", &d), PT_EINVAL);
	CHECK_STR(d.msg, "no measure no_such in the catalogue");
	CHECK_INT(set(db, &opa, "PS-001", "vehicle_ramming", "none", NULL, NULL, NULL, &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "treatment");
	CHECK_INT(set(db, &opa, "PS-001", "arson", "reduce", NULL, NULL, NULL, &d), PT_ENOTFOUND);

	/* Accepting a very high risk awaits a government coordinator's approval. */
	CHECK_INT(set(db, &opa, "PS-001", "vehicle_ramming", "accept", NULL, NULL, NULL, &d), PT_OK);
	CHECK(last.treatment == PT_TREAT_ACCEPT && last.needs_approval == 1 && last.approved == 0);
	CHECK_INT(reg_list(db, NULL, "PS-001", &e, &n, &d), PT_OK);
	x = entry(e, n, "PS-001", "vehicle_ramming");
	CHECK(x && x->treatment == PT_TREAT_ACCEPT && x->needs_approval == 1 && x->approved == 0);
	CHECK(x && strcmp(x->responsible, "opa") == 0); /* kept */
	free(e);
	CHECK_INT(pt_app_register_approve(as(&opa), db, "PS-001", "vehicle_ramming", &last, NULL,
					  &d),
		  PT_EFORBIDDEN);
	pt_db_set_actor(db, coord_id, gov_org, "coord", 0);
	memset(&last, 0, sizeof last);
	last_can = -1;
	CHECK_INT(pt_app_register_approve(as(&coord), db, "PS-001", "vehicle_ramming", &last,
					  &last_can, &d),
		  PT_OK);
	CHECK(last.approved == 1 && strcmp(last.approved_by, "coord") == 0);
	CHECK_STR(last.site_id, "PS-001");
	CHECK_INT(last_can, 1); /* a government coordinator who reads it may decide on it */
	CHECK_INT(pt_app_register_approve(as(&coord), db, "PS-001", "vehicle_ramming", &last, NULL,
					  &d),
		  PT_EINVAL);
	CHECK(strstr(d.msg, "nothing awaits approval") != NULL);
	CHECK_INT(reg_list(db, NULL, "PS-001", &e, &n, &d), PT_OK);
	x = entry(e, n, "PS-001", "vehicle_ramming");
	CHECK(x && x->approved == 1 && strcmp(x->approved_by, "coord") == 0);
	x = entry(e, n, "PS-001", "pbied");
	CHECK(x && x->treatment == PT_TREAT_NONE);
	free(e);

	/* Accepting a low risk needs nothing; a coordinator's acceptance is approved at once. */
	pt_db_set_actor(db, opa_id, a_org, "opa", 0);
	CHECK_INT(set(db, &opa, "PS-001", "pbied", "accept", NULL, "2027-01-31", NULL, &d), PT_OK);
	pt_db_set_actor(db, coord_id, gov_org, "coord", 0);
	CHECK_INT(set(db, &coord, "PS-002", "vehicle_ramming", "accept", NULL, "2027-01-31", NULL,
		      &d),
		  PT_OK);
	CHECK_INT(reg_list(db, NULL, NULL, &e, &n, &d), PT_OK);
	x = entry(e, n, "PS-001", "pbied");
	CHECK(x && x->treatment == PT_TREAT_ACCEPT && x->needs_approval == 0);
	x = entry(e, n, "PS-002", "vehicle_ramming");
	CHECK(x && x->needs_approval == 1 && x->approved == 1);
	free(e);

	/* History in order, with what changed and who changed it. */
	CHECK_INT(pt_app_register_history(as(&opa), db, "PS-001", "vehicle_ramming", &h, &n, &d), PT_OK);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_STR(h[0].action, "set");
		CHECK_STR(h[0].actor, "opa");
		CHECK(strstr(h[0].detail, "treatment none -> reduce") != NULL);
		CHECK(strstr(h[0].detail, "review_date -> 2027-03-31") != NULL);
		CHECK(strstr(h[1].detail, "treatment reduce -> accept") != NULL);
		CHECK(strstr(h[1].detail, "awaits") != NULL);
		CHECK_STR(h[2].action, "approve");
		CHECK_STR(h[2].actor, "coord");
	}
	free(h);
	CHECK_INT(pt_app_register_history(as(&opb), db, "PS-002", "vehicle_ramming", &h, &n, &d),
		  PT_ENOTFOUND);
	pt_db_close(db);
}


/* One entry and whether the caller may record decisions on it; a page of the list. */
static void test_register_entry(void)
{
	struct pt_db *db = open_with_measures();
	struct pt_register_entry e;
	struct pt_register_list l;
	struct pt_diag d;
	int can = -1;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_app_register_entry(as(&opa), db, "PS-001", "vehicle_ramming", NULL, &e, &can, &d),
		  PT_OK);
	CHECK_STR(e.site_id, "PS-001");
	CHECK_INT(can, 0); /* no snapshot source: the command line does not ask */
	CHECK_INT(pt_app_register_entry(as(&opa), db, "PS-001", "arson", NULL, &e, &can, &d),
		  PT_ENOTFOUND);
	CHECK_STR(d.field, "threat_id");
	CHECK_INT(pt_app_register_entry(as(&opa), db, "PS-004", "vehicle_ramming", NULL, &e, &can, &d),
		  PT_ENOTFOUND);
	CHECK_STR(d.field, "site_id");
	/* With a snapshot source (as the server has), can_treat follows pt_access_treat. */
	{
		struct pt_snapshot_source src = {NULL, NULL};
		struct pt_caller c = *as(&opb);
		size_t i;
		c.snapshots = &src; /* get NULL: pt_app_snapshot loads one */
		CHECK_INT(pt_app_register_list(&c, db, NULL, 0, 100, NULL, &l, &d), PT_OK);
		CHECK(l.n > 0 && l.n == l.total);
		for (i = 0; i < l.n; i++)
			CHECK_INT(l.can_treat[i], strcmp(l.items[i].owner_org, "Operator B") == 0);
		pt_register_list_clear(&l);
		CHECK_INT(pt_app_register_list(&c, db, NULL, 1, 1, NULL, &l, &d), PT_OK);
		CHECK(l.n == 1 && l.total > 1);
		pt_register_list_clear(&l);
	}
	pt_db_close(db);
}

/* How many audit entries hold action. */
static int audited(struct pt_db *db, const char *action)
{
	struct pt_audit_entry *e = NULL;
	struct pt_diag d;
	size_t n = 0, i;
	int found = 0;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_audit_list(db, 0, 1000, 0, &e, &n, NULL, &d), PT_OK);
	for (i = 0; i < n; i++)
		found += strcmp(e[i].action, action) == 0;
	free(e);
	return found;
}

/* The history of an AMBER or RED risk is a read the API audits (docs/access.md, "Audit"). */
static void test_register_history_audited(void)
{
	struct pt_db *db = open_with_measures();
	struct pt_register_history_row *h = NULL;
	struct pt_caller c = *as(&opa);
	struct pt_diag d;
	size_t n = 0;
	memset(&d, 0, sizeof d);
	c.audit_reads = 1;
	CHECK_INT(pt_app_register_history(&c, db, "PS-002", "vehicle_ramming", &h, &n, &d), PT_OK);
	free(h);
	CHECK_INT(audited(db, "register.history.read"), 1); /* PS-002 is A's AMBER */
	CHECK_INT(pt_app_register_history(&c, db, "PS-001", "vehicle_ramming", &h, &n, &d), PT_OK);
	free(h);
	CHECK_INT(audited(db, "register.history.read"), 1); /* GREEN: not */
	CHECK_INT(pt_app_register_history(as(&opa), db, "PS-002", "vehicle_ramming", &h, &n, &d),
		  PT_OK);
	free(h);
	CHECK_INT(audited(db, "register.history.read"), 1); /* the command line's: not */
	CHECK_INT(pt_app_register_history(&c, db, "PS-004", "vehicle_ramming", &h, &n, &d),
		  PT_ENOTFOUND);
	CHECK_INT(audited(db, "register.history.read"), 1); /* refused: nothing read */
	pt_db_close(db);
}

/* One entry answering a read: audited as its read_action for an AMBER or RED site. */
static void test_register_entry_audited(void)
{
	struct pt_db *db = open_with_measures();
	struct pt_register_entry e;
	struct pt_caller c = *as(&opa);
	struct pt_diag d;
	int can = -1;
	memset(&d, 0, sizeof d);
	c.audit_reads = 1;
	CHECK_INT(pt_app_register_entry(&c, db, "PS-002", "vehicle_ramming", "register.entry.read",
					&e, &can, &d),
		  PT_OK);
	CHECK_INT(audited(db, "register.entry.read"), 1); /* A's AMBER */
	CHECK_INT(can, 1); /* its audit takes a snapshot, which answers can_treat */
	CHECK_INT(pt_app_register_entry(&c, db, "PS-001", "vehicle_ramming", "register.entry.read",
					&e, &can, &d),
		  PT_OK);
	CHECK_INT(audited(db, "register.entry.read"), 1); /* GREEN: not */
	CHECK_INT(pt_app_register_entry(&c, db, "PS-002", "vehicle_ramming", NULL, &e, &can, &d),
		  PT_OK);
	CHECK_INT(audited(db, "register.entry.read"), 1); /* no read_action: not */
	CHECK_INT(pt_app_register_entry(&c, db, "PS-004", "vehicle_ramming", "register.entry.read",
					&e, &can, &d),
		  PT_ENOTFOUND);
	CHECK_INT(audited(db, "register.entry.read"), 1);
	pt_db_close(db);
}

/* ---- issue 11: threat-level governance and decisions that re-open ---------------- */

#include "app/pt_app_registry.h"
#include "store/pt_register_store.h"

#define T0 INT64_C(1796083200) /* 2026-12-01T00:00:00Z: the tests' fixed clock */
#define DAY INT64_C(86400)

/* Change a level as the system administrator: scope, id, level (-1: clear), below, until. */
static enum pt_err level(struct pt_db *db, enum pt_level_scope scope, const char *id, int lv,
			 int below, int64_t until, struct pt_app_level_result *res,
			 struct pt_diag *d)
{
	struct pt_app_level_change in;
	memset(&in, 0, sizeof in);
	memset(d, 0, sizeof *d);
	in.scope = scope;
	in.scope_id = id;
	in.clear = lv < 0;
	in.level = lv < 0 ? PT_LEVEL_SUBSTANTIAL : (enum pt_threat_level)lv;
	in.below = below;
	in.rationale = "test rationale";
	in.until = until;
	return pt_app_threat_level_change(as(NULL), db, &in, res, d);
}

/* The risk a year of one register entry as the system administrator sees it (-1: none). */
static double risk_of(struct pt_db *db, const char *site, const char *threat)
{
	struct pt_register_entry *e = NULL;
	const struct pt_register_entry *x;
	struct pt_diag d;
	size_t n = 0;
	double r = -1;
	memset(&d, 0, sizeof d);
	if (reg_list(db, NULL, NULL, &e, &n, &d) == PT_OK && (x = entry(e, n, site, threat)))
		r = x->risk_eur_year;
	free(e);
	return r;
}

/* The newest audit entry's action, record and detail. */
static void newest_audit(struct pt_db *db, char *action, char *record, char *detail)
{
	struct pt_audit_entry *e = NULL;
	struct pt_diag d;
	size_t n = 0;
	memset(&d, 0, sizeof d);
	action[0] = record[0] = detail[0] = '\0';
	CHECK_INT(pt_audit_list(db, 0, 1, 0, &e, &n, NULL, &d), PT_OK);
	if (n) {
		pt_strlcpy(action, e[0].action, 64);
		pt_strlcpy(record, e[0].record_id, 128);
		pt_strlcpy(detail, e[0].detail, 1024);
	}
	free(e);
}

static void test_threat_level_governance(void)
{
	struct pt_db *db = open_with_measures();
	struct pt_app_threat_levels lv;
	struct pt_app_level_change in;
	struct pt_diag d;
	double critical, severe, substantial;
	char action[64], record[128], detail[1024];

	pt_app_clock_fix(T0);
	memset(&d, 0, sizeof d);
	/* Every change carries a rationale. */
	memset(&in, 0, sizeof in);
	in.level = PT_LEVEL_CRITICAL;
	CHECK_INT(pt_app_threat_level_change(as(NULL), db, &in, NULL, &d), PT_EINVAL);
	CHECK_STR(d.field, "rationale");
	/* Only coordinators of a government organisation (unchanged rule), audited as refused. */
	in.rationale = "x";
	CHECK_INT(pt_app_threat_level_change(as(&opa), db, &in, NULL, &d), PT_EFORBIDDEN);

	substantial = risk_of(db, "PS-001", "pbied");
	CHECK_INT(level(db, PT_LEVEL_SCOPE_NATIONAL, NULL, PT_LEVEL_CRITICAL, 0, 0, NULL, &d), PT_OK);
	critical = risk_of(db, "PS-001", "pbied");
	CHECK(critical > substantial);
	/* PBIED at SEVERE under a CRITICAL national level: the highest applies (was: SEVERE). */
	CHECK_INT(level(db, PT_LEVEL_SCOPE_THREAT, "pbied", PT_LEVEL_SEVERE, 0, 0, NULL, &d), PT_OK);
	CHECK_NEAR(risk_of(db, "PS-001", "pbied"), critical, 1e-9);
	newest_audit(db, action, record, detail);
	CHECK_STR(action, "threat_level.set");
	CHECK_STR(record, "pbied");
	CHECK_STR(detail, "SEVERE (was none): test rationale");
	/* ... unless marked below, with its reason: then SEVERE applies. */
	CHECK_INT(level(db, PT_LEVEL_SCOPE_THREAT, "pbied", PT_LEVEL_SEVERE, 1, 0, NULL, &d), PT_OK);
	severe = risk_of(db, "PS-001", "pbied");
	CHECK(severe < critical && severe > substantial);
	newest_audit(db, action, record, detail);
	CHECK_STR(detail, "SEVERE below (was SEVERE): test rationale");
	/* "below" is for a threat's level only */
	CHECK_INT(level(db, PT_LEVEL_SCOPE_REGION, "North", PT_LEVEL_LOW, 1, 0, NULL, &d), PT_EINVAL);
	CHECK_STR(d.field, "below");
	/* Cleared: back to the national level; clearing again finds nothing. */
	CHECK_INT(level(db, PT_LEVEL_SCOPE_THREAT, "pbied", -1, 0, 0, NULL, &d), PT_OK);
	CHECK_NEAR(risk_of(db, "PS-001", "pbied"), critical, 1e-9);
	newest_audit(db, action, record, detail);
	CHECK_STR(action, "threat_level.clear");
	CHECK_STR(detail, "cleared (was SEVERE): test rationale");
	CHECK_INT(level(db, PT_LEVEL_SCOPE_THREAT, "pbied", -1, 0, 0, NULL, &d), PT_ENOTFOUND);
	CHECK_INT(level(db, PT_LEVEL_SCOPE_NATIONAL, NULL, -1, 0, 0, NULL, &d), PT_EINVAL);
	CHECK_INT(pt_app_threat_levels_get(as(NULL), db, &lv, &d), PT_OK);
	CHECK_INT(lv.n, 0);
	CHECK_INT(lv.n_in_force, 1);
	CHECK_INT(lv.national, PT_LEVEL_CRITICAL);
	pt_app_threat_levels_clear(&lv);

	/* A region's level raises its sites only (PS-001 North, PS-002 South). */
	CHECK_INT(level(db, PT_LEVEL_SCOPE_NATIONAL, NULL, PT_LEVEL_SUBSTANTIAL, 0, 0, NULL, &d),
		  PT_OK);
	CHECK_NEAR(risk_of(db, "PS-001", "pbied"), substantial, 1e-9);
	substantial = risk_of(db, "PS-002", "vehicle_ramming");
	CHECK_INT(level(db, PT_LEVEL_SCOPE_REGION, "North", PT_LEVEL_CRITICAL, 0, 0, NULL, &d), PT_OK);
	CHECK_NEAR(risk_of(db, "PS-001", "pbied"), critical, 1e-9);
	CHECK_NEAR(risk_of(db, "PS-002", "vehicle_ramming"), substantial, 1e-9);
	newest_audit(db, action, record, detail);
	CHECK_STR(record, "region:North");
	CHECK_INT(level(db, PT_LEVEL_SCOPE_REGION, "Nowhere", PT_LEVEL_LOW, 0, 0, NULL, &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "region");
	CHECK_INT(level(db, PT_LEVEL_SCOPE_REGION, "North", -1, 0, 0, NULL, &d), PT_OK);
	/* A sector's level: every site of the fixture is a stadium. */
	CHECK_INT(level(db, PT_LEVEL_SCOPE_SECTOR, "stadium_arena", PT_LEVEL_CRITICAL, 0, 0, NULL,
			&d),
		  PT_OK);
	CHECK_NEAR(risk_of(db, "PS-001", "pbied"), critical, 1e-9);
	CHECK(risk_of(db, "PS-002", "vehicle_ramming") > substantial);
	CHECK_INT(level(db, PT_LEVEL_SCOPE_SECTOR, "no_such_sector", PT_LEVEL_LOW, 0, 0, NULL, &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "sector_id");
	CHECK_INT(level(db, PT_LEVEL_SCOPE_SECTOR, "stadium_arena", -1, 0, 0, NULL, &d), PT_OK);

	/* An expiry is read, not run: SEVERE until tomorrow, then back to SUBSTANTIAL. */
	CHECK_INT(level(db, PT_LEVEL_SCOPE_NATIONAL, NULL, PT_LEVEL_SEVERE, 0, T0 - 1, NULL, &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "until");
	CHECK_INT(level(db, PT_LEVEL_SCOPE_NATIONAL, NULL, PT_LEVEL_SEVERE, 0, T0 + DAY, NULL, &d),
		  PT_OK);
	CHECK(risk_of(db, "PS-002", "vehicle_ramming") > substantial);
	pt_app_clock_fix(T0 + 2 * DAY);
	CHECK_NEAR(risk_of(db, "PS-002", "vehicle_ramming"), substantial, 1e-9);
	CHECK_INT(pt_app_threat_levels_get(as(NULL), db, &lv, &d), PT_OK);
	CHECK_INT(lv.national, PT_LEVEL_SUBSTANTIAL);
	CHECK(lv.n_in_force == 1 && lv.in_force[0].reverted == 1);
	pt_app_threat_levels_clear(&lv);
	pt_app_clock_fix(0);
	pt_db_close(db);
}

/* Find a decision in a change's re-opened list. */
static int reopened_has(const struct pt_app_level_result *r, const char *site, const char *threat)
{
	for (size_t i = 0; i < r->n_reopened; i++)
		if (strcmp(r->reopened[i].site_id, site) == 0 &&
		    strcmp(r->reopened[i].threat_id, threat) == 0)
			return 1;
	return 0;
}

static void test_register_reopens(void)
{
	struct pt_db *db = open_with_measures();
	struct pt_app_level_result res;
	struct pt_register_entry *e = NULL;
	const struct pt_register_entry *x;
	struct pt_diag d;
	size_t n = 0;

	pt_app_clock_fix(T0);
	memset(&res, 0, sizeof res);
	/* At MODERATE, PS-002's vehicle ramming is medium: the operator accepts it (no approval). */
	CHECK_INT(level(db, PT_LEVEL_SCOPE_NATIONAL, NULL, PT_LEVEL_MODERATE, 0, 0, NULL, &d), PT_OK);
	pt_db_set_actor(db, opa_id, a_org, "opa", 0);
	/* accepting needs a review date, and not one before today */
	CHECK_INT(set(db, &opa, "PS-002", "vehicle_ramming", "accept", NULL, NULL, NULL, &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "review_date");
	CHECK_INT(set(db, &opa, "PS-002", "vehicle_ramming", "accept", NULL, "2026-11-30", NULL, &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "review_date");
	CHECK_STR(d.msg, "review date 2026-11-30 is before today (2026-12-01): give a date from "
			 "today on");
	CHECK_INT(set(db, &opa, "PS-002", "vehicle_ramming", "accept", NULL, "2026-12-01", NULL, &d),
		  PT_OK);
	CHECK_INT(last.band, PT_BAND_MEDIUM);
	CHECK_INT(last.decided_band, PT_BAND_MEDIUM);
	CHECK_STR(last.decided_level, "MODERATE");
	CHECK(last.needs_approval == 0 && last.reopened == 0 && last.overdue == 0);
	/* The level goes to SEVERE: high, above medium and the accept band: re-opened, listed. */
	CHECK_INT(level(db, PT_LEVEL_SCOPE_NATIONAL, NULL, PT_LEVEL_SEVERE, 0, 0, &res, &d), PT_OK);
	CHECK_INT(res.n_reopened, 1);
	CHECK(reopened_has(&res, "PS-002", "vehicle_ramming"));
	{ /* issue 11 review L6: the audit entry counts it (naming no site: it covers none),
	   * its history says what re-opened it */
		struct pt_register_history_row *h = NULL;
		size_t n_h = 0;
		char action[64], record[128], detail[1024];
		newest_audit(db, action, record, detail);
		CHECK_STR(action, "threat_level.set");
		CHECK_STR(detail, "SEVERE (was MODERATE): test rationale; re-opened 1 register "
				  "decision (each decision's history names it)");
		CHECK_INT(pt_db_register_history(db, "PS-002", "vehicle_ramming", &h, &n_h, &d),
			  PT_OK);
		CHECK(n_h >= 2);
		if (n_h >= 2)
			CHECK_STR(h[n_h - 1].detail, "re-opened by the threat level change national "
						     "to SEVERE (band medium -> high)");
		free(h);
	}
	if (res.n_reopened)
		CHECK(res.reopened[0].decided_band == PT_BAND_MEDIUM &&
		      res.reopened[0].band == PT_BAND_HIGH);
	pt_app_level_result_clear(&res);
	CHECK_INT(reg_list(db, NULL, NULL, &e, &n, &d), PT_OK);
	CHECK(n > 0 && strcmp(e[0].site_id, "PS-002") == 0); /* re-opened first */
	x = entry(e, n, "PS-002", "vehicle_ramming");
	CHECK(x && x->reopened == 1 && x->needs_approval == 1 && x->approved == 0);
	free(e);
	/* A raise that re-opens nothing new lists nothing. */
	CHECK_INT(level(db, PT_LEVEL_SCOPE_NATIONAL, NULL, PT_LEVEL_CRITICAL, 0, 0, &res, &d), PT_OK);
	CHECK_INT(res.n_reopened, 0);
	pt_app_level_result_clear(&res);
	/* A coordinator approves it at high: no longer re-opened. */
	pt_db_set_actor(db, coord_id, gov_org, "coord", 0);
	CHECK_INT(pt_app_register_approve(as(&coord), db, "PS-002", "vehicle_ramming", &last, NULL,
					  &d),
		  PT_OK);
	CHECK(last.reopened == 0 && last.approved == 1 && last.decided_band == PT_BAND_HIGH);
	/* A falling band never re-opens, nor does rising back to the band decided. */
	CHECK_INT(level(db, PT_LEVEL_SCOPE_NATIONAL, NULL, PT_LEVEL_LOW, 0, 0, &res, &d), PT_OK);
	CHECK_INT(res.n_reopened, 0);
	pt_app_level_result_clear(&res);
	CHECK_INT(reg_list(db, NULL, "PS-002", &e, &n, &d), PT_OK);
	x = entry(e, n, "PS-002", "vehicle_ramming");
	CHECK(x && x->band == PT_BAND_MEDIUM && x->reopened == 0);
	free(e);
	CHECK_INT(level(db, PT_LEVEL_SCOPE_NATIONAL, NULL, PT_LEVEL_SEVERE, 0, 0, &res, &d), PT_OK);
	CHECK_INT(res.n_reopened, 0);
	pt_app_level_result_clear(&res);

	/* A review date that passes makes the decision overdue: listed first after re-opened ones. */
	pt_db_set_actor(db, opa_id, a_org, "opa", 0);
	CHECK_INT(set(db, &opa, "PS-001", "pbied", "reduce", NULL, "2026-12-10", NULL, &d), PT_OK);
	CHECK_INT(last.overdue, 0);
	pt_app_clock_fix(T0 + 20 * DAY);
	CHECK_INT(reg_list(db, NULL, NULL, &e, &n, &d), PT_OK);
	/* the two overdue decisions first (PS-001's pbied is the smallest risk of all) */
	CHECK(n == 5 && e[0].overdue == 1 && e[1].overdue == 1 && e[2].overdue == 0);
	x = entry(e, n, "PS-001", "pbied");
	CHECK(x && x->overdue == 1 && x == &e[1]);
	x = entry(e, n, "PS-002", "vehicle_ramming");
	CHECK(x && x->overdue == 1); /* 2026-12-01 has passed too */
	free(e);
	pt_app_clock_fix(0);
	pt_db_close(db);
}

/* issue 11 review M3, M4 (app side), L1, L2: what a threat-level change and a review date refuse. */
static void test_review_fixes(void)
{
	struct pt_db *db = open_with_measures();
	struct pt_app_level_change in;
	struct pt_app_threat_levels lv;
	struct pt_site_list sites;
	struct pt_site s;
	struct pt_diag d;
	size_t i;
	int seen;

	pt_app_clock_fix(T0);
	memset(&d, 0, sizeof d);
	memset(&in, 0, sizeof in);
	in.level = PT_LEVEL_SEVERE;
	/* L1: blank and invisible rationales, bidi controls anywhere */
	in.rationale = "   ";
	CHECK_INT(pt_app_threat_level_change(as(NULL), db, &in, NULL, &d), PT_EINVAL);
	CHECK_STR(d.field, "rationale");
	in.rationale = "\xE2\x80\xAE\xE2\x80\x8B"; /* U+202E U+200B */
	CHECK_INT(pt_app_threat_level_change(as(NULL), db, &in, NULL, &d), PT_EINVAL);
	CHECK_STR(d.field, "rationale");
	in.rationale = "\xC2\xA0\xE2\x80\x8B\xEF\xBB\xBF"; /* U+00A0 U+200B U+FEFF */
	CHECK_INT(pt_app_threat_level_change(as(NULL), db, &in, NULL, &d), PT_EINVAL);
	in.rationale = "raised \xE2\x80\xAEtxet"; /* visible text with an override */
	CHECK_INT(pt_app_threat_level_change(as(NULL), db, &in, NULL, &d), PT_EINVAL);
	CHECK(strstr(d.msg, "bidirectional") != NULL);
	in.rationale = "JTAC assessment 12/2026";
	/* L2: an expiry at most about two years ahead */
	in.until = T0 + 800 * DAY;
	CHECK_INT(pt_app_threat_level_change(as(NULL), db, &in, NULL, &d), PT_EINVAL);
	CHECK_STR(d.field, "until");
	in.until = T0 + 700 * DAY;
	CHECK_INT(pt_app_threat_level_change(as(NULL), db, &in, NULL, &d), PT_OK);
	in.until = 0;
	/* L2: a review date at most five years ahead (today 2026-12-01) */
	pt_db_set_actor(db, opa_id, a_org, "opa", 0);
	CHECK_INT(set(db, &opa, "PS-001", "vehicle_ramming", "reduce", NULL, "9999-12-31", NULL,
		      &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "review_date");
	CHECK_INT(set(db, &opa, "PS-001", "vehicle_ramming", "reduce", NULL, "2031-12-02", NULL,
		      &d),
		  PT_EINVAL);
	CHECK_INT(set(db, &opa, "PS-001", "vehicle_ramming", "reduce", NULL, "2031-12-01", NULL,
		      &d),
		  PT_OK);

	/* M3: South holds only PS-002, now RED: the coordinator (not a named reader) gets
	 * the answer of a region no site is in; the system sets it; then the coordinator
	 * sees no South entry, the system does */
	memset(&sites, 0, sizeof sites);
	site_make(&s, "PS-002", "Operator A", "South", PT_TLP_RED);
	CHECK_INT(pt_site_list_append(&sites, &s, 0), PT_OK);
	CHECK_INT(pt_db_sites_import(db, &sites, NULL, NULL, &d), PT_OK);
	pt_site_list_clear(&sites);
	in.scope = PT_LEVEL_SCOPE_REGION;
	in.scope_id = "South";
	CHECK_INT(pt_app_threat_level_change(as(&coord), db, &in, NULL, &d), PT_EINVAL);
	CHECK_STR(d.field, "region");
	CHECK_STR(d.msg, "unknown region \"South\" (no site you may read is in it)");
	in.scope_id = "Nowhere";
	CHECK_INT(pt_app_threat_level_change(as(&coord), db, &in, NULL, &d), PT_EINVAL);
	CHECK_STR(d.msg, "unknown region \"Nowhere\" (no site you may read is in it)");
	in.scope_id = "South";
	CHECK_INT(pt_app_threat_level_change(as(NULL), db, &in, NULL, &d), PT_OK);
	in.scope_id = "North";
	CHECK_INT(pt_app_threat_level_change(as(&coord), db, &in, NULL, &d), PT_OK);
	CHECK_INT(pt_app_threat_levels_get(as(&coord), db, &lv, &d), PT_OK);
	for (i = 0, seen = 0; i < lv.n_in_force; i++)
		seen |= strcmp(lv.in_force[i].change.scope_id, "South") == 0 ? 1
			: strcmp(lv.in_force[i].change.scope_id, "North") == 0 ? 2 : 0;
	CHECK_INT(seen, 2);
	for (i = 0; i < lv.n_history; i++)
		CHECK(strcmp(lv.history[i].scope_id, "South") != 0);
	pt_app_threat_levels_clear(&lv);
	CHECK_INT(pt_app_threat_levels_get(as(NULL), db, &lv, &d), PT_OK);
	for (i = 0, seen = 0; i < lv.n_in_force; i++)
		seen |= strcmp(lv.in_force[i].change.scope_id, "South") == 0 ? 1
			: strcmp(lv.in_force[i].change.scope_id, "North") == 0 ? 2 : 0;
	CHECK_INT(seen, 3);
	pt_app_threat_levels_clear(&lv);
	pt_app_clock_fix(0);
	pt_db_close(db);
}

/* The row of measure at site as c reads it, with where it stands; NULL when not there. */
static const struct pt_site_measure_row *sm_row(struct pt_site_measures *sm, const char *measure,
						size_t *k)
{
	for (size_t i = 0; i < sm->n; i++)
		if (strcmp(sm->rows[i].measure_id, measure) == 0) {
			*k = i;
			return &sm->rows[i];
		}
	return NULL;
}

/* Issue 16, item 4: linking a measure not yet at the site commits it there (the owner only);
 * the committed measure goes installed, verified (by a test or an inspection, dated, with a
 * re-verification date) and falls due; every step kept with its date and who. */
static void test_measure_lifecycle(void)
{
	struct pt_db *db = open_with_measures();
	struct pt_site_measures sm;
	const struct pt_site_measure_row *r;
	struct pt_site_measure_row row;
	struct pt_measure_step_input in;
	struct pt_caller ca, cc;
	struct pt_diag d;
	size_t k = 0;
	memset(&d, 0, sizeof d);
	memset(&sm, 0, sizeof sm);
	ca = *as(&opa);
	cc = *as(&coord);

	/* a government coordinator may treat, but not commit the owner's money */
	CHECK_INT(set(db, &coord, "PS-001", "vehicle_ramming", "reduce", NULL, NULL, "guards", &d),
		  PT_EFORBIDDEN);
	CHECK_STR(d.field, "measures");
	CHECK_STR(d.msg, "measure guards is not at PS-001, and linking it would commit it there: "
			 "only the site's owner commits a measure (or a saved plan proposes it)");
	/* the owner links it: committed at the site, no plan */
	pt_db_set_actor(db, opa_id, a_org, "opa", 0);
	CHECK_INT(set(db, &opa, "PS-001", "vehicle_ramming", "reduce", NULL, NULL, "guards", &d),
		  PT_OK);
	CHECK_STR(last.measures, "guards");
	CHECK_INT(last.n_committed, 1);
	CHECK_INT(pt_app_site_measures_list(&ca, db, "PS-001", NULL, &sm, &d), PT_OK);
	CHECK(sm.can_commit);
	r = sm_row(&sm, "guards", &k);
	CHECK(r && r->status == PT_SM_ACCEPTED && r->plan[0] == '\0');
	CHECK(r && sm.life[k].history_n == 1 &&
	      strcmp(sm.history[sm.life[k].history_first].step, "commit") == 0 &&
	      strcmp(sm.history[sm.life[k].history_first].actor, "opa") == 0);
	pt_site_measures_clear(&sm);
	/* committing it again: it is there */
	CHECK_INT(pt_app_site_measure_commit(&ca, db, "PS-001", "guards", NULL, &row, &d),
		  PT_ECONFLICT);
	CHECK_INT(pt_app_site_measure_commit(&cc, db, "PS-001", "film", NULL, &row, &d),
		  PT_EFORBIDDEN);
	CHECK_INT(pt_app_site_measure_commit(&ca, db, "PS-001", "no_such", NULL, &row, &d),
		  PT_ENOTFOUND);

	/* installed (dated before today), then verified by the coordinator */
	memset(&in, 0, sizeof in);
	in.on_date = "2026-11-20";
	in.note = "two guards from 1 November";
	CHECK_INT(pt_app_site_measure_step(&ca, db, "PS-001", "guards", PT_STEP_INSTALL, &in, &row,
					   &d),
		  PT_OK);
	CHECK_INT(row.status, PT_SM_INSTALLED);
	memset(&in, 0, sizeof in); /* verify needs a method and a re-verification date */
	CHECK_INT(pt_app_site_measure_step(&cc, db, "PS-001", "guards", PT_STEP_VERIFY, &in, &row,
					   &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "method");
	in.method = "audit";
	CHECK_INT(pt_app_site_measure_step(&cc, db, "PS-001", "guards", PT_STEP_VERIFY, &in, &row,
					   &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "method");
	in.method = "inspection";
	CHECK_INT(pt_app_site_measure_step(&cc, db, "PS-001", "guards", PT_STEP_VERIFY, &in, &row,
					   &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "reverify_by");
	in.reverify_by = "2032-12-01"; /* more than 5 years after today's verification */
	CHECK_INT(pt_app_site_measure_step(&cc, db, "PS-001", "guards", PT_STEP_VERIFY, &in, &row,
					   &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "reverify_by");
	in.reverify_by = "2027-06-01";
	in.on_date = "2026-11-01"; /* before the installation */
	CHECK_INT(pt_app_site_measure_step(&cc, db, "PS-001", "guards", PT_STEP_VERIFY, &in, &row,
					   &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "on_date");
	CHECK_STR(d.msg, "2026-11-01 is before the measure was installed (2026-11-20)");
	in.on_date = NULL;
	CHECK_INT(pt_app_site_measure_step(&ca, db, "PS-001", "guards", PT_STEP_VERIFY, &in, &row,
					   &d),
		  PT_EFORBIDDEN); /* the owner's operator does not verify */
	CHECK_INT(pt_app_site_measure_step(&cc, db, "PS-001", "guards", PT_STEP_VERIFY, &in, &row,
					   &d),
		  PT_OK);
	CHECK_INT(row.status, PT_SM_VERIFIED);
	CHECK_INT(pt_app_site_measures_list(&cc, db, "PS-001", NULL, &sm, &d), PT_OK);
	CHECK(!sm.can_commit);
	r = sm_row(&sm, "guards", &k);
	CHECK(r && sm.life[k].history_n == 3);
	CHECK(r && strcmp(sm.life[k].installed_on, "2026-11-20") == 0);
	CHECK(r && sm.life[k].verification &&
	      strcmp(sm.life[k].verification->method, "inspection") == 0 &&
	      strcmp(sm.life[k].verification->on_date, "2026-12-01") == 0 &&
	      strcmp(sm.life[k].verification->actor, "coord") == 0);
	CHECK(r && !sm.life[k].verification_due);
	pt_site_measures_clear(&sm);
	/* a later day: due; verified again by a test */
	pt_app_clock_fix(T0 + 200LL * 86400);
	CHECK_INT(pt_app_site_measures_list(&cc, db, "PS-001", NULL, &sm, &d), PT_OK);
	r = sm_row(&sm, "guards", &k);
	CHECK(r && sm.life[k].verification_due);
	pt_site_measures_clear(&sm);
	memset(&in, 0, sizeof in);
	in.method = "test";
	in.reverify_by = "2028-06-01";
	CHECK_INT(pt_app_site_measure_step(&cc, db, "PS-001", "guards", PT_STEP_VERIFY, &in, &row,
					   &d),
		  PT_OK);
	CHECK_INT(pt_app_site_measures_list(&cc, db, "PS-001", NULL, &sm, &d), PT_OK);
	r = sm_row(&sm, "guards", &k);
	CHECK(r && !sm.life[k].verification_due && sm.life[k].history_n == 4 &&
	      strcmp(sm.life[k].verification->method, "test") == 0);
	pt_site_measures_clear(&sm);
	pt_app_clock_fix(T0);
	pt_db_close(db);
}

int main(void)
{
	RUN(test_threat_level_governance);
	RUN(test_register_reopens);
	RUN(test_review_fixes);
	RUN(test_register_list);
	pt_app_clock_fix(T0); /* the review dates below stay in the future */
	RUN(test_register_decisions);
	RUN(test_measure_lifecycle); /* issue 16, item 4 */
	pt_app_clock_fix(0);
	RUN(test_register_entry);
	RUN(test_register_history_audited);
	RUN(test_register_entry_audited);
	return TEST_SUMMARY("app_register");
}

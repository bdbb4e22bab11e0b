/* pt_app_audit.c - the audit log's use cases: the list judged by the
 * labels of the records each entry covers today, verify and rekey. */
#include "pt_app_audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store/pt_audit.h"

void pt_audit_page_clear(struct pt_audit_page *p)
{
	if (!p)
		return;
	free(p->items);
	free(p->withheld);
	memset(p, 0, sizeof *p);
}

/* What the records of a page's entries tell, per item. */
struct judge {
	const struct pt_principal *who;
	const struct pt_snapshot *snap;
	size_t *records, *readable; /* per item: records covered, and those who may see */
};

static void judge_record(void *ctx, size_t item, const char *table, const char *id)
{
	struct judge *j = ctx;
	struct pt_access_record rec;
	long at = -1;
	j->records[item]++;
	/* Sites (and what belongs to them) are the labelled records today. */
	if (strcmp(table, "sites") == 0 && id[0])
		at = pt_snapshot_find(j->snap, id);
	if (at >= 0)
		pt_snapshot_record(j->snap, (size_t)at, &rec);
	if (pt_access_audit_record(j->who, at >= 0 ? &rec : NULL) == PT_ACCESS_OK)
		j->readable[item]++;
}

enum pt_err pt_app_audit_list(const struct pt_caller *c, struct pt_db *db, size_t limit,
			      size_t offset, struct pt_audit_page *out, struct pt_diag *d)
{
	enum pt_audit_scope scope = pt_access_audit_scope(&c->who);
	struct pt_snapshot *snap = NULL;
	struct judge j;
	enum pt_err err;
	size_t i;

	memset(out, 0, sizeof *out);
	memset(&j, 0, sizeof j);
	if (scope == PT_AUDIT_SCOPE_NONE)
		return pt_diag_set(d, PT_EFORBIDDEN, 0, "", "your role may not read the audit log");
	if (limit > PT_AUDIT_LIST_MAX)
		return pt_diag_set(d, PT_ELIMIT, 0, "limit", "at most %d entries at once",
				   PT_AUDIT_LIST_MAX);
	/* The system administrator reads every record: nothing to judge. */
	if (!c->who.system && !(snap = pt_app_snapshot(c, db, d)))
		return d->msg[0] ? PT_EDB : PT_ENOMEM;
	j.who = &c->who;
	j.snap = snap;
	j.records = calloc(limit ? limit : 1, sizeof *j.records);
	j.readable = calloc(limit ? limit : 1, sizeof *j.readable);
	out->withheld = calloc(limit ? limit : 1, 1);
	if (!j.records || !j.readable || !out->withheld) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	err = pt_audit_list_covered(db, scope == PT_AUDIT_SCOPE_ALL ? 0 : c->who.org_id, limit,
				    offset, &out->items, &out->n, &out->total,
				    snap ? judge_record : NULL, &j, d);
	if (err != PT_OK)
		goto out;
	for (i = 0; i < out->n; i++) {
		struct pt_audit_entry *e = &out->items[i];
		if (pt_access_audit_entry(&c->who, e->org_id, j.records[i], j.readable[i]) ==
		    PT_AUDIT_VIEW_WHOLE)
			continue;
		out->withheld[i] = 1;
		memset(e->record_id, 0, sizeof e->record_id);
		memset(e->detail, 0, sizeof e->detail);
	}
out:
	free(j.records);
	free(j.readable);
	pt_snapshot_release(snap);
	if (err != PT_OK)
		pt_audit_page_clear(out);
	return err;
}

enum pt_err pt_app_audit_verify(const struct pt_caller *c, struct pt_db *db,
				struct pt_audit_report *rep, struct pt_diag *d)
{
	memset(rep, 0, sizeof *rep);
	if (pt_access_audit_keys(&c->who) != PT_ACCESS_OK)
		return pt_diag_set(d, PT_EFORBIDDEN, 0, "",
				   "only the system administrator (the command line) checks the "
				   "audit log against its key");
	return pt_audit_verify(db, rep, d);
}

enum pt_err pt_app_audit_rekey(const struct pt_caller *c, struct pt_db *db, const char *reason,
			       char *key_path, size_t size, struct pt_diag *d)
{
	enum pt_err err;
	if (key_path && size)
		key_path[0] = '\0';
	if (pt_access_audit_keys(&c->who) != PT_ACCESS_OK)
		return pt_diag_set(d, PT_EFORBIDDEN, 0, "",
				   "only the system administrator (the command line) starts a new "
				   "audit chain");
	pt_app_act(c, db);
	if ((err = pt_audit_rekey(db, reason, d)) != PT_OK)
		return err;
	if (key_path && size && pt_audit_key_path(pt_db_path(db), key_path, size) != PT_OK)
		pt_strlcpy(key_path, "the key file", size);
	return PT_OK;
}

enum pt_err pt_app_audit_open(const char *path, struct pt_db **out, struct pt_diag *d)
{
	return pt_db_open_readonly(path, out, d);
}

enum pt_err pt_app_audit_key_check(struct pt_db *db, const char *what, struct pt_diag *d)
{
	return pt_audit_key_check(db, what, d);
}

enum pt_err pt_app_refused(const struct pt_caller *c, struct pt_db *db, const char *action,
			   const char *record_table, const char *record_id, enum pt_err err,
			   const struct pt_diag *d)
{
	char detail[PT_AUDIT_DETAIL_MAX], line[32];
	struct pt_diag ad;
	if (err != PT_EFORBIDDEN || !c || c->quiet_refusals || !db || pt_db_in_transaction(db))
		return err;
	pt_strlcpy(detail, action ? action : "a write", sizeof detail);
	pt_strlcat(detail, ": ", sizeof detail);
	if (d && d->line > 0) {
		snprintf(line, sizeof line, "line %ld: ", d->line);
		pt_strlcat(detail, line, sizeof detail);
	}
	if (d && d->field[0]) {
		pt_strlcat(detail, d->field, sizeof detail);
		pt_strlcat(detail, ": ", sizeof detail);
	}
	pt_strlcat(detail, d && d->msg[0] ? d->msg : pt_strerror(err), sizeof detail);
	memset(&ad, 0, sizeof ad);
	pt_app_act(c, db);
	(void)pt_audit_append(db, PT_AUDIT_REFUSED_ACTION, record_table, record_id, detail, &ad);
	return err;
}

/* pt_app.c - the caller, the read snapshot and the audited-read log that
 * every use case of src/app shares. */
#include "pt_app.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/pt_ranking_core.h"
#include "../store/pt_audit.h"
#include "../store/pt_ranking.h"
#include "../store/pt_store.h"
#include "../store/pt_users.h"

void pt_caller_system(struct pt_caller *c)
{
	memset(c, 0, sizeof *c);
	pt_principal_system(&c->who);
	pt_strlcpy(c->name, PT_ACTOR_SYSTEM, sizeof c->name);
}

enum pt_err pt_caller_as_user(struct pt_db *db, const char *user_name, struct pt_caller *c,
			      struct pt_diag *d)
{
	struct pt_user u;
	enum pt_err err;
	memset(c, 0, sizeof *c);
	err = pt_db_user_get(db, user_name, &u, d);
	if (err == PT_ENOTFOUND)
		return pt_diag_set(d, PT_ENOTFOUND, 0, "as",
				   "no user named \"%s\"; 'protect user list' shows them", user_name);
	if (err != PT_OK)
		return err;
	pt_user_principal(&u, &c->who);
	pt_strlcpy(c->name, u.name, sizeof c->name);
	return PT_OK;
}

void pt_app_act(const struct pt_caller *c, struct pt_db *db)
{
	pt_db_set_actor(db, c->who.system ? 0 : c->who.user_id, c->who.system ? 0 : c->who.org_id,
			c->name, c->now);
}

enum pt_err pt_app_db_open(const char *path, int create, struct pt_db **out, struct pt_diag *d)
{
	return pt_db_open(path, create, out, d);
}

void pt_app_db_close(struct pt_db *db)
{
	pt_db_close(db);
}

void pt_app_db_busy_wait(struct pt_db *db, unsigned ms)
{
	pt_db_set_busy_wait(db, ms);
}

int pt_app_db_is_initialised(struct pt_db *db)
{
	return pt_db_is_initialised(db);
}

enum pt_err pt_app_watch_open(const char *path, struct pt_ranking_watch **out,
			      struct pt_diag *d)
{
	return pt_ranking_watch_open(path, out, d);
}

enum pt_err pt_app_watch_version(struct pt_ranking_watch *w, unsigned long long *version)
{
	return pt_ranking_watch_version(w, version);
}

void pt_app_watch_close(struct pt_ranking_watch *w)
{
	pt_ranking_watch_close(w);
}

struct pt_snapshot *pt_snapshot_load(struct pt_db *db, struct pt_diag *d)
{
	struct pt_snapshot *s = calloc(1, sizeof *s);
	if (!s) {
		pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		return NULL;
	}
	atomic_init(&s->refs, 1);
	if (pt_ranking_load_view_at(db, &s->sites, &s->ix, &s->version, d) != PT_OK) {
		free(s);
		return NULL;
	}
	return s;
}

struct pt_snapshot *pt_app_snapshot(const struct pt_caller *c, struct pt_db *db,
				    struct pt_diag *d)
{
	if (c && c->snapshots && c->snapshots->get)
		return c->snapshots->get(c->snapshots->ctx, db, d);
	return pt_snapshot_load(db, d);
}

struct pt_snapshot *pt_snapshot_retain(struct pt_snapshot *s)
{
	if (s)
		atomic_fetch_add(&s->refs, 1);
	return s;
}

void pt_snapshot_release(struct pt_snapshot *s)
{
	if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
		return;
	pt_site_list_clear(&s->sites);
	pt_access_index_free(s->ix);
	free(s);
}

long pt_snapshot_find(const struct pt_snapshot *s, const char *id)
{
	return pt_sites_find(s->sites.items, s->sites.n, id);
}

void pt_snapshot_record(const struct pt_snapshot *s, size_t i, struct pt_access_record *rec)
{
	pt_access_index_record(s->ix, &s->sites.items[i], rec);
}

size_t pt_snapshot_visible(const struct pt_snapshot *s, const struct pt_principal *who,
			   unsigned char *visible)
{
	size_t i, shown = 0;
	for (i = 0; i < s->sites.n; i++) {
		struct pt_access_record rec;
		pt_snapshot_record(s, i, &rec);
		visible[i] = pt_access_read(who, &rec) == PT_ACCESS_OK;
		shown += visible[i];
	}
	return shown;
}

int pt_app_site_visible(void *ctx, const struct pt_site *site)
{
	const struct pt_access_filter *f = ctx;
	struct pt_access_record rec;
	if (!f || !site)
		return 0;
	pt_access_index_record(f->ix, site, &rec);
	return pt_access_read(&f->who, &rec) == PT_ACCESS_OK;
}

int pt_snapshot_view_covers(const struct pt_snapshot *s, const struct pt_principal *reader,
			    const struct pt_principal *author)
{
	size_t i;
	for (i = 0; i < s->sites.n; i++) {
		struct pt_access_record rec;
		pt_snapshot_record(s, i, &rec);
		if (pt_access_read(author, &rec) == PT_ACCESS_OK &&
		    pt_access_read(reader, &rec) != PT_ACCESS_OK)
			return 0;
	}
	return 1;
}

size_t pt_app_view_bits(const struct pt_caller *c, const struct pt_snapshot *s, int with_write,
			unsigned char *bits)
{
	size_t i, shown = 0;
	for (i = 0; i < s->sites.n; i++) {
		struct pt_access_record rec;
		bits[i] = 0;
		pt_snapshot_record(s, i, &rec);
		if (pt_access_read(&c->who, &rec) != PT_ACCESS_OK)
			continue;
		bits[i] = (unsigned char)(1 | (with_write && pt_access_write(&c->who, &rec) ==
								  PT_ACCESS_OK
						       ? 2
						       : 0));
		shown++;
	}
	return shown;
}

enum pt_err pt_app_view_audit(const struct pt_caller *c, struct pt_db *db,
			      const struct pt_snapshot *s, const unsigned char *bits, size_t offset,
			      size_t limit, const char *action, struct pt_diag *d)
{
	struct pt_read_log log;
	size_t i, seen = 0, shown = 0;
	if (!c->audit_reads)
		return PT_OK;
	memset(&log, 0, sizeof log);
	for (i = 0; i < s->sites.n && shown < limit; i++) {
		if (!(bits[i] & 1))
			continue;
		if (seen++ < offset)
			continue;
		pt_read_log_note(&log, &s->sites.items[i]);
		shown++;
	}
	return pt_read_log_commit(c, db, action, &log, d);
}

void pt_read_log_note(struct pt_read_log *log, const struct pt_site *s)
{
	size_t used, n;
	if (!pt_access_read_audited(s->tlp))
		return;
	if (log->n == log->cap) {
		size_t cap = log->cap ? log->cap * 2 : 64;
		char(*grown)[PT_ID_MAX];
		if (cap > PT_READ_LOG_MAX)
			cap = PT_READ_LOG_MAX;
		grown = cap > log->cap ? realloc(log->all, cap * sizeof *log->all) : NULL;
		if (!grown)
			log->failed = 1;
		else {
			log->all = grown;
			log->cap = cap;
		}
	}
	if (log->n < log->cap)
		pt_strlcpy(log->all[log->n], s->id, sizeof log->all[0]);
	log->n++;
	used = strlen(log->ids);
	n = strlen(s->id);
	if (used + n + 5 >= sizeof log->ids) {
		if (used + 4 < sizeof log->ids && (used < 3 || strcmp(log->ids + used - 3, "...") != 0))
			pt_strlcat(log->ids, ",...", sizeof log->ids);
		return;
	}
	if (used)
		pt_strlcat(log->ids, ",", sizeof log->ids);
	pt_strlcat(log->ids, s->id, sizeof log->ids);
}

void pt_read_log_clear(struct pt_read_log *log)
{
	if (!log)
		return;
	free(log->all);
	memset(log, 0, sizeof *log);
}

enum pt_err pt_read_log_commit(const struct pt_caller *c, struct pt_db *db, const char *action,
			       struct pt_read_log *log, struct pt_diag *d)
{
	const char **ids = NULL;
	enum pt_err err = PT_OK;
	size_t i;
	if (!c->audit_reads || !log->n)
		goto out;
	if (!log->failed && c->read_sink && !pt_db_in_transaction(db)) { /* group commit */
		struct pt_read_entry *e = calloc(1, sizeof *e);
		if (!e) {
			err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory noting the records read");
			goto out;
		}
		e->who = c->who;
		pt_strlcpy(e->name, c->name, sizeof e->name);
		e->now = c->now;
		pt_strlcpy(e->action, action, sizeof e->action);
		e->log = *log;
		memset(log, 0, sizeof *log); /* e holds its ids now */
		if (c->read_sink->put(c->read_sink->ctx, e) != 0) {
			pt_read_entry_free(e);
			err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory noting the records read");
		}
		goto out;
	}
	if (log->failed || !(ids = malloc(log->n * sizeof *ids))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory noting the records read");
		goto out;
	}
	for (i = 0; i < log->n; i++)
		ids[i] = log->all[i];
	pt_app_act(c, db);
	err = pt_audit_reads(db, action, "sites", log->n, log->ids, ids, log->n, d);
out:
	free(ids);
	pt_read_log_clear(log);
	return err;
}

/* ---- group commit of read entries (issue 10) ---- */

void pt_read_entry_free(struct pt_read_entry *e)
{
	if (!e)
		return;
	pt_read_log_clear(&e->log);
	free(e);
}

enum pt_err pt_app_reads_write(struct pt_db *db, struct pt_read_entry *const *e, size_t n,
			       struct pt_diag *d)
{
	const char **ids = NULL;
	size_t most = 0, i, k;
	enum pt_err err;
	for (i = 0; i < n; i++)
		if (e[i]->log.n > most)
			most = e[i]->log.n;
	if (most && !(ids = malloc(most * sizeof *ids)))
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory writing the audit entries");
	if ((err = pt_db_begin(db, d)) != PT_OK)
		goto out;
	for (i = 0; i < n && err == PT_OK; i++) {
		struct pt_caller c;
		memset(&c, 0, sizeof c);
		c.who = e[i]->who;
		pt_strlcpy(c.name, e[i]->name, sizeof c.name);
		c.now = e[i]->now;
		for (k = 0; k < e[i]->log.n; k++)
			ids[k] = e[i]->log.all[k];
		pt_app_act(&c, db);
		err = pt_audit_reads(db, e[i]->action, "sites", e[i]->log.n, e[i]->log.ids, ids,
				     e[i]->log.n, d);
	}
	err = pt_db_end(db, err, d); /* one commit; the key file's head moves once */
	pt_db_set_actor(db, 0, 0, NULL, 0);
out:
	free(ids);
	return err;
}

/* ---- the clock of threat-level expiries and review dates (issue 11) ---- */

static int64_t fixed_clock; /* 0: the real clock */

void pt_app_clock_fix(int64_t now)
{
	fixed_clock = now > 0 ? now : 0;
}

int64_t pt_app_now(int64_t caller_now)
{
	if (fixed_clock)
		return fixed_clock;
	return caller_now > 0 ? caller_now : (int64_t)time(NULL);
}

/* pt_app_register.c - the risk register's use cases: the entries a caller
 * may read with their residual risk, decisions, approvals and history. */
#include "pt_app_register.h"
#include "pt_app_filter.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/pt_register.h"
#include "../core/pt_marking.h"
#include "../formats/pt_csv.h"
#include "../formats/pt_diag.h"
#include "../store/pt_audit.h"
#include "../store/pt_catalog_store.h"
#include "../store/pt_measures_store.h"
#include "../store/pt_ranking.h"
#include "../store/pt_register_store.h"
#include "../store/pt_store.h"
#include "../store/pt_users.h"
#include "pt_app_plan_int.h"
#include "pt_app_surveys.h"
#include "pt_app_audit.h"

static int entry_key_cmp(const void *a, const void *b)
{
	const struct pt_register_entry *x = a, *y = b;
	int c = strcmp(x->site_id, y->site_id);
	return c ? c : strcmp(x->threat_id, y->threat_id);
}

/* Re-opened decisions first, then overdue ones (issue 11), then the largest risk. */
static int entry_risk_cmp(const void *a, const void *b)
{
	const struct pt_register_entry *x = a, *y = b;
	if (x->reopened != y->reopened)
		return x->reopened ? -1 : 1;
	if (x->overdue != y->overdue)
		return x->overdue ? -1 : 1;
	if (x->risk_eur_year != y->risk_eur_year)
		return x->risk_eur_year < y->risk_eur_year ? 1 : -1;
	return entry_key_cmp(a, b);
}

/* Today (UTC) as YYYY-MM-DD at the clock of review dates (pt_app_now). */
static void today_text(char out[PT_DATE_MAX])
{
	time_t t = (time_t)pt_app_now(0);
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(out, PT_DATE_MAX, "%Y-%m-%d", &tm))
		pt_strlcpy(out, "", PT_DATE_MAX);
}

/* Overlay the stored decisions (ordered by site, threat) on entries (sorted the same way),
 * with whether each has re-opened or is overdue (issue 11) under cfg. */
static enum pt_err register_merge(struct pt_db *db, const struct pt_config *cfg,
				  const char *site_id, struct pt_register_entry *e, size_t n,
				  struct pt_diag *d)
{
	char today[PT_DATE_MAX];
	struct pt_register_entry *rows = NULL;
	size_t n_rows = 0, k = 0, i;
	enum pt_err err;
	if ((err = pt_db_register_rows(db, site_id, &rows, &n_rows, d)) != PT_OK)
		return err;
	today_text(today);
	for (i = 0; i < n_rows; i++) {
		const struct pt_register_entry *row = &rows[i];
		while (k < n && entry_key_cmp(&e[k], row) < 0)
			k++;
		if (k < n && entry_key_cmp(&e[k], row) == 0) {
			struct pt_register_entry *x = &e[k];
			x->treatment = row->treatment;
			memcpy(x->responsible, row->responsible, sizeof x->responsible);
			memcpy(x->review_date, row->review_date, sizeof x->review_date);
			memcpy(x->measures, row->measures, sizeof x->measures);
			memcpy(x->note, row->note, sizeof x->note);
			x->needs_approval = row->needs_approval;
			x->approved = row->approved;
			memcpy(x->approved_by, row->approved_by, sizeof x->approved_by);
			memcpy(x->approved_at, row->approved_at, sizeof x->approved_at);
			memcpy(x->updated_at, row->updated_at, sizeof x->updated_at);
			memcpy(x->updated_by, row->updated_by, sizeof x->updated_by);
			x->decided_band = row->decided_band;
			memcpy(x->decided_level, row->decided_level, sizeof x->decided_level);
			x->reopened = pt_register_reopened(cfg, x->treatment, x->decided_band, x->band);
			x->overdue = pt_register_overdue(x->review_date, today);
			if (x->reopened) { /* awaits approval again */
				x->needs_approval = 1;
				x->approved = 0;
			}
		}
	}
	free(rows);
	return PT_OK;
}

/* Every entry of the register who may read (site_id NULL: all), largest risk first. */
static enum pt_err register_all(struct pt_db *db, const struct pt_principal *who,
				const char *site_id, struct pt_register_entry **out, size_t *n,
				struct pt_diag *d)
{
	struct pt_run_filter filter;
	struct pt_ranking *r = NULL;
	struct pt_pair_ref *refs = NULL;
	struct pt_register_entry *e = NULL;
	struct pt_measure_catalog measures;
	struct pt_site_measure_row *sm = NULL;
	struct pt_plan_inputs in;
	size_t n_refs = 0, n_sm = 0, i;
	enum pt_err err;

	*out = NULL;
	*n = 0;
	if (!db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database");
	memset(&measures, 0, sizeof measures);
	memset(&in, 0, sizeof in);
	memset(&filter, 0, sizeof filter);
	filter.site_id = site_id && *site_id ? site_id : NULL;
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	if ((err = pt_app_quant_ranking(db, who, &filter, &r, d)) != PT_OK)
		goto read_done;
	if (filter.site_id && r->sites.n == 0) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "site_id", "unknown site %s", site_id);
		goto read_done;
	}
	if ((err = pt_app_ranking_pairs(r, &refs, &n_refs, d)) != PT_OK ||
	    (err = pt_db_measures_load(db, &measures, d)) != PT_OK ||
	    (err = pt_db_site_measures_list(db, filter.site_id, &sm, &n_sm, d)) != PT_OK ||
	    /* issue 16 item 3: measures the counting visit saw are in its ratings */
	    (err = pt_app_measures_seen(db, sm, n_sm, d)) != PT_OK ||
	    (err = pt_app_inputs_build(r, &measures, refs, n_refs, sm, n_sm, &in, d)) != PT_OK)
		goto read_done;
	e = calloc(n_refs ? n_refs : 1, sizeof *e);
	if (!e) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto read_done;
	}
	for (i = 0; i < n_refs; i++) {
		const struct pt_site *s = &r->sites.items[refs[i].site];
		pt_strlcpy(e[i].site_id, s->id, sizeof e[i].site_id);
		pt_strlcpy(e[i].site_name, s->name, sizeof e[i].site_name);
		e[i].site_tlp = s->tlp; /* the marking of what carries the entry */
		pt_strlcpy(e[i].threat_id, pt_ranking_threat_id(r, (long)refs[i].threat),
			   sizeof e[i].threat_id);
		pt_strlcpy(e[i].owner_org, s->owner, sizeof e[i].owner_org);
		e[i].band = pt_app_pair_band(&r->cfg, refs[i].q);
		pt_strlcpy(e[i].threat_level,
			   pt_threat_level_name(r->pair_levels ? r->pair_levels[refs[i].row]
							       : r->national),
			   sizeof e[i].threat_level);
		e[i].risk_eur_year = refs[i].q->risk_eur;
		e[i].treatment = PT_TREAT_NONE;
		{
			const struct pt_plan_site *ps = &in.sites[refs[i].site];
			pt_register_residual(&r->cfg, refs[i].q->e_attempt, refs[i].q->e_success,
					     refs[i].q->e_consequence_eur, ps->committed,
					     ps->n_committed, measures.n, in.v, in.c,
					     r->cat.threats.n, refs[i].threat,
					     &e[i].residual_eur_year, &e[i].residual_band);
			e[i].n_committed = ps->n_committed;
		}
	}
	if (n_refs)
		qsort(e, n_refs, sizeof *e, entry_key_cmp);
	err = register_merge(db, &r->cfg, filter.site_id, e, n_refs, d);
read_done:
	err = pt_db_end(db, err, d);
	pt_ranking_free(r);
	free(refs);
	free(sm);
	pt_app_inputs_clear(&in);
	pt_measure_catalog_clear(&measures);
	if (err != PT_OK) {
		free(e);
		return err;
	}
	if (n_refs)
		qsort(e, n_refs, sizeof *e, entry_risk_cmp);
	*out = e;
	*n = n_refs;
	return PT_OK;
}

/*
 * The entry of (site_id, threat_id) as who may read it into *out;
 * PT_ENOTFOUND (field "threat_id") when the pair is not assessed, (field
 * "site_id") when the site is missing or hidden. Inside a caller's
 * transaction or on its own.
 */
static enum pt_err entry_find(struct pt_db *db, const struct pt_principal *who,
			      const char *site_id, const char *threat_id,
			      struct pt_register_entry *out, struct pt_diag *d)
{
	struct pt_register_entry *all = NULL;
	size_t n = 0, i;
	enum pt_err err;
	if ((err = register_all(db, who, site_id, &all, &n, d)) != PT_OK)
		return err;
	for (i = 0; i < n; i++)
		if (strcmp(all[i].threat_id, threat_id) == 0)
			break;
	if (i < n)
		*out = all[i];
	else
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "threat_id",
				  "%s %s: no assessed risk of that site and threat", site_id,
				  threat_id);
	free(all);
	return err;
}

/* Nonzero for a real calendar date written YYYY-MM-DD. */
static int date_valid(const char *s)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, dd, i, leap;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	dd = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1 || m < 1 || m > 12 || dd < 1)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return dd <= days[m - 1] + (m == 2 && leap);
}

/* Append to a history detail, "; " between parts; cut with "..." when full. */
static void detail_add(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void detail_add(char *buf, size_t size, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;
	int w;
	if (used + 8 >= size)
		return;
	if (used) {
		memcpy(buf + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	w = vsnprintf(buf + used, size - used, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= size - used)
		memcpy(buf + size - 4, "...", 4);
}

/* One field's change for the history: "field old -> new", "field -> new", "field old -> (none)". */
static void detail_change(char *buf, size_t size, const char *field, const char *old,
			  const char *now)
{
	if (strcmp(old, now) == 0)
		return;
	if (!*old)
		detail_add(buf, size, "%s -> %s", field, now);
	else
		detail_add(buf, size, "%s %s -> %s", field, old, *now ? now : "(none)");
}

/*
 * Issue 16, item 4: whether measure id may be linked to the risk of threat_id
 * at site, committing it there when it is not yet (nor pending in a plan):
 * it must be in the catalogue and reduce that risk; one in place,
 * committed, installed, verified, proposed or approved is linked as it is;
 * one not at the site (or declined) is committed by its owner
 * (pt_app_measure_commit_in) when who may (pt_access_measure_commit), else
 * refused. *committed 1 when it was committed here.
 */
static enum pt_err measure_link(struct pt_db *db, const struct pt_principal *who,
				const struct pt_site *site, const char *threat_id, const char *id,
				const struct pt_measure_catalog *cat, const char *now,
				const char *actor, int *committed, struct pt_diag *d)
{
	struct pt_site_measure_row row;
	struct pt_site s2;
	enum pt_access a;
	enum pt_err err;
	long m = pt_measure_catalog_find(cat, id);
	*committed = 0;
	if (m < 0)
		return pt_diag_set(d, PT_EINVAL, 0, "measures", "no measure %s in the catalogue", id);
	if (!pt_measure_reduces(cat, id, threat_id)) {
		struct pt_catalogs names; /* the threat's name for the message */
		long t = -1;
		memset(&names, 0, sizeof names);
		if (pt_db_catalogs_load(db, &names, NULL) == PT_OK)
			t = pt_catalog_find(&names.threats, threat_id);
		err = pt_diag_set(d, PT_EINVAL, 0, "measures",
				  "measure %s (%s) does not reduce the risk of %s%s%s%s: the catalogue "
				  "gives it no effect on that threat; link a measure that reduces it",
				  id, cat->items[m].name, t >= 0 ? names.threats.items[t].name : "",
				  t >= 0 ? " (" : "", threat_id, t >= 0 ? ")" : "");
		pt_catalog_clear(&names.kinds);
		pt_catalog_clear(&names.sectors);
		pt_catalog_clear(&names.threats);
		return err;
	}
	err = pt_db_site_measure_get(db, site->id, id, &row, d);
	if (err == PT_OK && row.status != PT_SM_DECLINED)
		return PT_OK; /* in place, pending in a plan, or committed: linked as it is */
	if (err != PT_OK && err != PT_ENOTFOUND)
		return err;
	if (d)
		pt_diag_clear(d);
	if ((err = pt_app_site_access(db, who, site->id, pt_access_measure_commit, &s2, NULL, &a,
				      d)) != PT_OK)
		return err;
	if (a != PT_ACCESS_OK)
		return pt_diag_set(d, PT_EFORBIDDEN, 0, "measures",
				   "measure %s is not at %s, and linking it would commit it there: "
				   "only the site's owner commits a measure (or a saved plan "
				   "proposes it)", id, site->id);
	if ((err = pt_app_measure_commit_in(db, site, &cat->items[m],
					    "linked to a register decision", now, actor, NULL,
					    d)) != PT_OK)
		return err;
	*committed = 1;
	return PT_OK;
}

/* Normalise a measures list ("a; b,c") into ';'-joined ids, each reducing the risk of
 * threat_id and at the site (committed there by measure_link if need be); *n_committed
 * how many were committed. */
static enum pt_err measures_parse(struct pt_db *db, const struct pt_principal *who,
				  const struct pt_site *site, const char *threat_id, const char *in,
				  const char *now, const char *actor, char *out, size_t size,
				  size_t *n_committed, struct pt_diag *d)
{
	struct pt_measure_catalog cat;
	size_t used = 0;
	const char *p = in;
	enum pt_err err;
	out[0] = '\0';
	*n_committed = 0;
	memset(&cat, 0, sizeof cat);
	if ((err = pt_db_measures_load(db, &cat, d)) != PT_OK)
		return err;
	while (*p) {
		char id[PT_ID_MAX];
		size_t len;
		int committed;
		while (*p == ' ' || *p == ';' || *p == ',' || *p == '\t')
			p++;
		len = strcspn(p, ";,");
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (!len)
			break;
		if (len >= sizeof id) {
			err = pt_diag_set(d, PT_EINVAL, 0, "measures", "measure id longer than %d bytes",
					  PT_ID_MAX - 1);
			goto out;
		}
		memcpy(id, p, len);
		id[len] = '\0';
		p += len;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!pt_id_valid(id)) {
			err = pt_diag_set(d, PT_EINVAL, 0, "measures", "'%s' is not a measure id", id);
			goto out;
		}
		{ /* skip a repeated id */
			const char *q = out;
			int dup = 0;
			while (*q && !dup) {
				size_t l = strcspn(q, ";");
				dup = l == len && memcmp(q, id, len) == 0;
				q += l + (q[l] == ';');
			}
			if (dup)
				continue;
		}
		if ((err = measure_link(db, who, site, threat_id, id, &cat, now, actor, &committed,
					d)) != PT_OK)
			goto out;
		*n_committed += (size_t)committed;
		if (used + len + 2 > size) {
			err = pt_diag_set(d, PT_EINVAL, 0, "measures",
					  "more measures than fit in %zu bytes", size - 1);
			goto out;
		}
		if (used)
			out[used++] = ';';
		memcpy(out + used, id, len + 1);
		used += len;
	}
out:
	pt_measure_catalog_clear(&cat);
	return err;
}

/*
 * The band and figures of (site_id, threat_id) at the current threat level
 * and the configuration; PT_ENOTFOUND when the pair is not assessed.
 */
static enum pt_err pair_figures(struct pt_db *db, const char *site_id, const char *threat_id,
				struct pt_config *cfg, enum pt_band *band, char *level,
				size_t level_size, struct pt_diag *d)
{
	struct pt_run_filter filter;
	struct pt_ranking *r = NULL;
	struct pt_pair_ref *refs = NULL;
	size_t n = 0, i;
	enum pt_err err;
	memset(&filter, 0, sizeof filter);
	filter.site_id = site_id;
	if ((err = pt_app_quant_ranking(db, NULL, &filter, &r, d)) != PT_OK ||
	    (err = pt_app_ranking_pairs(r, &refs, &n, d)) != PT_OK)
		goto out;
	err = pt_diag_set(d, PT_ENOTFOUND, 0, "threat_id",
			  "site %s has no quantitative assessment of threat %s", site_id, threat_id);
	for (i = 0; i < n; i++)
		if (strcmp(pt_ranking_threat_id(r, (long)refs[i].threat), threat_id) == 0) {
			size_t k;
			*cfg = r->cfg;
			*band = pt_app_pair_band(&r->cfg, refs[i].q);
			pt_strlcpy(level, pt_threat_level_name(r->national), level_size);
			for (k = 0; r->pair_levels && k < r->set.n; k++)
				if (strcmp(r->set.quant[k].site_id, site_id) == 0 &&
				    strcmp(r->set.quant[k].threat_id, threat_id) == 0)
					pt_strlcpy(level, pt_threat_level_name(r->pair_levels[k]),
						   level_size);
			err = PT_OK;
			if (d)
				pt_diag_clear(d);
			break;
		}
out:
	free(refs);
	pt_ranking_free(r);
	return err;
}

/* The audit record id of a pair: "SITE/THREAT". */
static void pair_record(char *buf, size_t size, const char *site_id, const char *threat_id)
{
	size_t a = strlen(site_id), b = strlen(threat_id);
	if (a + b + 2 > size) {
		pt_strlcpy(buf, site_id, size);
		return;
	}
	memcpy(buf, site_id, a);
	buf[a] = '/';
	memcpy(buf + a + 1, threat_id, b + 1);
}

enum pt_err pt_app_register_set(const struct pt_caller *c, struct pt_db *db,
				const char *site_id, const char *threat_id,
				const struct pt_register_change *change,
				struct pt_register_entry *out, int *can_treat, struct pt_diag *d)
{
	const struct pt_principal *who = c ? &c->who : NULL;
	struct pt_register_entry cur, next;
	struct pt_site site;
	struct pt_config cfg;
	struct pt_user user;
	enum pt_band band = PT_BAND_NONE;
	enum pt_access a;
	char now[PT_TIMESTAMP_MAX], detail[PT_NOTE_MAX + 512], record[2 * PT_ID_MAX];
	const char *actor;
	long long responsible_id = 0;
	enum pt_err err;
	long long owner = 0;
	int exists = 0, needs, reopened = 0;
	size_t n_committed = 0; /* issue 16: measures the link committed at the site */
	char level[16], today[PT_DATE_MAX];

	if (can_treat)
		*can_treat = 0;
	if (!c || !db || !change || !site_id || !threat_id || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database, pair, change or result");
	if (!pt_id_valid(site_id))
		return pt_diag_set(d, PT_ENOTFOUND, 0, "site_id", "unknown site %s", site_id);
	if (!pt_id_valid(threat_id))
		return pt_diag_set(d, PT_ENOTFOUND, 0, "threat_id", "unknown threat %s", threat_id);
	memset(&next, 0, sizeof next);
	if (change->treatment && (pt_treatment_parse(change->treatment, &next.treatment) != PT_OK ||
				  next.treatment == PT_TREAT_NONE))
		return pt_diag_set(d, PT_EINVAL, 0, "treatment",
				   "unknown treatment '%s' (accept, reduce, transfer or avoid)",
				   change->treatment);
	if (change->review_date && *change->review_date && !date_valid(change->review_date))
		return pt_diag_set(d, PT_EINVAL, 0, "review_date",
				   "'%s' is not a date (YYYY-MM-DD, a real calendar day)",
				   change->review_date);
	today_text(today);
	if (change->review_date && *change->review_date &&
	    pt_register_overdue(change->review_date, today))
		return pt_diag_set(d, PT_EINVAL, 0, "review_date",
				   "review date %s is before today (%s): give a date from today on",
				   change->review_date, today);
	if (change->review_date && pt_register_review_too_far(change->review_date, today))
		return pt_diag_set(d, PT_EINVAL, 0, "review_date",
				   "review date %s is more than %d years ahead (today is %s): a "
				   "decision is reviewed at least that often",
				   change->review_date, PT_REVIEW_HORIZON_YEARS, today);
	if (change->note && strlen(change->note) >= PT_NOTE_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "note", "note longer than %d bytes",
				   PT_NOTE_MAX - 1);
	if (change->responsible && strlen(change->responsible) >= PT_USER_NAME_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "responsible", "unknown user %.63s...",
				   change->responsible);

	pt_app_act(c, db);
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	pt_app_stamp(db, now, &actor);
	err = pt_app_site_access(db, who, site_id, pt_access_treat, &site, &owner, &a, d);
	if (err == PT_ENOTFOUND || (err == PT_OK && a == PT_ACCESS_NOT_FOUND)) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "site_id", "unknown site %s", site_id);
		goto out;
	}
	if (err != PT_OK)
		goto out;
	if (a != PT_ACCESS_OK) {
		err = pt_diag_set(d, PT_EFORBIDDEN, 0, "",
				  "only the owning organisation or a government coordinator records "
				  "decisions on %s",
				  site_id);
		goto out;
	}
	if ((err = pair_figures(db, site_id, threat_id, &cfg, &band, level, sizeof level, d)) !=
		    PT_OK ||
	    (err = pt_db_register_get(db, site_id, threat_id, &cur, &responsible_id, &exists, d)) != PT_OK)
		goto out;
	reopened = pt_register_reopened(&cfg, cur.treatment, cur.decided_band, band);

	next = cur;
	if (change->treatment)
		pt_treatment_parse(change->treatment, &next.treatment);
	if (change->responsible) {
		if (!*change->responsible) {
			responsible_id = 0;
			next.responsible[0] = '\0';
		} else {
			err = pt_db_user_get(db, change->responsible, &user, d);
			if (err == PT_ENOTFOUND) {
				err = pt_diag_set(d, PT_EINVAL, 0, "responsible", "unknown user %s",
						  change->responsible);
				goto out;
			}
			if (err != PT_OK)
				goto out;
			if (owner <= 0 || user.org_id != owner) {
				err = pt_diag_set(d, PT_EINVAL, 0, "responsible",
						  "%s is not a user of %s, the organisation owning %s",
						  user.name, *site.owner ? site.owner : "(no owner)",
						  site_id);
				goto out;
			}
			responsible_id = user.id;
			pt_strlcpy(next.responsible, user.name, sizeof next.responsible);
		}
	}
	if (change->review_date)
		pt_strlcpy(next.review_date, change->review_date, sizeof next.review_date);
	if (change->measures && /* issue 16: each reduces this risk; one not at the site committed */
	    (err = measures_parse(db, who, &site, threat_id, change->measures, now, actor,
				  next.measures, sizeof next.measures, &n_committed, d)) != PT_OK)
		goto out;
	if (change->note)
		pt_strlcpy(next.note, change->note, sizeof next.note);
	if (next.treatment == PT_TREAT_ACCEPT && !next.review_date[0]) {
		err = pt_diag_set(d, PT_EINVAL, 0, "review_date",
				  "accepting a risk needs a review date (YYYY-MM-DD, from today on)");
		goto out;
	}

	/* Approval: accepting above the band needs a government coordinator; so does an
	 * acceptance re-opened by a risen band (issue 11). A new decision keeps today's band. */
	needs = pt_register_needs_approval(&cfg, next.treatment, band);
	if (next.decided_band == PT_BAND_NONE) { /* first decision, or one from before issue 11 */
		next.decided_band = band;
		pt_strlcpy(next.decided_level, level, sizeof next.decided_level);
	}
	if (!needs || next.treatment != cur.treatment || !cur.needs_approval || reopened) {
		next.decided_band = band;
		pt_strlcpy(next.decided_level, level, sizeof next.decided_level);
		next.approved = 0;
		next.approved_by[0] = next.approved_at[0] = '\0';
		if (needs && pt_access_register_approve(who) == PT_ACCESS_OK) {
			next.approved = 1;
			pt_strlcpy(next.approved_by, actor, sizeof next.approved_by);
			pt_strlcpy(next.approved_at, now, sizeof next.approved_at);
		}
	}
	next.needs_approval = needs;

	detail[0] = '\0';
	detail_change(detail, sizeof detail, "treatment", pt_treatment_name(cur.treatment),
		      pt_treatment_name(next.treatment));
	detail_change(detail, sizeof detail, "responsible", cur.responsible, next.responsible);
	detail_change(detail, sizeof detail, "review_date", cur.review_date, next.review_date);
	detail_change(detail, sizeof detail, "measures", cur.measures, next.measures);
	if (strcmp(cur.note, next.note) != 0)
		detail_add(detail, sizeof detail, *next.note ? "note \"%s\"" : "note cleared%s",
			   next.note);
	if (needs && next.approved && !(cur.approved && cur.needs_approval))
		detail_add(detail, sizeof detail,
			   "accepting a %s risk (above %s) approved at once by %s",
			   pt_band_name(band), pt_band_name((enum pt_band)cfg.register_accept_max_band),
			   actor);
	else if (needs && !next.approved)
		detail_add(detail, sizeof detail,
			   "accepting a %s risk (above %s) awaits a government coordinator's approval",
			   pt_band_name(band), pt_band_name((enum pt_band)cfg.register_accept_max_band));
	if (n_committed)
		detail_add(detail, sizeof detail, "%zu measure%s committed at the site by linking",
			   n_committed, n_committed == 1 ? "" : "s");
	if (reopened)
		detail_add(detail, sizeof detail, "re-opened: decided at %s, %s now",
			   pt_band_name(cur.decided_band), pt_band_name(band));
	if (!*detail)
		detail_add(detail, sizeof detail, "no change");

	pt_strlcpy(next.site_id, site_id, sizeof next.site_id);
	pt_strlcpy(next.threat_id, threat_id, sizeof next.threat_id);
	if ((err = pt_db_register_put(db, &next, responsible_id, now, actor, d)) != PT_OK ||
	    (err = pt_db_register_history_add(db, site_id, threat_id, now, actor, "set", detail,
					      d)) != PT_OK)
		goto out;
	pair_record(record, sizeof record, site_id, threat_id);
	if ((err = pt_audit_append(db, "register.set", "risk_register", record, detail, d)) != PT_OK)
		goto out;
	err = entry_find(db, who, site_id, threat_id, out, d); /* as written, in this transaction */
out:
	if ((err = pt_db_end(db, err, d)) == PT_OK && can_treat)
		*can_treat = 1; /* it passed pt_access_treat */
	pair_record(record, sizeof record, site_id, threat_id);
	return pt_app_refused(c, db, "register.set", "risk_register", record, err, d);
}

enum pt_err pt_app_register_approve(const struct pt_caller *c, struct pt_db *db,
				    const char *site_id, const char *threat_id,
				    struct pt_register_entry *out, int *can_treat,
				    struct pt_diag *d)
{
	struct pt_register_entry cur;
	struct pt_site site;
	struct pt_config cfg;
	enum pt_band band = PT_BAND_NONE;
	enum pt_access a, treat = PT_ACCESS_NOT_FOUND;
	char now[PT_TIMESTAMP_MAX], detail[256], record[2 * PT_ID_MAX], level[16];
	int reopened = 0;
	const char *actor;
	long long responsible_id;
	enum pt_err err;
	int exists;

	if (can_treat)
		*can_treat = 0;
	if (!c || !db || !site_id || !threat_id || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database, pair or result");
	if (pt_access_register_approve(&c->who) != PT_ACCESS_OK) {
		record[0] = '\0';
		if (pt_id_valid(site_id) && pt_id_valid(threat_id))
			pair_record(record, sizeof record, site_id, threat_id);
		return pt_app_refused(c, db, "register.approve", "risk_register", record,
				      pt_diag_set(d, PT_EFORBIDDEN, 0, "",
						  "only a government coordinator approves accepting "
						  "a risk"),
				      d);
	}
	if (!pt_id_valid(site_id) || !pt_id_valid(threat_id))
		return pt_diag_set(d, PT_ENOTFOUND, 0, "site_id", "unknown site or threat");
	pt_app_act(c, db);
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	pt_app_stamp(db, now, &actor);
	err = pt_app_site_access(db, &c->who, site_id, pt_access_read, &site, NULL, &a, d);
	if (err == PT_ENOTFOUND || (err == PT_OK && a != PT_ACCESS_OK)) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "site_id", "unknown site %s", site_id);
		goto out;
	}
	if (err != PT_OK ||
	    (err = pt_db_register_get(db, site_id, threat_id, &cur, &responsible_id, &exists, d)) != PT_OK)
		goto out;
	if (exists && cur.treatment == PT_TREAT_ACCEPT) {
		if ((err = pair_figures(db, site_id, threat_id, &cfg, &band, level, sizeof level,
					d)) != PT_OK)
			goto out;
		reopened = pt_register_reopened(&cfg, cur.treatment, cur.decided_band, band);
	}
	if (!exists || cur.treatment != PT_TREAT_ACCEPT ||
	    ((!cur.needs_approval || cur.approved) && !reopened)) {
		err = pt_diag_set(d, PT_EINVAL, 0, "", "nothing awaits approval for %s/%s", site_id,
				  threat_id);
		goto out;
	}
	if ((err = pt_db_register_approved(db, site_id, threat_id, actor, now, band, level, d)) !=
	    PT_OK)
		goto out;
	if (reopened)
		snprintf(detail, sizeof detail, "re-opened acceptance approved by %s at %s (was %s)",
			 actor, pt_band_name(band), pt_band_name(cur.decided_band));
	else
		snprintf(detail, sizeof detail, "acceptance approved by %s", actor);
	if ((err = pt_db_register_history_add(db, site_id, threat_id, now, actor, "approve", detail, d)) != PT_OK)
		goto out;
	pair_record(record, sizeof record, site_id, threat_id);
	if ((err = pt_audit_append(db, "register.approve", "risk_register", record, detail, d)) ==
		    PT_OK &&
	    (err = entry_find(db, &c->who, site_id, threat_id, out, d)) == PT_OK)
		err = pt_app_site_access(db, &c->who, site_id, pt_access_treat, &site, NULL, &treat, d);
out:
	if ((err = pt_db_end(db, err, d)) == PT_OK && can_treat)
		*can_treat = treat == PT_ACCESS_OK;
	return err;
}


void pt_register_list_clear(struct pt_register_list *l)
{
	free(l->items);
	free(l->can_treat);
	memset(l, 0, sizeof *l);
}

/* Whether who may record decisions on each of e[0..n), from snap; the sites noted in log. */
static void treat_and_note(const struct pt_caller *c, struct pt_snapshot *snap,
			   const struct pt_register_entry *e, size_t n, unsigned char *can_treat,
			   struct pt_read_log *log)
{
	size_t i;
	for (i = 0; i < n; i++) {
		long s = snap ? pt_snapshot_find(snap, e[i].site_id) : -1;
		struct pt_access_record rec;
		can_treat[i] = 0;
		if (s < 0)
			continue;
		pt_snapshot_record(snap, (size_t)s, &rec);
		can_treat[i] = pt_access_treat(&c->who, &rec) == PT_ACCESS_OK;
		if (log)
			pt_read_log_note(log, &snap->sites.items[s]);
	}
}

/* issue 16 item 5: keep of all[0, *n) the entries whose site f keeps among those c may read
 * in snap (and whose band f keeps), compacted in order. */
static enum pt_err register_filter(const struct pt_caller *c, struct pt_db *db,
				   const struct pt_snapshot *snap, struct pt_site_filter *f,
				   struct pt_register_entry *all, size_t *n, struct pt_diag *d)
{
	unsigned char *visible, *keep;
	size_t i, k = 0;
	enum pt_err err;
	visible = malloc(snap->sites.n ? snap->sites.n : 1);
	keep = malloc(snap->sites.n ? snap->sites.n : 1);
	if (!visible || !keep) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	pt_snapshot_visible(snap, &c->who, visible);
	if ((err = pt_app_filter_check(c, db, snap, visible, f, d)) != PT_OK)
		goto out;
	pt_app_filter_keep(snap, visible, f, keep);
	for (i = 0; i < *n; i++) {
		long s = pt_snapshot_find(snap, all[i].site_id);
		if (s < 0 || !keep[s] || !pt_site_filter_band(f, all[i].band))
			continue;
		if (k != i)
			all[k] = all[i];
		k++;
	}
	*n = k;
out:
	free(visible);
	free(keep);
	return err;
}

enum pt_err pt_app_register_list(const struct pt_caller *c, struct pt_db *db,
				 const char *site_id, size_t offset, size_t limit,
				 const char *read_action, struct pt_register_list *out,
				 struct pt_diag *d)
{
	return pt_app_register_list_filtered(c, db, site_id, NULL, offset, limit, read_action, out,
					     d);
}

enum pt_err pt_app_register_list_filtered(const struct pt_caller *c, struct pt_db *db,
					  const char *site_id, struct pt_site_filter *f,
					  size_t offset, size_t limit, const char *read_action,
					  struct pt_register_list *out, struct pt_diag *d)
{
	struct pt_register_entry *all = NULL;
	struct pt_snapshot *snap = NULL;
	struct pt_read_log log;
	size_t n = 0, k;
	enum pt_err err;
	memset(out, 0, sizeof *out);
	memset(&log, 0, sizeof log);
	if (!c || !db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database");
	if ((c->snapshots || pt_site_filter_active(f)) && !(snap = pt_app_snapshot(c, db, d)))
		return d && d->msg[0] ? PT_EDB : PT_ENOMEM;
	if ((err = register_all(db, &c->who, site_id, &all, &n, d)) != PT_OK)
		goto out;
	if (pt_site_filter_active(f) && (err = register_filter(c, db, snap, f, all, &n, d)) != PT_OK)
		goto out;
	out->total = n;
	for (k = 0; k < n; k++) /* a page's total counts every entry: its marking covers them */
		out->tlp = pt_marking_max(out->tlp, all[k].site_tlp);
	k = offset < n ? (n - offset < limit ? n - offset : limit) : 0;
	out->items = calloc(k ? k : 1, sizeof *out->items);
	out->can_treat = calloc(k ? k : 1, 1);
	if (!out->items || !out->can_treat) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	if (k)
		memcpy(out->items, all + offset, k * sizeof *all);
	out->n = k;
	treat_and_note(c, snap, out->items, k, out->can_treat, &log);
	if (read_action)
		err = pt_read_log_commit(c, db, read_action, &log, d);
out:
	pt_read_log_clear(&log);
	free(all);
	pt_snapshot_release(snap);
	if (err != PT_OK)
		pt_register_list_clear(out);
	return err;
}

enum pt_err pt_app_register_entry(const struct pt_caller *c, struct pt_db *db,
				  const char *site_id, const char *threat_id,
				  const char *read_action, struct pt_register_entry *out,
				  int *can_treat, struct pt_diag *d)
{
	struct pt_snapshot *snap = NULL;
	struct pt_read_log log;
	unsigned char treat = 0;
	enum pt_err err;
	*can_treat = 0;
	memset(&log, 0, sizeof log);
	if (!c || !db || !site_id || !threat_id)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or pair");
	/* the snapshot answers can_treat and the site's label for the audit */
	if ((c->snapshots || (read_action && c->audit_reads)) && !(snap = pt_app_snapshot(c, db, d)))
		return d && d->msg[0] ? PT_EDB : PT_ENOMEM;
	if ((err = entry_find(db, &c->who, site_id, threat_id, out, d)) != PT_OK)
		goto out;
	treat_and_note(c, snap, out, 1, &treat, &log);
	*can_treat = treat;
	if (read_action)
		err = pt_read_log_commit(c, db, read_action, &log, d);
out:
	pt_read_log_clear(&log);
	pt_snapshot_release(snap);
	return err;
}

enum pt_err pt_app_register_history(const struct pt_caller *c, struct pt_db *db,
				    const char *site_id, const char *threat_id,
				    struct pt_register_history_row **rows, size_t *n,
				    struct pt_diag *d)
{
	return pt_app_register_history_marked(c, db, site_id, threat_id, rows, n, NULL, d);
}

/* issue 11 (m4): the history with the site's own label, its marking */
enum pt_err pt_app_register_history_marked(const struct pt_caller *c, struct pt_db *db,
					   const char *site_id, const char *threat_id,
					   struct pt_register_history_row **rows, size_t *n,
					   enum pt_tlp *tlp, struct pt_diag *d)
{
	struct pt_site site;
	struct pt_read_log log;
	enum pt_access a;
	enum pt_err err;
	*rows = NULL;
	*n = 0;
	memset(&log, 0, sizeof log);
	if (!c || !db || !site_id || !threat_id)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or pair");
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	err = pt_app_site_access(db, &c->who, site_id, pt_access_read, &site, NULL, &a, d);
	if (err == PT_ENOTFOUND || (err == PT_OK && a != PT_ACCESS_OK))
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "site_id", "unknown site %s", site_id);
	else if (err == PT_OK)
		err = pt_db_register_history(db, site_id, threat_id, rows, n, d);
	if ((err = pt_db_end(db, err, d)) == PT_OK) {
		pt_read_log_note(&log, &site);
		err = pt_read_log_commit(c, db, "register.history.read", &log, d);
	}
	if (err != PT_OK) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	} else if (tlp) {
		*tlp = site.tlp;
	}
	return err;
}

enum pt_err pt_app_register_reopened_list(struct pt_db *db, const struct pt_principal *who,
					  struct pt_app_reopened **out, size_t *n,
					  struct pt_diag *d)
{
	struct pt_register_entry *all = NULL;
	struct pt_app_reopened *list = NULL;
	size_t n_all = 0, i, k = 0;
	enum pt_err err;
	*out = NULL;
	*n = 0;
	{ /* only acceptances re-open: none recorded, nothing to compute (a national registry's
	   * register is a full quantitative run) */
		struct pt_register_entry *rows = NULL;
		size_t n_rows = 0, r;
		int any = 0;
		if ((err = pt_db_register_rows(db, NULL, &rows, &n_rows, d)) != PT_OK)
			return err;
		for (r = 0; r < n_rows && !any; r++)
			any = rows[r].treatment == PT_TREAT_ACCEPT;
		free(rows);
		if (!any)
			return PT_OK;
	}
	if ((err = register_all(db, who, NULL, &all, &n_all, d)) != PT_OK)
		return err;
	if (n_all && !(list = calloc(n_all, sizeof *list))) {
		free(all);
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	}
	if (n_all)
		qsort(all, n_all, sizeof *all, entry_key_cmp);
	for (i = 0; i < n_all; i++) {
		if (!all[i].reopened)
			continue;
		pt_strlcpy(list[k].site_id, all[i].site_id, sizeof list[k].site_id);
		pt_strlcpy(list[k].site_name, all[i].site_name, sizeof list[k].site_name);
		pt_strlcpy(list[k].threat_id, all[i].threat_id, sizeof list[k].threat_id);
		list[k].decided_band = all[i].decided_band;
		list[k].band = all[i].band;
		list[k].site_tlp = all[i].site_tlp;
		k++;
	}
	free(all);
	if (!k) {
		free(list);
		list = NULL;
	}
	*out = list;
	*n = k;
	return PT_OK;
}

/* pt_assess_io.c - the assessment CSVs of FEMA 426/452, CARVER + Shock and the quantitative
 * method (recognised by header, read and written), and the catalogue and settings CSVs. */
#include "pt_assess_io.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pt_csv.h"
#include "pt_diag.h"

static const char *const fema_cols[] = {"site_id", "threat_id", "asset_value", "threat_rating",
					"vulnerability_rating"};
#define FEMA_COLS 5

static const char *const carver_cols[] = {"site_id",     "criticality",  "accessibility",
					  "recuperability", "vulnerability", "effect",
					  "recognizability", "shock"};
#define CARVER_COLS 8

static const char *const quant_cols[] = {
	"site_id",        "threat_id",       "p_attempt_min",  "p_attempt_mode", "p_attempt_max",
	"p_success_min",  "p_success_mode",  "p_success_max",  "fatalities_min", "fatalities_mode",
	"fatalities_max", "injuries_min",    "injuries_mode",  "injuries_max",   "loss_eur_min",
	"loss_eur_mode",  "loss_eur_max"};
#define QUANT_COLS 17

/* The stems of the five ranged inputs, in enum pt_quant_var order. */
static const char *const quant_stems[PT_QV_COUNT] = {"p_attempt", "p_success", "fatalities",
						     "injuries", "loss_eur"};

/* ---- the set ---- */

static enum pt_err set_grow(struct pt_assessment_set *s, enum pt_method m)
{
	size_t cap, row_size;
	void **rows, *grown;
	long *lines;
	if (!s->n && !s->fema && !s->carver && !s->quant)
		s->method = m;
	else if (s->method != m)
		return PT_EINVAL;
	if (s->n < s->cap)
		return PT_OK;
	if (s->n >= (size_t)PT_ASSESS_ROWS_MAX)
		return PT_ELIMIT;
	cap = s->cap ? s->cap * 2 : 64;
	if (cap > (size_t)PT_ASSESS_ROWS_MAX)
		cap = (size_t)PT_ASSESS_ROWS_MAX;
	switch (m) {
	case PT_METHOD_FEMA:
		rows = (void **)&s->fema;
		row_size = sizeof *s->fema;
		break;
	case PT_METHOD_CARVER:
		rows = (void **)&s->carver;
		row_size = sizeof *s->carver;
		break;
	case PT_METHOD_QUANT:
		rows = (void **)&s->quant;
		row_size = sizeof *s->quant;
		break;
	default:
		return PT_EINVAL;
	}
	grown = realloc(*rows, cap * row_size);
	if (!grown)
		return PT_ENOMEM;
	*rows = grown;
	lines = realloc(s->lines, cap * sizeof *lines);
	if (!lines)
		return PT_ENOMEM;
	s->lines = lines;
	s->cap = cap;
	return PT_OK;
}

enum pt_err pt_assessment_set_add_fema(struct pt_assessment_set *s, const struct pt_fema_row *r,
				       long line)
{
	enum pt_err err = set_grow(s, PT_METHOD_FEMA);
	if (err != PT_OK)
		return err;
	s->fema[s->n] = *r;
	s->lines[s->n++] = line;
	return PT_OK;
}

enum pt_err pt_assessment_set_add_carver(struct pt_assessment_set *s,
					 const struct pt_carver_row *r, long line)
{
	enum pt_err err = set_grow(s, PT_METHOD_CARVER);
	if (err != PT_OK)
		return err;
	s->carver[s->n] = *r;
	s->lines[s->n++] = line;
	return PT_OK;
}

enum pt_err pt_assessment_set_add_quant(struct pt_assessment_set *s, const struct pt_quant_row *r,
					long line)
{
	enum pt_err err = set_grow(s, PT_METHOD_QUANT);
	if (err != PT_OK)
		return err;
	s->quant[s->n] = *r;
	s->lines[s->n++] = line;
	return PT_OK;
}

void pt_assessment_set_clear(struct pt_assessment_set *s)
{
	if (!s)
		return;
	free(s->fema);
	free(s->carver);
	free(s->quant);
	free(s->lines);
	s->fema = NULL;
	s->carver = NULL;
	s->quant = NULL;
	s->lines = NULL;
	s->n = s->cap = 0;
}

/* ---- field checks ---- */

static const char *catalog_id_at(const void *ctx, size_t i)
{
	return ((const struct pt_catalog *)ctx)->items[i].id;
}

static enum pt_err read_threat(const char *text, const struct pt_catalog *threats, long line,
			       char *dst, size_t size, struct pt_diag *d)
{
	char list[800], q[80];
	enum pt_err err = pt_field_id(text, dst, size, line, "threat_id", d);
	if (err != PT_OK)
		return err;
	if (pt_catalog_find(threats, dst) >= 0)
		return PT_OK;
	pt_join_ids(list, sizeof list, threats->n, catalog_id_at, threats);
	pt_quote_for_msg(q, sizeof q, text);
	return pt_diag_set(d, PT_EINVAL, line, "threat_id", "unknown threat %s; valid: %s", q,
			   threats->n ? list : "(the threats catalogue is empty)");
}

/* A score of 1-10. */
static enum pt_err read_score(const char *text, long line, const char *field, int *out,
			      struct pt_diag *d)
{
	long long v;
	enum pt_err err = pt_field_llong(text, line, field, &v, d);
	if (err != PT_OK)
		return err;
	if (v < 1 || v > 10)
		return pt_diag_set(d, PT_EINVAL, line, field, "%lld is out of range 1 to 10", v);
	*out = (int)v;
	return PT_OK;
}

/* One bound of a range: a probability (0-1) or an amount >= 0. */
static enum pt_err read_bound(const char *text, long line, const char *field, int probability,
			      double *out, struct pt_diag *d)
{
	char num[40];
	enum pt_err err = pt_field_double(text, line, field, out, d);
	if (err != PT_OK)
		return err;
	pt_format_double(num, sizeof num, *out);
	if (probability && (*out < 0 || *out > 1))
		return pt_diag_set(d, PT_EINVAL, line, field, "%s is out of range 0 to 1", num);
	if (*out < 0)
		return pt_diag_set(d, PT_EINVAL, line, field, "%s is negative; it must be 0 or more",
				   num);
	return PT_OK;
}

/* Remember the row's key; a second row of the same key names the first. */
static enum pt_err check_key(struct pt_keyset *keys, const char *site, const char *threat,
			     long line, struct pt_diag *d)
{
	char key[2 * PT_ID_MAX + 1], qs[80], qt[80];
	size_t ls = strlen(site), lt = threat ? strlen(threat) : 0;
	long first = 0;
	enum pt_err err;
	memcpy(key, site, ls);
	key[ls] = '\0';
	if (threat)
		memcpy(key + ls + 1, threat, lt);
	err = pt_keyset_add(keys, key, ls + 1 + lt, line, &first);
	if (err == PT_OK)
		return PT_OK;
	if (err != PT_ECONFLICT)
		return pt_diag_set(d, err, line, "", "%s", pt_strerror(err));
	pt_quote_for_msg(qs, sizeof qs, site);
	if (!threat)
		return pt_diag_set(d, PT_EINVAL, line, "site_id",
				   "duplicate row for site %s (first on line %ld)", qs, first);
	pt_quote_for_msg(qt, sizeof qt, threat);
	return pt_diag_set(d, PT_EINVAL, line, "site_id",
			   "duplicate row for site %s and threat %s (first on line %ld)", qs, qt,
			   first);
}

/* ---- rows of each method (f indexed by the method's column order) ---- */

static enum pt_err fema_row(char **f, long line, const struct pt_catalog *threats,
			    struct pt_fema_row *r, struct pt_diag *d)
{
	enum pt_err err;
	memset(r, 0, sizeof *r);
	if ((err = pt_field_id(f[0], r->site_id, sizeof r->site_id, line, "site_id", d)) != PT_OK ||
	    (err = read_threat(f[1], threats, line, r->threat_id, sizeof r->threat_id, d)) !=
		    PT_OK ||
	    (err = read_score(f[2], line, "asset_value", &r->asset_value, d)) != PT_OK ||
	    (err = read_score(f[3], line, "threat_rating", &r->threat_rating, d)) != PT_OK ||
	    (err = read_score(f[4], line, "vulnerability_rating", &r->vulnerability_rating, d)) !=
		    PT_OK)
		return err;
	return PT_OK;
}

static enum pt_err carver_row(char **f, long line, struct pt_carver_row *r, struct pt_diag *d)
{
	int *scores[7];
	enum pt_err err;
	size_t i;
	memset(r, 0, sizeof *r);
	scores[0] = &r->criticality;
	scores[1] = &r->accessibility;
	scores[2] = &r->recuperability;
	scores[3] = &r->vulnerability;
	scores[4] = &r->effect;
	scores[5] = &r->recognizability;
	scores[6] = &r->shock;
	if ((err = pt_field_id(f[0], r->site_id, sizeof r->site_id, line, "site_id", d)) != PT_OK)
		return err;
	for (i = 0; i < 7; i++)
		if ((err = read_score(f[i + 1], line, carver_cols[i + 1], scores[i], d)) != PT_OK)
			return err;
	return PT_OK;
}

static enum pt_err quant_row(char **f, long line, const struct pt_catalog *threats,
			     struct pt_quant_row *r, struct pt_diag *d)
{
	enum pt_err err;
	size_t v;
	memset(r, 0, sizeof *r);
	if ((err = pt_field_id(f[0], r->site_id, sizeof r->site_id, line, "site_id", d)) != PT_OK ||
	    (err = read_threat(f[1], threats, line, r->threat_id, sizeof r->threat_id, d)) != PT_OK)
		return err;
	for (v = 0; v < PT_QV_COUNT; v++) {
		int prob = v == PT_QV_P_ATTEMPT || v == PT_QV_P_SUCCESS;
		struct pt_range *g = &r->var[v];
		if ((err = read_bound(f[2 + 3 * v], line, quant_cols[2 + 3 * v], prob, &g->min, d)) !=
			    PT_OK ||
		    (err = read_bound(f[3 + 3 * v], line, quant_cols[3 + 3 * v], prob, &g->mode, d)) !=
			    PT_OK ||
		    (err = read_bound(f[4 + 3 * v], line, quant_cols[4 + 3 * v], prob, &g->max, d)) !=
			    PT_OK)
			return err;
		if ((err = pt_range_check(g, 0, prob ? 1 : HUGE_VAL, d, line, quant_stems[v])) != PT_OK)
			return err;
	}
	return PT_OK;
}

/* ---- the reader ---- */

/* How many of the header's columns belong to method m alone (not site_id, threat_id). */
static size_t method_score(char **f, size_t n, const char *const *cols, size_t n_cols)
{
	size_t i, j, score = 0;
	for (i = 0; i < n; i++) {
		if (strcmp(f[i], "site_id") == 0 || strcmp(f[i], "threat_id") == 0)
			continue;
		for (j = 0; j < n_cols; j++)
			if (strcmp(f[i], cols[j]) == 0)
				score++;
	}
	return score;
}

static enum pt_err recognise(char **f, size_t n, long line, enum pt_method *m,
			     struct pt_diag *d)
{
	size_t sf = method_score(f, n, fema_cols, FEMA_COLS);
	size_t sc = method_score(f, n, carver_cols, CARVER_COLS);
	size_t sq = method_score(f, n, quant_cols, QUANT_COLS);
	if (sf > sc && sf > sq) {
		*m = PT_METHOD_FEMA;
		return PT_OK;
	}
	if (sc > sf && sc > sq) {
		*m = PT_METHOD_CARVER;
		return PT_OK;
	}
	if (sq > sf && sq > sc) {
		*m = PT_METHOD_QUANT;
		return PT_OK;
	}
	return pt_diag_set(
		d, PT_EINVAL, line, "",
		"the header fits none of the assessment formats; FEMA 426/452: "
		"site_id,threat_id,asset_value,threat_rating,vulnerability_rating; CARVER + Shock: "
		"site_id,criticality,accessibility,recuperability,vulnerability,effect,"
		"recognizability,shock; quantitative: site_id,threat_id,p_attempt_min,p_attempt_mode,"
		"p_attempt_max,p_success_min,p_success_mode,p_success_max,fatalities_min,"
		"fatalities_mode,fatalities_max,injuries_min,injuries_mode,injuries_max,loss_eur_min,"
		"loss_eur_mode,loss_eur_max");
}

enum pt_err pt_assessments_read_csv(const char *buf, size_t len, const struct pt_catalog *threats,
				    struct pt_assessment_set *out, struct pt_diag *d)
{
	struct pt_assessment_set set;
	struct pt_csv *csv = NULL;
	struct pt_keyset *keys = NULL;
	const char *const *cols = NULL;
	const char *names[QUANT_COLS];
	char *row[QUANT_COLS];
	int map[PT_CSV_FIELDS_MAX];
	size_t n_cols = 0, n, i;
	char **f;
	long line = 0;
	int eof;
	enum pt_method method;
	enum pt_err err;

	memset(&set, 0, sizeof set);
	pt_assessment_set_clear(out);
	if ((err = pt_csv_open(buf, len, &csv)) != PT_OK || (err = pt_keyset_new(&keys)) != PT_OK)
		goto out;
	if ((err = pt_csv_next(csv, &f, &n, &line, &eof, d)) != PT_OK)
		goto out;
	if (eof) {
		err = pt_diag_set(d, PT_EINVAL, 1, "", "empty file: the header row is missing");
		goto out;
	}
	if ((err = recognise(f, n, line, &method, d)) != PT_OK)
		goto out;
	switch (method) {
	case PT_METHOD_FEMA:
		cols = fema_cols;
		n_cols = FEMA_COLS;
		break;
	case PT_METHOD_CARVER:
		cols = carver_cols;
		n_cols = CARVER_COLS;
		break;
	default:
		cols = quant_cols;
		n_cols = QUANT_COLS;
		break;
	}
	set.method = method;
	if ((err = pt_csv_match_header(f, n, cols, n_cols, NULL, map, line, d)) != PT_OK)
		goto out;
	/* every column is required and none may repeat, so n == n_cols */
	for (i = 0; i < n; i++)
		names[i] = cols[map[i]];
	pt_csv_set_names(csv, names, n);
	for (;;) {
		if ((err = pt_csv_next(csv, &f, &n, &line, &eof, d)) != PT_OK)
			goto out;
		if (eof)
			break;
		if (n != n_cols) {
			err = pt_diag_set(d, PT_EINVAL, line, "",
					  "the row has %zu fields; the header has %zu", n, n_cols);
			goto out;
		}
		for (i = 0; i < n; i++)
			row[map[i]] = f[i];
		if (method == PT_METHOD_FEMA) {
			struct pt_fema_row r;
			if ((err = fema_row(row, line, threats, &r, d)) != PT_OK ||
			    (err = check_key(keys, r.site_id, r.threat_id, line, d)) != PT_OK ||
			    (err = pt_assessment_set_add_fema(&set, &r, line)) != PT_OK)
				goto out;
		} else if (method == PT_METHOD_CARVER) {
			struct pt_carver_row r;
			if ((err = carver_row(row, line, &r, d)) != PT_OK ||
			    (err = check_key(keys, r.site_id, NULL, line, d)) != PT_OK ||
			    (err = pt_assessment_set_add_carver(&set, &r, line)) != PT_OK)
				goto out;
		} else {
			struct pt_quant_row r;
			if ((err = quant_row(row, line, threats, &r, d)) != PT_OK ||
			    (err = check_key(keys, r.site_id, r.threat_id, line, d)) != PT_OK ||
			    (err = pt_assessment_set_add_quant(&set, &r, line)) != PT_OK)
				goto out;
		}
	}
	*out = set;
	memset(&set, 0, sizeof set);
out:
	if (err == PT_ELIMIT && d && !d->msg[0])
		pt_diag_set(d, err, line, "", "more than %ld rows in one file", PT_ASSESS_ROWS_MAX);
	if (err == PT_ENOMEM && d && !d->msg[0])
		pt_diag_set(d, err, 0, "", "out of memory");
	pt_assessment_set_clear(&set);
	pt_keyset_free(keys);
	pt_csv_free(csv);
	return err;
}

/* ---- the writer ---- */

static void write_header(FILE *f, const char *const *cols, size_t n, int with_header)
{
	size_t i;
	if (!with_header)
		return;
	for (i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		fputs(cols[i], f);
	}
	fputc('\n', f);
}

enum pt_err pt_assessments_write_csv(FILE *f, const struct pt_assessment_set *s)
{
	return pt_assessments_write_csv_rows(f, s, 1);
}

enum pt_err pt_assessments_write_csv_rows(FILE *f, const struct pt_assessment_set *s,
					  int with_header)
{
	size_t i, v;
	char num[48];
	switch (s->method) {
	case PT_METHOD_FEMA:
		write_header(f, fema_cols, FEMA_COLS, with_header);
		for (i = 0; i < s->n && !ferror(f); i++) {
			const struct pt_fema_row *r = &s->fema[i];
			pt_csv_write_field(f, r->site_id);
			fputc(',', f);
			pt_csv_write_field(f, r->threat_id);
			fprintf(f, ",%d,%d,%d\n", r->asset_value, r->threat_rating,
				r->vulnerability_rating);
		}
		break;
	case PT_METHOD_CARVER:
		write_header(f, carver_cols, CARVER_COLS, with_header);
		for (i = 0; i < s->n && !ferror(f); i++) {
			const struct pt_carver_row *r = &s->carver[i];
			pt_csv_write_field(f, r->site_id);
			fprintf(f, ",%d,%d,%d,%d,%d,%d,%d\n", r->criticality, r->accessibility,
				r->recuperability, r->vulnerability, r->effect, r->recognizability,
				r->shock);
		}
		break;
	case PT_METHOD_QUANT:
		write_header(f, quant_cols, QUANT_COLS, with_header);
		for (i = 0; i < s->n && !ferror(f); i++) {
			const struct pt_quant_row *r = &s->quant[i];
			pt_csv_write_field(f, r->site_id);
			fputc(',', f);
			pt_csv_write_field(f, r->threat_id);
			for (v = 0; v < PT_QV_COUNT; v++) {
				pt_format_double(num, sizeof num, r->var[v].min);
				fprintf(f, ",%s", num);
				pt_format_double(num, sizeof num, r->var[v].mode);
				fprintf(f, ",%s", num);
				pt_format_double(num, sizeof num, r->var[v].max);
				fprintf(f, ",%s", num);
			}
			fputc('\n', f);
		}
		break;
	default:
		return PT_EINVAL;
	}
	return ferror(f) ? PT_EIO : PT_OK;
}

/* ---- catalogues ---- */

enum pt_err pt_catalog_read_csv(const char *buf, size_t len, struct pt_catalog *c,
				struct pt_diag *d)
{
	static const char *const cols[] = {"id", "name", "kind", "description"};
	static const unsigned char required[] = {1, 1, 0, 0};
	struct pt_catalog tmp;
	struct pt_csv *csv = NULL;
	struct pt_keyset *ids = NULL;
	int col_of[4] = {-1, -1, -1, -1};
	size_t n, n_cols, i;
	char **f;
	long line = 0;
	int eof;
	enum pt_err err;

	memset(&tmp, 0, sizeof tmp);
	if ((err = pt_csv_open(buf, len, &csv)) != PT_OK || (err = pt_keyset_new(&ids)) != PT_OK)
		goto out;
	if ((err = pt_csv_read_header(csv, cols, 4, required, col_of, &n_cols, d)) != PT_OK)
		goto out;
	for (;;) {
		struct pt_catalog_entry e;
		long first = 0;
		if ((err = pt_csv_next(csv, &f, &n, &line, &eof, d)) != PT_OK)
			goto out;
		if (eof)
			break;
		if (n != n_cols) {
			err = pt_diag_set(d, PT_EINVAL, line, "",
					  "the row has %zu fields; the header has %zu", n, n_cols);
			goto out;
		}
		memset(&e, 0, sizeof e);
		e.position = (long long)tmp.n + 1; /* the file's row order */
		if ((err = pt_field_id(f[col_of[0]], e.id, sizeof e.id, line, "id", d)) != PT_OK ||
		    (err = pt_field_text(f[col_of[1]], e.name, sizeof e.name, 1, PT_TEXT_ONE_LINE,
					 line, "name", d)) != PT_OK)
			goto out;
		if (col_of[2] >= 0 && f[col_of[2]][0] &&
		    (err = pt_field_id(f[col_of[2]], e.parent, sizeof e.parent, line, "kind", d)) !=
			    PT_OK)
			goto out;
		if (col_of[3] >= 0 &&
		    (err = pt_field_text(f[col_of[3]], e.description, sizeof e.description, 0, PT_TEXT_ANY, line,
					 "description", d)) != PT_OK)
			goto out;
		err = pt_keyset_add(ids, e.id, strlen(e.id), line, &first);
		if (err == PT_ECONFLICT) {
			char q[80];
			pt_quote_for_msg(q, sizeof q, e.id);
			err = pt_diag_set(d, PT_EINVAL, line, "id", "duplicate id %s (first on line %ld)",
					  q, first);
			goto out;
		}
		if (err != PT_OK || (err = pt_catalog_append(&tmp, &e)) != PT_OK) {
			if (err == PT_ELIMIT)
				pt_diag_set(d, err, line, "", "too many entries");
			goto out;
		}
	}
	for (i = 0; i < tmp.n; i++) {
		if ((err = pt_catalog_append(c, &tmp.items[i])) != PT_OK) {
			/* undo: the entries are plain values, so the count is the state */
			c->n -= i;
			if (err == PT_ELIMIT)
				pt_diag_set(d, err, 0, "", "too many entries");
			goto out;
		}
	}
out:
	if (err == PT_ENOMEM && d && !d->msg[0])
		pt_diag_set(d, err, 0, "", "out of memory");
	pt_catalog_clear(&tmp);
	pt_keyset_free(ids);
	pt_csv_free(csv);
	return err;
}

/* ---- settings ---- */

void pt_settings_free(char **keys, char **values, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		if (keys)
			free(keys[i]);
		if (values)
			free(values[i]);
	}
	free(keys);
	free(values);
}

enum pt_err pt_settings_read_csv(const char *buf, size_t len, char ***keys, char ***values,
				 size_t *n, struct pt_diag *d)
{
	static const char *const cols[] = {"key", "value", "description"};
	static const unsigned char required[] = {1, 1, 0};
	struct pt_csv *csv = NULL;
	struct pt_keyset *seen = NULL;
	char **k = NULL, **v = NULL;
	size_t count = 0, nf, n_cols;
	int col_of[3] = {-1, -1, -1};
	char **f;
	long line = 0;
	int eof;
	enum pt_err err;

	*keys = NULL;
	*values = NULL;
	*n = 0;
	k = calloc(PT_SETTINGS_MAX, sizeof *k);
	v = calloc(PT_SETTINGS_MAX, sizeof *v);
	if (!k || !v) {
		err = PT_ENOMEM;
		goto out;
	}
	if ((err = pt_csv_open(buf, len, &csv)) != PT_OK || (err = pt_keyset_new(&seen)) != PT_OK)
		goto out;
	if ((err = pt_csv_read_header(csv, cols, 3, required, col_of, &n_cols, d)) != PT_OK)
		goto out;
	for (;;) {
		char key[64], value[PT_CSV_FIELD_MAX + 1];
		long first = 0;
		if ((err = pt_csv_next(csv, &f, &nf, &line, &eof, d)) != PT_OK)
			goto out;
		if (eof)
			break;
		if (nf != n_cols) {
			err = pt_diag_set(d, PT_EINVAL, line, "",
					  "the row has %zu fields; the header has %zu", nf, n_cols);
			goto out;
		}
		if (count == PT_SETTINGS_MAX) {
			err = pt_diag_set(d, PT_ELIMIT, line, "", "more than %d settings",
					  PT_SETTINGS_MAX);
			goto out;
		}
		if ((err = pt_field_id(f[col_of[0]], key, sizeof key, line, "key", d)) != PT_OK ||
		    (err = pt_field_text(f[col_of[1]], value, sizeof value, 1, PT_TEXT_ONE_LINE, line,
					 "value", d)) != PT_OK)
			goto out;
		err = pt_keyset_add(seen, key, strlen(key), line, &first);
		if (err == PT_ECONFLICT) {
			char q[80];
			pt_quote_for_msg(q, sizeof q, key);
			err = pt_diag_set(d, PT_EINVAL, line, "key",
					  "duplicate key %s (first on line %ld)", q, first);
			goto out;
		}
		if (err != PT_OK)
			goto out;
		k[count] = strdup(key);
		v[count] = strdup(value);
		count++;
		if (!k[count - 1] || !v[count - 1]) {
			err = PT_ENOMEM;
			goto out;
		}
	}
	*keys = k;
	*values = v;
	*n = count;
	k = v = NULL;
out:
	if (err == PT_ENOMEM && d && !d->msg[0])
		pt_diag_set(d, err, 0, "", "out of memory");
	pt_settings_free(k, v, count);
	pt_keyset_free(seen);
	pt_csv_free(csv);
	return err;
}

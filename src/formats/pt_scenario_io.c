/* pt_scenario_io.c - mass-casualty scenario files (issue 14): jansson reads
 * the JSON, each leaf goes through pt_mci_set by its dotted path; the writer. */
#include "pt_scenario_io.h"

#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "pt_csv.h"
#include "pt_diag.h"
#include "pt_json_load.h"

/*
 * The line of each leaf (a string, number, true, false or null that is not
 * an object key), in the order of the text. It runs only on text jansson
 * has accepted, and decodes nothing: it skips strings (with their escapes)
 * and counts line breaks. Jansson keeps an object's keys in the order of
 * the text (duplicates are rejected), so the n-th leaf of the walk below is
 * the n-th leaf here.
 */
struct leaf_lines {
	long *line;
	size_t n, cap;
};

static enum pt_err leaf_lines_scan(const char *s, size_t len, struct leaf_lines *out)
{
	size_t i = 0;
	long line = 1;
	while (i < len) {
		char c = s[i];
		long start = line;
		int leaf = 0;
		if (c == '\n') {
			line++;
			i++;
			continue;
		}
		if (c == '"') {
			size_t j = i + 1;
			while (j < len && s[j] != '"')
				j += s[j] == '\\' ? 2 : 1;
			i = j + 1;
			/* a key when the next thing is ':' */
			j = i;
			while (j < len && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\n'))
				j++;
			leaf = !(j < len && s[j] == ':');
		} else if (c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n') {
			while (i < len && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' &&
			       s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
				i++;
			leaf = 1;
		} else {
			i++;
		}
		if (!leaf)
			continue;
		if (out->n == out->cap) {
			size_t cap = out->cap ? 2 * out->cap : 64;
			long *p;
			if (out->cap >= PT_SCENARIO_MAX_LEAVES)
				return PT_ELIMIT;
			if (!(p = realloc(out->line, cap * sizeof *p)))
				return PT_ENOMEM;
			out->line = p;
			out->cap = cap;
		}
		out->line[out->n++] = start;
	}
	return PT_OK;
}

/* The walk over the parsed file: where it is and what it found. */
struct walk {
	struct pt_mci_scenario *s;
	const struct leaf_lines *lines;
	size_t leaf; /* leaves applied so far */
	char path[PT_MCI_PATH_MAX];
	/* the first line of each path set (for the errors of pt_mci_check) */
	struct {
		char path[PT_MCI_PATH_MAX];
		long line;
	} *seen;
	size_t n_seen;
};

static long leaf_line(const struct walk *w)
{
	return w->leaf < w->lines->n ? w->lines->line[w->leaf] : 0;
}

/* A leaf's value as the text pt_mci_set takes. */
static enum pt_err leaf_text(json_t *v, char *buf, size_t size, const char **text,
			     const char **why)
{
	*why = NULL;
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (json_string_length(v) != strlen(json_string_value(v))) {
			*why = "contains a NUL character";
			return PT_EINVAL;
		}
		*text = json_string_value(v);
		return PT_OK;
	case JSON_INTEGER:
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		pt_format_double(buf, size, json_real_value(v));
		break;
	case JSON_TRUE:
		snprintf(buf, size, "true");
		break;
	case JSON_FALSE:
		snprintf(buf, size, "false");
		break;
	default:
		*why = "null is not a value (leave the key out to keep its default)";
		return PT_EINVAL;
	}
	*text = buf;
	return PT_OK;
}

static enum pt_err apply_leaf(struct walk *w, json_t *v, struct pt_diag *d)
{
	char num[64];
	const char *text = NULL, *why = NULL;
	long line = leaf_line(w);
	enum pt_err err;

	if (leaf_text(v, num, sizeof num, &text, &why) != PT_OK)
		return pt_diag_set(d, PT_EINVAL, line, w->path, "%s", why);
	err = pt_mci_set(w->s, w->path, text, d);
	if (err == PT_ENOTFOUND)
		return pt_diag_set(d, PT_EINVAL, line, w->path,
				   "unknown key (docs/scenarios.md lists the keys)");
	if (err != PT_OK) {
		/* pt_mci_set's reason, at the value's line and path */
		char msg[sizeof d->msg];
		pt_strlcpy(msg, d && d->msg[0] ? d->msg : pt_strerror(err), sizeof msg);
		return pt_diag_set(d, err, line, w->path, "%s", msg);
	}
	if (w->seen) {
		pt_strlcpy(w->seen[w->n_seen].path, w->path, sizeof w->seen[w->n_seen].path);
		w->seen[w->n_seen++].line = line;
	}
	w->leaf++;
	return PT_OK;
}

/* Append ".part" (or "part" at the top) to w->path; 0 when it does not fit. */
static int path_push(struct walk *w, const char *part, size_t *old)
{
	size_t used = strlen(w->path), n = strlen(part);
	*old = used;
	if (used + (used ? 1 : 0) + n + 1 > sizeof w->path)
		return 0;
	if (used)
		w->path[used++] = '.';
	memcpy(w->path + used, part, n + 1);
	return 1;
}

static enum pt_err walk_value(struct walk *w, json_t *v, int depth, struct pt_diag *d);

static enum pt_err walk_member(struct walk *w, const char *part, json_t *v, int depth,
			       struct pt_diag *d)
{
	size_t old;
	enum pt_err err;
	if (!part[0] || strchr(part, '.')) {
		char field[PT_MCI_PATH_MAX + 64];
		snprintf(field, sizeof field, "%s%s%s", w->path, w->path[0] ? "." : "", part);
		return pt_diag_set(d, PT_EINVAL, leaf_line(w), field,
				   "a key may not be empty or hold a '.' (write nested objects)");
	}
	if (!path_push(w, part, &old)) {
		w->path[old] = '\0';
		return pt_diag_set(d, PT_EINVAL, leaf_line(w), w->path, "key too long (a path "
				   "holds at most %d bytes)", PT_MCI_PATH_MAX - 1);
	}
	err = walk_value(w, v, depth + 1, d);
	w->path[old] = '\0';
	return err;
}

static enum pt_err walk_value(struct walk *w, json_t *v, int depth, struct pt_diag *d)
{
	enum pt_err err;
	if (json_is_object(v) || json_is_array(v)) {
		if (depth >= PT_SCENARIO_MAX_DEPTH)
			return pt_diag_set(d, PT_ELIMIT, leaf_line(w), w->path,
					   "nested deeper than %d levels", PT_SCENARIO_MAX_DEPTH);
	}
	if (json_is_object(v)) {
		const char *key;
		json_t *m;
		json_object_foreach(v, key, m)
		{
			if ((err = walk_member(w, key, m, depth, d)) != PT_OK)
				return err;
		}
		return PT_OK;
	}
	if (json_is_array(v)) {
		size_t i;
		json_t *m;
		json_array_foreach(v, i, m)
		{
			char part[24];
			snprintf(part, sizeof part, "%zu", i);
			if ((err = walk_member(w, part, m, depth, d)) != PT_OK)
				return err;
		}
		return PT_OK;
	}
	return apply_leaf(w, v, d);
}

/* The line of the first value set under path (or at it); 0 when none was. */
static long seen_line(const struct walk *w, const char *path)
{
	size_t i, n = strlen(path);
	if (!n)
		return 0;
	for (i = 0; i < w->n_seen; i++)
		if (strncmp(w->seen[i].path, path, n) == 0 &&
		    (w->seen[i].path[n] == '\0' || w->seen[i].path[n] == '.'))
			return w->seen[i].line;
	return 0;
}

enum pt_err pt_scenario_read(const char *buf, size_t len, const char *name,
			     struct pt_mci_scenario *out, struct pt_diag *d)
{
	struct leaf_lines lines;
	struct walk w;
	json_t *root = NULL;
	size_t skip = 0;
	enum pt_err err;

	memset(&lines, 0, sizeof lines);
	memset(&w, 0, sizeof w);
	pt_mci_defaults(out);
	if (d && name)
		pt_strlcpy(d->file, name, sizeof d->file);
	if (!buf)
		len = 0;
	if (len > (size_t)PT_SCENARIO_MAX_BYTES) {
		err = pt_diag_set(d, PT_ELIMIT, 0, "", "file too large (%zu bytes; at most %ld)", len,
				  PT_SCENARIO_MAX_BYTES);
		goto out;
	}
	if ((err = pt_json_load_strict(buf, len, &skip, &root, d)) != PT_OK)
		goto out;
	if (!json_is_object(root)) {
		err = pt_diag_set(d, PT_EINVAL, 1, "", "a scenario is one JSON object");
		goto out;
	}
	if ((err = leaf_lines_scan(buf + skip, len - skip, &lines)) != PT_OK) {
		err = err == PT_ELIMIT ? pt_diag_set(d, err, 0, "", "more than %d values",
						     PT_SCENARIO_MAX_LEAVES)
				       : pt_diag_set(d, err, 0, "", "out of memory");
		goto out;
	}
	if (lines.n && !(w.seen = malloc(lines.n * sizeof *w.seen))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	w.s = out;
	w.lines = &lines;
	if ((err = walk_value(&w, root, 0, d)) != PT_OK)
		goto out;
	if ((err = pt_mci_check(out, d)) != PT_OK && d)
		d->line = seen_line(&w, d->field);
out:
	if (err != PT_OK)
		pt_mci_defaults(out);
	json_decref(root);
	free(lines.line);
	free(w.seen);
	return err;
}

/* ---- the writer: every key in use (pt_mci_each_key), nested as the reader reads it ---- */

struct builder {
	json_t *root;
	int bad;
};

/* A path token that indexes an array: digits only. */
static int is_index(const char *t)
{
	if (!*t)
		return 0;
	for (; *t; t++)
		if (*t < '0' || *t > '9')
			return 0;
	return 1;
}

/* The JSON value of a key's value: true/false, text, or a number (an integer when whole). */
static json_t *leaf_json(const char *text, double number)
{
	if (text && strcmp(text, "true") == 0)
		return json_true();
	if (text && strcmp(text, "false") == 0)
		return json_false();
	if (text)
		return json_string(text);
	if (number == floor(number) && fabs(number) < 9007199254740992.0)
		return json_integer((json_int_t)number);
	return json_real(number);
}

/* Put v at index or key tok of container cur (v stolen); the value there, or NULL. */
static json_t *put_at(json_t *cur, const char *tok, json_t *v, int replace)
{
	if (!v)
		return NULL;
	if (json_is_object(cur)) {
		json_t *have = json_object_get(cur, tok);
		if (have && !replace) {
			json_decref(v);
			return have;
		}
		return json_object_set_new(cur, tok, v) == 0 ? v : NULL;
	}
	if (json_is_array(cur) && is_index(tok)) {
		size_t i = (size_t)strtoul(tok, NULL, 10), n = json_array_size(cur);
		if (i < n && !replace) {
			json_decref(v);
			return json_array_get(cur, i);
		}
		if (i < n)
			return json_array_set_new(cur, i, v) == 0 ? v : NULL;
		if (i == n)
			return json_array_append_new(cur, v) == 0 ? v : NULL;
	}
	json_decref(v); /* an index past the end: pt_mci_each_key never gives one */
	return NULL;
}

static void add_key(void *ctx, const char *path, const char *text, double number)
{
	struct builder *b = ctx;
	char buf[PT_MCI_PATH_MAX];
	char *tok[16], *p;
	size_t n = 0, i;
	json_t *cur = b->root;
	if (b->bad)
		return;
	if (strlen(path) >= sizeof buf) {
		b->bad = 1;
		return;
	}
	pt_strlcpy(buf, path, sizeof buf);
	for (p = buf; n < sizeof tok / sizeof tok[0];) {
		char *dot = strchr(p, '.');
		tok[n++] = p;
		if (!dot)
			break;
		*dot = '\0';
		p = dot + 1;
	}
	for (i = 0; cur && i + 1 < n; i++)
		cur = put_at(cur, tok[i], is_index(tok[i + 1]) ? json_array() : json_object(), 0);
	if (!cur || !put_at(cur, tok[n - 1], leaf_json(text, number), 1))
		b->bad = 1;
}

json_t *pt_scenario_to_json(const struct pt_mci_scenario *s)
{
	struct builder b;
	b.bad = 0;
	if (!(b.root = json_object()))
		return NULL;
	pt_mci_each_key(s, add_key, &b);
	if (b.bad) {
		json_decref(b.root);
		return NULL;
	}
	return b.root;
}

enum pt_err pt_scenario_write(FILE *f, const struct pt_mci_scenario *s)
{
	json_t *j = pt_scenario_to_json(s);
	int rc;
	if (!j)
		return PT_ENOMEM;
	rc = json_dumpf(j, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	json_decref(j);
	if (rc != 0 || fputc('\n', f) == EOF || ferror(f))
		return PT_EIO;
	return PT_OK;
}

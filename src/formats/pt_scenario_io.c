/* pt_scenario_io.c - mass-casualty scenario files (issue 14): jansson reads
 * the JSON, each leaf goes through pt_mci_set by its dotted path; the writer. */
#include "pt_scenario_io.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "pt_csv.h"
#include "pt_diag.h"

/*
 * Jansson reports a failed allocation while parsing as a syntax error, so
 * its allocations go through a wrapper that notes the failure (per thread),
 * as the GeoJSON reader does.
 */
static _Thread_local int json_oom;
static pthread_once_t json_alloc_once = PTHREAD_ONCE_INIT;

static void *json_malloc(size_t n)
{
	void *p = malloc(n);
	if (!p)
		json_oom = 1;
	return p;
}

static void json_alloc_init(void)
{
	json_set_alloc_funcs(json_malloc, free);
}

/* Jansson's error text may quote the input: keep it printable. */
static void sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7F)
			*s = '?';
}

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
	json_error_t jerr;
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
	if (len >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
	    (unsigned char)buf[2] == 0xBF)
		skip = 3;
	pthread_once(&json_alloc_once, json_alloc_init);
	json_oom = 0;
	root = json_loadb(buf ? buf + skip : "", len - skip, JSON_REJECT_DUPLICATES, &jerr);
	if (!root || json_oom) {
		if (json_oom || json_error_code(&jerr) == json_error_out_of_memory) {
			err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
			goto out;
		}
		sanitize(jerr.text);
		err = pt_diag_set(d, PT_EINVAL, jerr.line > 0 ? jerr.line : 1, "", "invalid JSON: %s",
				  jerr.text);
		goto out;
	}
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

/* ---- the writer: every field, nested as the reader reads it ---- */

static const char *const sev_names[PT_MCI_SEVS] = { "killed", "niss16", "niss9", "niss1" };
static const char *const cat_names[PT_MCI_CATS] = { "T1", "T2", "T3", "DEAD" };
static const char *const method_names[2] = { "START", "SALT" };

/* Writer state: the first failure sticks. */
struct jw {
	int bad;
};

static void put(struct jw *w, json_t *o, const char *key, json_t *v)
{
	if (!o || !v || json_object_set_new(o, key, v) != 0)
		w->bad = 1;
}

static void put_tri(struct jw *w, json_t *o, const char *key, const struct pt_mci_tri *t)
{
	json_t *v = json_object();
	put(w, v, "min", json_real(t->min));
	put(w, v, "mode", json_real(t->mode));
	put(w, v, "max", json_real(t->max));
	put(w, o, key, v);
}

static void push(struct jw *w, json_t *a, json_t *v)
{
	if (!a || !v || json_array_append_new(a, v) != 0)
		w->bad = 1;
}

static json_t *site_json(struct jw *w, const struct pt_mci_scenario *s, size_t i)
{
	const struct pt_mci_site *st = &s->attack.sites[i];
	json_t *o = json_object(), *bt = json_array(), *ht = json_array();
	size_t k;
	put(w, o, "name", json_string(st->name));
	put(w, o, "share", json_real(st->share));
	put_tri(w, o, "secure_min", &st->secure_min);
	for (k = 0; k < s->response.n_bases; k++)
		push(w, bt, json_real(st->base_travel_min[k]));
	for (k = 0; k < s->n_hospitals; k++)
		push(w, ht, json_real(st->hospital_travel_min[k]));
	put(w, o, "base_travel_min", bt);
	put(w, o, "hospital_travel_min", ht);
	put(w, o, "hospital_index", json_integer(st->hospital_index));
	return o;
}

static json_t *attack_json(struct jw *w, const struct pt_mci_scenario *s)
{
	json_t *o = json_object(), *mix = json_object(), *sites = json_array();
	size_t i;
	put(w, o, "victims", json_integer(s->attack.victims));
	for (i = 0; i < PT_MCI_SEVS; i++)
		put(w, mix, sev_names[i], json_real(s->attack.mix[i]));
	put(w, o, "mix", mix);
	for (i = 0; i < s->attack.n_sites; i++)
		push(w, sites, site_json(w, s, i));
	put(w, o, "sites", sites);
	return o;
}

static json_t *injury_json(struct jw *w, const struct pt_mci_scenario *s)
{
	json_t *o = json_object(), *niss = json_object(), *bleed = json_object();
	size_t i;
	put(w, o, "death_a", json_real(s->injury.death_a));
	put(w, o, "death_b", json_real(s->injury.death_b));
	put(w, o, "death_sigma", json_real(s->injury.death_sigma));
	for (i = 0; i < PT_MCI_SEVS; i++) {
		put_tri(w, niss, sev_names[i], &s->injury.niss[i]);
		put(w, bleed, sev_names[i], json_real(s->injury.bleeding_share[i]));
	}
	put(w, o, "niss", niss);
	put(w, o, "bleeding_share", bleed);
	put_tri(w, o, "bleed_alpha", &s->injury.bleed_alpha);
	put(w, o, "bleed_death_fraction", json_real(s->injury.bleed_death_fraction));
	put(w, o, "bleeding_control_factor", json_real(s->injury.bleeding_control_factor));
	put(w, o, "dcr_factor", json_real(s->injury.dcr_factor));
	return o;
}

static json_t *response_json(struct jw *w, const struct pt_mci_scenario *s)
{
	json_t *o = json_object(), *mis = json_object(), *bases = json_array(),
	       *ppa = json_object();
	size_t m, a, b;
	put(w, o, "rtf", json_boolean(s->response.rtf));
	put(w, o, "rtf_teams", json_integer(s->response.rtf_teams));
	put(w, o, "rtf_entry_min", json_real(s->response.rtf_entry_min));
	put_tri(w, o, "rtf_victim_min", &s->response.rtf_victim_min);
	put(w, o, "triage", json_string(method_names[s->response.triage == PT_MCI_TRIAGE_SALT]));
	put(w, o, "triage_crews", json_integer(s->response.triage_crews));
	put_tri(w, o, "triage_min", &s->response.triage_min);
	put(w, o, "retriage_min", json_real(s->response.retriage_min));
	for (m = 0; m < 2; m++) {
		json_t *mo = json_object();
		for (a = 0; a < PT_MCI_CATS; a++) {
			json_t *row = json_object();
			for (b = 0; b < PT_MCI_CATS; b++)
				put(w, row, cat_names[b], json_real(s->response.misclass[m][a][b]));
			put(w, mo, cat_names[a], row);
		}
		put(w, mis, method_names[m], mo);
	}
	put(w, o, "misclass", mis);
	put(w, o, "ccp_staff", json_integer(s->response.ccp_staff));
	put_tri(w, o, "ccp_treat_min", &s->response.ccp_treat_min);
	for (b = 0; b < s->response.n_bases; b++) {
		const struct pt_mci_base *bs = &s->response.bases[b];
		json_t *bo = json_object();
		put(w, bo, "name", json_string(bs->name));
		put(w, bo, "ambulances", json_integer(bs->ambulances));
		put_tri(w, bo, "dispatch_min", &bs->dispatch_min);
		put(w, bo, "wave_interval_min", json_real(bs->wave_interval_min));
		push(w, bases, bo);
	}
	put(w, o, "bases", bases);
	put(w, o, "ambulances", json_integer(s->response.ambulances));
	for (a = 0; a < PT_MCI_CATS; a++)
		put(w, ppa, cat_names[a], json_integer(s->response.patients_per_ambulance[a]));
	put(w, o, "patients_per_ambulance", ppa);
	put_tri(w, o, "load_min", &s->response.load_min);
	put_tri(w, o, "handover_min", &s->response.handover_min);
	put(w, o, "travel_noise", json_real(s->response.travel_noise));
	put(w, o, "scoop_and_run", json_boolean(s->response.scoop_and_run));
	put_tri(w, o, "stabilise_min", &s->response.stabilise_min);
	put(w, o, "walking_share", json_real(s->response.walking_share));
	put_tri(w, o, "walk_delay_min", &s->response.walk_delay_min);
	put(w, o, "policy",
	    json_string(s->response.policy == PT_MCI_POLICY_BALANCED ? "balanced" : "nearest"));
	put(w, o, "travel_limit_min", json_real(s->response.travel_limit_min));
	return o;
}

static json_t *hospital_json(struct jw *w, const struct pt_mci_hospital *h)
{
	json_t *o = json_object();
	put(w, o, "name", json_string(h->name));
	put(w, o, "ed_beds", json_integer(h->ed_beds));
	put(w, o, "resus", json_integer(h->resus));
	put(w, o, "or_tables", json_integer(h->or_tables));
	put(w, o, "icu_beds", json_integer(h->icu_beds));
	put(w, o, "surge_factor", json_real(h->surge_factor));
	put(w, o, "surge_delay_min", json_real(h->surge_delay_min));
	put(w, o, "locked_down", json_boolean(h->locked_down));
	put_tri(w, o, "resus_min", &h->resus_min);
	put_tri(w, o, "surgery_min", &h->surgery_min);
	put_tri(w, o, "ed_min", &h->ed_min);
	return o;
}

json_t *pt_scenario_to_json(const struct pt_mci_scenario *s)
{
	struct jw w = { 0 };
	json_t *o = json_object(), *hs = json_array(), *ds = json_array();
	size_t i;
	put(&w, o, "name", json_string(s->name));
	put(&w, o, "threat", json_string(s->threat));
	put(&w, o, "horizon_min", json_real(s->horizon_min));
	put(&w, o, "attack", attack_json(&w, s));
	put(&w, o, "injury", injury_json(&w, s));
	put(&w, o, "response", response_json(&w, s));
	for (i = 0; i < s->n_hospitals && i < PT_MCI_MAX_HOSPITALS; i++)
		push(&w, hs, hospital_json(&w, &s->hospitals[i]));
	put(&w, o, "hospitals", hs);
	for (i = 0; i < s->n_decisions && i < PT_MCI_MAX_DECISIONS; i++) {
		json_t *dc = json_object();
		put(&w, dc, "t_min", json_real(s->decisions[i].t_min));
		put(&w, dc, "path", json_string(s->decisions[i].path));
		put(&w, dc, "value", json_string(s->decisions[i].value));
		push(&w, ds, dc);
	}
	put(&w, o, "decisions", ds);
	if (w.bad) {
		json_decref(o);
		return NULL;
	}
	return o;
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

/* pt_alert_template_io.c - reading one alert template file (issue 13,
 * data/alerts/ID.json, docs/formats.md "Alert templates") with jansson. */
#include "pt_alert_template_io.h"

#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt_diag.h"
#include "pt_json_load.h"

/*
 * The line of a key in a document jansson has already accepted, for the
 * diagnostic only (jansson keeps no positions): path is up to three object
 * keys from the top ("languages", "mk", "headline"); a key is matched by its
 * raw bytes (an escaped key is not found). Returns the line of the deepest
 * key found, 1 when none.
 */
static long key_line(const char *buf, size_t len, const char *const *path, size_t depth_want)
{
	/* matched[k]: the key at depth k+1 on the way down is path[k] */
	int matched[4] = {0, 0, 0, 0};
	long line = 1, best = 1;
	size_t i, depth = 0, best_depth = 0;
	int expect_key = 0;
	for (i = 0; i < len; i++) {
		char c = buf[i];
		if (c == '\n') {
			line++;
		} else if (c == '{') {
			depth++;
			expect_key = 1;
		} else if (c == '[') {
			depth++;
			expect_key = 0;
		} else if (c == '}' || c == ']') {
			if (depth > 0)
				depth--;
			if (depth < 4)
				matched[depth] = 0;
			expect_key = 0;
		} else if (c == ',') {
			expect_key = depth > 0;
		} else if (c == '"') {
			size_t start = ++i;
			while (i < len && buf[i] != '"') {
				if (buf[i] == '\\')
					i++;
				else if (buf[i] == '\n')
					line++;
				i++;
			}
			if (expect_key && depth >= 1 && depth <= depth_want && depth <= 3) {
				size_t k = depth - 1, j;
				int ok = strlen(path[k]) == i - start &&
					 memcmp(path[k], buf + start, i - start) == 0;
				for (j = 0; j < k; j++)
					ok = ok && matched[j];
				matched[k] = ok;
				if (ok && depth > best_depth) {
					best_depth = depth;
					best = line;
				}
			}
			expect_key = 0;
		}
	}
	return best;
}

struct ctx {
	const char *buf;
	size_t len;
	struct pt_diag *d;
};

/* Reject at the line of path[0..depth) with field "a.b.c". */
static enum pt_err reject(const struct ctx *c, enum pt_err err, const char *const *path,
			  size_t depth, const char *msg)
{
	char field[64] = "";
	size_t i, n;
	for (i = 0; i < depth; i++) {
		n = strlen(field);
		if (n + 2 >= sizeof field)
			break;
		if (i) {
			pt_strlcpy(field + n, ".", sizeof field - n);
			n++;
		}
		pt_strlcpy(field + n, path[i], sizeof field - n);
	}
	pt_json_sanitize(field);
	return pt_diag_set(c->d, err, key_line(c->buf, c->len, path, depth), field, "%s", msg);
}

/* Every key of obj is one of allowed (NULL-ended); path names obj. */
static enum pt_err only_keys(const struct ctx *c, json_t *obj, const char *const *allowed,
			     const char **path, size_t depth)
{
	const char *key;
	json_t *v;
	size_t i;
	json_object_foreach(obj, key, v) {
		int known = 0;
		for (i = 0; allowed[i]; i++)
			if (strcmp(allowed[i], key) == 0)
				known = 1;
		if (!known) {
			path[depth] = key;
			return reject(c, PT_EINVAL, path, depth + 1, "unknown key");
		}
	}
	return PT_OK;
}

/* obj[key] as a string of at most size-1 bytes into out; required or "" when absent. */
static enum pt_err get_text(const struct ctx *c, json_t *obj, const char **path, size_t depth,
			    const char *key, int required, char *out, size_t size)
{
	json_t *v = json_object_get(obj, key);
	path[depth] = key;
	out[0] = '\0';
	if (!v)
		return required ? reject(c, PT_EINVAL, path, depth + 1, "missing") : PT_OK;
	if (!json_is_string(v))
		return reject(c, PT_EINVAL, path, depth + 1, "must be a string");
	if (json_string_length(v) >= size)
		return reject(c, PT_ELIMIT, path, depth + 1, "too long");
	if (strlen(json_string_value(v)) != json_string_length(v))
		return reject(c, PT_EINVAL, path, depth + 1, "holds a NUL character");
	pt_strlcpy(out, json_string_value(v), size);
	return PT_OK;
}

/* obj[key]: an array of CAP enumeration names (at most max) into vals. */
static enum pt_err get_enum_list(const struct ctx *c, json_t *obj, const char **path,
				 const char *key, enum pt_cap_enum e, int required, int *vals,
				 size_t max, size_t *n)
{
	json_t *arr = json_object_get(obj, key), *v;
	size_t i;
	path[0] = key;
	*n = 0;
	if (!arr)
		return required ? reject(c, PT_EINVAL, path, 1, "missing") : PT_OK;
	if (!json_is_array(arr))
		return reject(c, PT_EINVAL, path, 1, "must be an array of strings");
	if (json_array_size(arr) > max)
		return reject(c, PT_ELIMIT, path, 1, "too many values");
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v) || pt_cap_enum_parse(e, json_string_value(v), &vals[i]) != PT_OK)
			return reject(c, PT_EINVAL, path, 1,
				      e == PT_CAP_ENUM_CATEGORY
					      ? "not a CAP category (Geo, Met, Safety, Security, "
						"Rescue, Fire, Health, Env, Transport, Infra, CBRNE, "
						"Other)"
					      : "not a CAP responseType (Shelter, Evacuate, Prepare, "
						"Execute, Avoid, Monitor, Assess, AllClear, None)");
		*n = i + 1;
	}
	return PT_OK;
}

static enum pt_err get_enum(const struct ctx *c, json_t *obj, const char **path, const char *key,
			    enum pt_cap_enum e, const char *names, int *out)
{
	json_t *v = json_object_get(obj, key);
	char msg[160];
	path[0] = key;
	if (!v)
		return reject(c, PT_EINVAL, path, 1, "missing");
	if (!json_is_string(v) || pt_cap_enum_parse(e, json_string_value(v), out) != PT_OK) {
		snprintf(msg, sizeof msg, "must be one of %s", names);
		return reject(c, PT_EINVAL, path, 1, msg);
	}
	return PT_OK;
}

static enum pt_err get_number(const struct ctx *c, json_t *obj, const char **path,
			      const char *key, double *out)
{
	json_t *v = json_object_get(obj, key);
	path[0] = key;
	if (!v)
		return reject(c, PT_EINVAL, path, 1, "missing");
	if (!json_is_number(v))
		return reject(c, PT_EINVAL, path, 1, "must be a number");
	*out = json_number_value(v);
	if (!isfinite(*out) || *out <= 0)
		return reject(c, PT_EINVAL, path, 1, "must be above 0");
	return PT_OK;
}

static const char *const top_keys[] = {"categories", "responses", "urgency", "severity",
				       "certainty", "radius_km", "duration_h", "all_clear",
				       "languages", NULL};
static const char *const lang_keys[] = {"event", "headline", "description", "instruction",
					"area_desc", "generic_site", "generic_area_desc",
					"sender_name", "exercise_word", "test_word", NULL};

static enum pt_err read_lang(const struct ctx *c, const char *lang, json_t *obj,
			     struct pt_alert_template_lang *l)
{
	const char *path[4] = {"languages", lang, NULL, NULL};
	enum pt_err err;
	if (strlen(lang) >= sizeof l->lang)
		return reject(c, PT_ELIMIT, path, 2, "language tag too long");
	if (!json_is_object(obj))
		return reject(c, PT_EINVAL, path, 2, "must be an object");
	if ((err = only_keys(c, obj, lang_keys, path, 2)) != PT_OK)
		return err;
	pt_strlcpy(l->lang, lang, sizeof l->lang);
	if ((err = get_text(c, obj, path, 2, "event", 1, l->event, sizeof l->event)) != PT_OK ||
	    (err = get_text(c, obj, path, 2, "headline", 1, l->headline, sizeof l->headline)) !=
		    PT_OK ||
	    (err = get_text(c, obj, path, 2, "description", 0, l->description,
			    sizeof l->description)) != PT_OK ||
	    (err = get_text(c, obj, path, 2, "instruction", 1, l->instruction,
			    sizeof l->instruction)) != PT_OK ||
	    (err = get_text(c, obj, path, 2, "area_desc", 1, l->area_desc, sizeof l->area_desc)) !=
		    PT_OK ||
	    (err = get_text(c, obj, path, 2, "generic_site", 1, l->generic_site,
			    sizeof l->generic_site)) != PT_OK ||
	    (err = get_text(c, obj, path, 2, "generic_area_desc", 1, l->generic_area_desc,
			    sizeof l->generic_area_desc)) != PT_OK ||
	    (err = get_text(c, obj, path, 2, "sender_name", 1, l->sender_name,
			    sizeof l->sender_name)) != PT_OK ||
	    (err = get_text(c, obj, path, 2, "exercise_word", 1, l->exercise_word,
			    sizeof l->exercise_word)) != PT_OK ||
	    (err = get_text(c, obj, path, 2, "test_word", 0, l->test_word, /* issue 13 review */
			    sizeof l->test_word)) != PT_OK)
		return err;
	return PT_OK;
}

/* Map a check's field ("languages.mk.headline") back to its key's line. */
static enum pt_err locate_check_error(const struct ctx *c, enum pt_err err)
{
	char copy[64];
	const char *path[4] = {NULL, NULL, NULL, NULL};
	size_t depth = 0;
	char *p, *save = NULL;
	pt_strlcpy(copy, c->d->field, sizeof copy);
	for (p = strtok_r(copy, ".", &save); p && depth < 3; p = strtok_r(NULL, ".", &save))
		path[depth++] = p;
	if (depth)
		c->d->line = key_line(c->buf, c->len, path, depth);
	return err;
}

enum pt_err pt_alert_template_parse(const char *buf, size_t len, const char *id,
				    struct pt_alert_template *out, struct pt_diag *d)
{
	struct ctx c;
	json_t *root = NULL, *langs, *v;
	const char *path[4] = {NULL, NULL, NULL, NULL}, *key;
	enum pt_err err = PT_OK;
	size_t skip = 0;
	int urgency = 0, severity = 0, certainty = 0;

	memset(out, 0, sizeof *out);
	if (!buf)
		len = 0;
	if (len > (size_t)PT_ALERT_TEMPLATE_FILE_MAX)
		return pt_diag_set(d, PT_ELIMIT, 0, "", "file too large (%zu bytes; at most %d)", len,
				   PT_ALERT_TEMPLATE_FILE_MAX);
	if (!id || strlen(id) >= sizeof out->id)
		return pt_diag_set(d, PT_EINVAL, 0, "id", "template id missing or too long");
	if ((err = pt_json_load_strict(buf, len, &skip, &root, d)) != PT_OK)
		goto out;
	c.buf = buf ? buf + skip : "";
	c.len = len - skip;
	c.d = d;
	if (!json_is_object(root)) {
		err = pt_diag_set(d, PT_EINVAL, 1, "", "a template is a JSON object");
		goto out;
	}
	pt_strlcpy(out->id, id, sizeof out->id);
	if ((err = only_keys(&c, root, top_keys, path, 0)) != PT_OK ||
	    (err = get_enum_list(&c, root, path, "categories", PT_CAP_ENUM_CATEGORY, 1,
				 out->categories, PT_CAP_MAX_INFO, &out->n_categories)) != PT_OK ||
	    (err = get_enum_list(&c, root, path, "responses", PT_CAP_ENUM_RESPONSE, 0,
				 out->responses, PT_CAP_MAX_INFO, &out->n_responses)) != PT_OK ||
	    (err = get_enum(&c, root, path, "urgency", PT_CAP_ENUM_URGENCY,
			    "Immediate, Expected, Future, Past, Unknown", &urgency)) != PT_OK ||
	    (err = get_enum(&c, root, path, "severity", PT_CAP_ENUM_SEVERITY,
			    "Extreme, Severe, Moderate, Minor, Unknown", &severity)) != PT_OK ||
	    (err = get_enum(&c, root, path, "certainty", PT_CAP_ENUM_CERTAINTY,
			    "Observed, Likely, Possible, Unlikely, Unknown", &certainty)) != PT_OK ||
	    (err = get_number(&c, root, path, "radius_km", &out->radius_km)) != PT_OK ||
	    (err = get_number(&c, root, path, "duration_h", &out->duration_h)) != PT_OK)
		goto out;
	out->urgency = (enum pt_cap_urgency)urgency;
	out->severity = (enum pt_cap_severity)severity;
	out->certainty = (enum pt_cap_certainty)certainty;
	v = json_object_get(root, "all_clear");
	path[0] = "all_clear";
	if (v && !json_is_boolean(v)) {
		err = reject(&c, PT_EINVAL, path, 1, "must be true or false");
		goto out;
	}
	out->all_clear = v && json_is_true(v);
	langs = json_object_get(root, "languages");
	path[0] = "languages";
	if (!langs) {
		err = reject(&c, PT_EINVAL, path, 1, "missing");
		goto out;
	}
	if (!json_is_object(langs)) {
		err = reject(&c, PT_EINVAL, path, 1,
			     "must be an object of languages ({\"en\": {...}, \"mk\": {...}})");
		goto out;
	}
	if (json_object_size(langs) > PT_ALERT_MAX_LANGS) {
		err = reject(&c, PT_ELIMIT, path, 1, "more than 8 languages");
		goto out;
	}
	/* jansson keeps an object's keys in the file's order: the languages keep theirs */
	json_object_foreach(langs, key, v) {
		if ((err = read_lang(&c, key, v, &out->langs[out->n_langs])) != PT_OK)
			goto out;
		out->n_langs++;
	}
	if ((err = pt_alert_template_check(out, d)) != PT_OK)
		err = locate_check_error(&c, err);
out:
	json_decref(root);
	if (err != PT_OK)
		memset(out, 0, sizeof *out);
	return err;
}

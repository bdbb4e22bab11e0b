/* pt_deps_io.c - the dependencies CSV (issue 12): reading with every row
 * checked and located, writing CSV and JSON that read back to the same values. */
#include "pt_deps_io.h"

#include <stdlib.h>
#include <string.h>

#include "pt_csv.h"
#include "pt_diag.h"
#include "pt_marking_io.h"

const char *const pt_deps_columns[PT_DEPS_COLUMNS] = {
	"provider_id", "consumer_id", "type", "autonomy_hours", "service_loss", "group"};

enum { COL_PROVIDER, COL_CONSUMER, COL_TYPE, COL_AUTONOMY, COL_LOSS, COL_GROUP };

void pt_dep_list_clear(struct pt_dep_list *l)
{
	if (!l)
		return;
	free(l->items);
	free(l->lines);
	memset(l, 0, sizeof *l);
}

enum pt_err pt_dep_list_append(struct pt_dep_list *l, const struct pt_dependency *dep, long line)
{
	if (l->n >= (size_t)PT_DEPS_ROWS_MAX)
		return PT_ELIMIT;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct pt_dependency *items = realloc(l->items, cap * sizeof *items);
		long *lines;
		if (!items)
			return PT_ENOMEM;
		l->items = items;
		if (!(lines = realloc(l->lines, cap * sizeof *lines)))
			return PT_ENOMEM;
		l->lines = lines;
		l->cap = cap;
	}
	l->items[l->n] = *dep;
	l->lines[l->n] = line;
	l->n++;
	return PT_OK;
}

static enum pt_err parse_row(char **f, const int *col_of, long line, struct pt_dependency *dep,
			     struct pt_diag *d)
{
	enum pt_err err;
	char q[80];
	memset(dep, 0, sizeof *dep);
	if ((err = pt_field_id(f[col_of[COL_PROVIDER]], dep->provider_id, sizeof dep->provider_id,
			       line, "provider_id", d)) != PT_OK ||
	    (err = pt_field_id(f[col_of[COL_CONSUMER]], dep->consumer_id, sizeof dep->consumer_id,
			       line, "consumer_id", d)) != PT_OK)
		return err;
	if (strcmp(dep->provider_id, dep->consumer_id) == 0) {
		pt_quote_for_msg(q, sizeof q, dep->consumer_id);
		return pt_diag_set(d, PT_EINVAL, line, "consumer_id",
				   "%s is also the provider: a site cannot depend on itself", q);
	}
	if (pt_dep_type_parse(f[col_of[COL_TYPE]], &dep->type) != PT_OK) {
		if (!f[col_of[COL_TYPE]][0])
			return pt_diag_set(d, PT_EINVAL, line, "type", "missing value");
		pt_quote_for_msg(q, sizeof q, f[col_of[COL_TYPE]]);
		return pt_diag_set(d, PT_EINVAL, line, "type",
				   "unknown type %s (physical, cyber, geographic or logical)", q);
	}
	if ((err = pt_field_double(f[col_of[COL_AUTONOMY]], line, "autonomy_hours",
				   &dep->autonomy_hours, d)) != PT_OK ||
	    (err = pt_field_double(f[col_of[COL_LOSS]], line, "service_loss", &dep->service_loss,
				   d)) != PT_OK)
		return err;
	if (dep->autonomy_hours < 0)
		return pt_diag_set(d, PT_EINVAL, line, "autonomy_hours",
				   "%s is negative; hours are 0 or more", f[col_of[COL_AUTONOMY]]);
	if (dep->autonomy_hours > PT_DEP_MAX_AUTONOMY_H)
		return pt_diag_set(d, PT_EINVAL, line, "autonomy_hours",
				   "%s is too large (at most 1000000 hours)", f[col_of[COL_AUTONOMY]]);
	if (!(dep->service_loss >= 0 && dep->service_loss <= 1))
		return pt_diag_set(d, PT_EINVAL, line, "service_loss",
				   "%s is outside 0-1 (the share of service lost)", f[col_of[COL_LOSS]]);
	if (col_of[COL_GROUP] >= 0 && f[col_of[COL_GROUP]][0] &&
	    (err = pt_field_id(f[col_of[COL_GROUP]], dep->group, sizeof dep->group, line, "group",
			       d)) != PT_OK)
		return err;
	/* the core's own checks, the second line of defence */
	return pt_dependency_check(dep, d, line);
}

/* The set's fault (pt_dependencies_check_at) as the reader reports it: both lines. */
static enum pt_err set_fault(const struct pt_dep_list *l, size_t bad, size_t earlier,
			     struct pt_diag *d)
{
	const struct pt_dependency *x = &l->items[bad], *e = &l->items[earlier];
	long line = l->lines[bad], first = l->lines[earlier];
	char here[48], there[48];
	if (strcmp(d->field, "consumer_id") == 0)
		return pt_diag_set(d, PT_EINVAL, line, "consumer_id",
				   "duplicate dependency of %s on %s (first on line %ld)",
				   x->consumer_id, x->provider_id, first);
	if (strcmp(d->field, "autonomy_hours") == 0) {
		pt_format_double(here, sizeof here, x->autonomy_hours);
		pt_format_double(there, sizeof there, e->autonomy_hours);
	} else {
		pt_format_double(here, sizeof here, x->service_loss);
		pt_format_double(there, sizeof there, e->service_loss);
	}
	return pt_diag_set(d, PT_EINVAL, line, d->field,
			   "%s here but %s on line %ld: the redundant providers of group %s of "
			   "%s must carry the same %s",
			   here, there, first, x->group, x->consumer_id, d->field);
}

enum pt_err pt_deps_read_csv(const char *buf, size_t len, struct pt_dep_list *out,
			     struct pt_diag *d)
{
	static const unsigned char required[PT_DEPS_COLUMNS] = {1, 1, 1, 1, 1, 0};
	struct pt_dep_list list;
	struct pt_csv *csv = NULL;
	int col_of[PT_DEPS_COLUMNS];
	char **f;
	size_t n, n_cols, bad = 0, earlier = 0;
	long line;
	int eof;
	enum pt_err err;

	memset(&list, 0, sizeof list);
	pt_dep_list_clear(out);
	if ((err = pt_csv_open(buf ? buf : "", len, &csv)) != PT_OK)
		goto out;
	if ((err = pt_csv_read_header(csv, pt_deps_columns, PT_DEPS_COLUMNS, required, col_of,
				      &n_cols, d)) != PT_OK)
		goto out;
	for (;;) {
		struct pt_dependency dep;
		if ((err = pt_csv_next(csv, &f, &n, &line, &eof, d)) != PT_OK)
			goto out;
		if (eof)
			break;
		if (n != n_cols) {
			err = pt_diag_set(d, PT_EINVAL, line, "",
					  "the row has %zu fields; the header has %zu", n, n_cols);
			goto out;
		}
		if ((err = parse_row(f, col_of, line, &dep, d)) != PT_OK)
			goto out;
		if ((err = pt_dep_list_append(&list, &dep, line)) != PT_OK) {
			if (err == PT_ELIMIT)
				pt_diag_set(d, err, line, "", "more than %ld dependencies in one file",
					    PT_DEPS_ROWS_MAX);
			goto out;
		}
	}
	err = pt_dependencies_check_at(list.items, list.n, &bad, &earlier, d);
	if (err == PT_EINVAL)
		err = set_fault(&list, bad, earlier, d);
	if (err != PT_OK)
		goto out;
	*out = list;
	memset(&list, 0, sizeof list);
out:
	if (err == PT_ENOMEM && d && !d->msg[0])
		pt_diag_set(d, err, 0, "", "out of memory");
	pt_dep_list_clear(&list);
	pt_csv_free(csv);
	return err;
}

enum pt_err pt_deps_write_csv(FILE *f, const struct pt_dependency *deps, size_t n)
{
	char a[48], b[48];
	size_t i;
	fputs("provider_id,consumer_id,type,autonomy_hours,service_loss,group\n", f);
	for (i = 0; i < n; i++) {
		const struct pt_dependency *x = &deps[i];
		pt_csv_write_field(f, x->provider_id);
		fputc(',', f);
		pt_csv_write_field(f, x->consumer_id);
		pt_format_double(a, sizeof a, x->autonomy_hours);
		pt_format_double(b, sizeof b, x->service_loss);
		fprintf(f, ",%s,%s,%s,", pt_dep_type_name(x->type), a, b);
		pt_csv_write_field(f, x->group);
		fputc('\n', f);
	}
	return ferror(f) ? PT_EIO : PT_OK;
}

json_t *pt_dep_json(const struct pt_dependency *dep, const char *provider_name,
		    const char *consumer_name)
{
	json_t *o = json_object();
	int bad = !o;
	bad = bad || json_object_set_new(o, "provider_id", json_string(dep->provider_id));
	bad = bad || json_object_set_new(o, "provider_name",
					 json_string(provider_name ? provider_name : dep->provider_id));
	bad = bad || json_object_set_new(o, "consumer_id", json_string(dep->consumer_id));
	bad = bad || json_object_set_new(o, "consumer_name",
					 json_string(consumer_name ? consumer_name : dep->consumer_id));
	bad = bad || json_object_set_new(o, "type", json_string(pt_dep_type_name(dep->type)));
	bad = bad || json_object_set_new(o, "autonomy_hours", json_real(dep->autonomy_hours));
	bad = bad || json_object_set_new(o, "service_loss", json_real(dep->service_loss));
	bad = bad || json_object_set_new(o, "group",
					 dep->group[0] ? json_string(dep->group) : json_null());
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The fewest significant digits (1-17) that read back to v exactly. */
static int digits_of(double v)
{
	char buf[40];
	for (int p = 1; p < 17; p++) {
		snprintf(buf, sizeof buf, "%.*g", p, v);
		if (strtod(buf, NULL) == v)
			return p;
	}
	return 17;
}

enum pt_err pt_deps_write_json(FILE *f, const struct pt_dependency *deps, size_t n,
			       const char *const *names, size_t withheld, enum pt_tlp tlp)
{
	json_t *root = json_object(), *list = json_array();
	size_t i;
	int bad = !root || !list, precision = 1;
	for (i = 0; i < n; i++) { /* the shortest digits that read back exactly, as sites do */
		int a = digits_of(deps[i].autonomy_hours), b = digits_of(deps[i].service_loss);
		precision = a > precision ? a : precision;
		precision = b > precision ? b : precision;
	}
	for (i = 0; i < n && !bad; i++)
		bad = json_array_append_new(list, pt_dep_json(&deps[i], names ? names[2 * i] : NULL,
							       names ? names[2 * i + 1] : NULL)) != 0;
	bad = bad || json_object_set(root, "dependencies", list) ||
	      (withheld != PT_DEPS_WITHHELD_UNTOLD &&
	       json_object_set_new(root, "withheld", json_integer((json_int_t)withheld)));
	json_decref(list);
	if (bad || !(root = pt_marking_json(root, tlp))) {
		json_decref(root);
		return PT_ENOMEM;
	}
	if (json_dumpf(root, f, (size_t)(JSON_INDENT(2) | JSON_PRESERVE_ORDER) |
					(size_t)JSON_REAL_PRECISION(precision)) != 0) {
		json_decref(root);
		return ferror(f) ? PT_EIO : PT_ENOMEM;
	}
	json_decref(root);
	fputc('\n', f);
	return ferror(f) ? PT_EIO : PT_OK;
}

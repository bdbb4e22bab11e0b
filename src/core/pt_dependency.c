/* pt_dependency.c - the dependencies between sites as the registry keeps them
 * (issue 12): type names, one row's own checks, a set's pairs and groups. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pt_cascade.h"

static const char *const type_names[PT_DEP_TYPE_COUNT] = {"physical", "cyber", "geographic",
							  "logical"};

const char *pt_dep_type_name(enum pt_dep_type t)
{
	return (unsigned)t < PT_DEP_TYPE_COUNT ? type_names[t] : "";
}

enum pt_err pt_dep_type_parse(const char *s, enum pt_dep_type *out)
{
	for (unsigned i = 0; s && i < PT_DEP_TYPE_COUNT; i++)
		if (strcmp(s, type_names[i]) == 0) {
			*out = (enum pt_dep_type)i;
			return PT_OK;
		}
	return PT_EINVAL;
}

enum pt_err pt_dependency_check(const struct pt_dependency *dep, struct pt_diag *d, long line)
{
	if (!dep->provider_id[0])
		return pt_diag_put(d, PT_EINVAL, line, "provider_id", "missing value");
	if (!dep->consumer_id[0])
		return pt_diag_put(d, PT_EINVAL, line, "consumer_id", "missing value");
	if (strcmp(dep->provider_id, dep->consumer_id) == 0)
		return pt_diag_put(d, PT_EINVAL, line, "consumer_id",
				   "a site cannot depend on itself");
	if ((unsigned)dep->type >= PT_DEP_TYPE_COUNT)
		return pt_diag_put(d, PT_EINVAL, line, "type",
				   "unknown type (physical, cyber, geographic or logical)");
	if (!isfinite(dep->autonomy_hours) || dep->autonomy_hours < 0 ||
	    dep->autonomy_hours > PT_DEP_MAX_AUTONOMY_H)
		return pt_diag_put(d, PT_EINVAL, line, "autonomy_hours",
				   "must be a finite number of hours from 0 to 1000000");
	if (!isfinite(dep->service_loss) || dep->service_loss < 0 || dep->service_loss > 1)
		return pt_diag_put(d, PT_EINVAL, line, "service_loss", "must be from 0 to 1");
	return PT_OK;
}

/* A row in the order of the set's checks. */
struct dep_ref {
	const struct pt_dependency *dep;
	size_t i;
};

static int by_pair(const void *a, const void *b)
{
	const struct dep_ref *x = a, *y = b;
	int c = strcmp(x->dep->consumer_id, y->dep->consumer_id);
	if (!c)
		c = strcmp(x->dep->provider_id, y->dep->provider_id);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

static int by_group(const void *a, const void *b)
{
	const struct dep_ref *x = a, *y = b;
	int c = strcmp(x->dep->consumer_id, y->dep->consumer_id);
	if (!c)
		c = strcmp(x->dep->group, y->dep->group);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* "what as row N" into d without stdio (the core prints nothing). */
static enum pt_err at_fault(struct pt_diag *d, const char *field, const char *what, size_t row)
{
	char msg[160], num[24];
	size_t n = 0, k = 0;
	do
		num[n++] = (char)('0' + row % 10);
	while ((row /= 10) && n < sizeof num - 1);
	pt_strlcpy(msg, what, sizeof msg);
	k = strlen(msg);
	pt_strlcpy(msg + k, " as row ", sizeof msg - k);
	k = strlen(msg);
	while (n && k < sizeof msg - 1)
		msg[k++] = num[--n];
	msg[k] = '\0';
	return pt_diag_put(d, PT_EINVAL, 0, field, msg);
}

enum pt_err pt_dependencies_check_at(const struct pt_dependency *deps, size_t n, size_t *bad,
				     size_t *earlier, struct pt_diag *d)
{
	struct dep_ref *r;
	size_t i, b = SIZE_MAX, e = 0, first = 0;
	const char *field = "", *what = "";

	if (n < 2)
		return PT_OK;
	if (n > SIZE_MAX / sizeof *r || !(r = malloc(n * sizeof *r)))
		return pt_diag_put(d, PT_ENOMEM, 0, "", "out of memory");
	for (i = 0; i < n; i++)
		r[i] = (struct dep_ref){&deps[i], i};
	qsort(r, n, sizeof *r, by_pair);
	for (i = 1; i < n; i++)
		if (strcmp(r[i].dep->consumer_id, r[i - 1].dep->consumer_id) == 0 &&
		    strcmp(r[i].dep->provider_id, r[i - 1].dep->provider_id) == 0 && r[i].i < b) {
			b = r[i].i;
			e = r[i - 1].i;
			field = "consumer_id";
			what = "the same provider_id and consumer_id";
		}
	qsort(r, n, sizeof *r, by_group);
	for (i = 0; i < n; i++) {
		const struct pt_dependency *x = r[i].dep, *f;
		if (i == 0 || strcmp(x->consumer_id, r[i - 1].dep->consumer_id) != 0 ||
		    strcmp(x->group, r[i - 1].dep->group) != 0) {
			first = i; /* the group's earliest row: the others must agree with it */
			continue;
		}
		f = r[first].dep;
		if (!x->group[0] || r[i].i >= b)
			continue;
		if (x->autonomy_hours != f->autonomy_hours) {
			b = r[i].i;
			e = r[first].i;
			field = "autonomy_hours";
			what = "the rows of a group must agree: not the same autonomy_hours";
		} else if (x->service_loss != f->service_loss) {
			b = r[i].i;
			e = r[first].i;
			field = "service_loss";
			what = "the rows of a group must agree: not the same service_loss";
		}
	}
	free(r);
	if (b == SIZE_MAX)
		return PT_OK;
	if (bad)
		*bad = b;
	if (earlier)
		*earlier = e;
	return at_fault(d, field, what, e);
}

enum pt_err pt_dependencies_check(const struct pt_dependency *deps, size_t n, size_t *bad,
				  struct pt_diag *d)
{
	return pt_dependencies_check_at(deps, n, bad, NULL, d);
}

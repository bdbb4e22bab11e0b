/* pt_alert_template_builtin.c - the alert templates compiled into the binary
 * (data/alerts/ID.json as "alerts/ID.json" in pt_embedded), parsed once. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "pt_alert_template_io.h"
#include "pt_diag.h"
#include "pt_embedded.h"

#define PREFIX "alerts/"
#define SUFFIX ".json"

static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;
static struct pt_alert_template *builtin;
static size_t n_builtin;
static enum pt_err builtin_err;
static struct pt_diag builtin_diag;

static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct pt_alert_template *)a)->id,
		      ((const struct pt_alert_template *)b)->id);
}

/* The id of an embedded file "alerts/ID.json" into id (size), or 0 when it is not one. */
static int template_id(const char *name, char *id, size_t size)
{
	size_t n = strlen(name), p = strlen(PREFIX), s = strlen(SUFFIX);
	if (n <= p + s || strncmp(name, PREFIX, p) != 0 || strcmp(name + n - s, SUFFIX) != 0 ||
	    n - p - s >= size || memchr(name + p, '/', n - p - s))
		return 0;
	memcpy(id, name + p, n - p - s);
	id[n - p - s] = '\0';
	return 1;
}

static void load(void)
{
	const struct pt_embedded_file *f;
	char id[PT_ALERT_TEMPLATE_ID_MAX];
	size_t n = 0;
	for (f = pt_embedded_files; f->name; f++)
		if (template_id(f->name, id, sizeof id))
			n++;
	if (n > PT_ALERT_MAX_TEMPLATES) {
		builtin_err = pt_diag_set(&builtin_diag, PT_EINTERNAL, 0, "",
					  "more than %d built-in alert templates",
					  PT_ALERT_MAX_TEMPLATES);
		return;
	}
	builtin = calloc(n ? n : 1, sizeof *builtin);
	if (!builtin) {
		builtin_err = pt_diag_set(&builtin_diag, PT_ENOMEM, 0, "", "out of memory");
		return;
	}
	for (f = pt_embedded_files; f->name; f++) {
		enum pt_err err;
		if (!template_id(f->name, id, sizeof id))
			continue;
		err = pt_alert_template_parse(f->data, f->len, id, &builtin[n_builtin],
					      &builtin_diag);
		if (err != PT_OK) {
			pt_strlcpy(builtin_diag.file, f->name, sizeof builtin_diag.file);
			builtin_err = err == PT_ENOMEM ? err : PT_EINTERNAL;
			n_builtin = 0;
			return;
		}
		n_builtin++;
	}
	qsort(builtin, n_builtin, sizeof *builtin, by_id);
}

enum pt_err pt_alert_templates_builtin(const struct pt_alert_template **out, size_t *n,
				       struct pt_diag *d)
{
	pthread_once(&builtin_once, load);
	if (builtin_err != PT_OK) {
		if (d) {
			pt_strlcpy(d->file, builtin_diag.file, sizeof d->file);
			d->line = builtin_diag.line;
			pt_strlcpy(d->field, builtin_diag.field, sizeof d->field);
			pt_strlcpy(d->msg, builtin_diag.msg, sizeof d->msg);
		}
		*out = NULL;
		*n = 0;
		return builtin_err;
	}
	*out = builtin;
	*n = n_builtin;
	return PT_OK;
}

const struct pt_alert_template *pt_alert_template_find(const char *id)
{
	const struct pt_alert_template *all;
	size_t n, i;
	if (!id || pt_alert_templates_builtin(&all, &n, NULL) != PT_OK)
		return NULL;
	for (i = 0; i < n; i++)
		if (strcmp(all[i].id, id) == 0)
			return &all[i];
	return NULL;
}

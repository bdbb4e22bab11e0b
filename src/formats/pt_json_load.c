/* pt_json_load.c - the strict jansson load the JSON readers share, with
 * jansson's allocations watched so out of memory is not called bad syntax. */
#include "pt_json_load.h"

#include <pthread.h>
#include <stdlib.h>

#include "pt_diag.h"

/*
 * Jansson reports a failed allocation while parsing as a syntax error, so
 * its allocations go through a wrapper that notes the failure (per thread).
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

void pt_json_sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7F)
			*s = '?';
}

enum pt_err pt_json_load_strict(const char *buf, size_t len, size_t *skip, json_t **root,
				struct pt_diag *d)
{
	json_error_t jerr;

	*skip = 0;
	if (!buf)
		len = 0;
	if (len >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
	    (unsigned char)buf[2] == 0xBF)
		*skip = 3;
	pthread_once(&json_alloc_once, json_alloc_init);
	json_oom = 0;
	*root = json_loadb(buf ? buf + *skip : "", len - *skip, JSON_REJECT_DUPLICATES, &jerr);
	if (*root && !json_oom)
		return PT_OK;
	json_decref(*root);
	*root = NULL;
	if (json_oom || json_error_code(&jerr) == json_error_out_of_memory)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	pt_json_sanitize(jerr.text);
	return pt_diag_set(d, PT_EINVAL, jerr.line > 0 ? jerr.line : 1, "", "invalid JSON: %s",
			   jerr.text);
}

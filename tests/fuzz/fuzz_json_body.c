/* fuzz_json_body.c - libFuzzer target of the HTTP API's JSON request bodies: the strict
 * parser (pt_json_parse_body) and the declared validator of the route the first byte picks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/pt_http_int.h"
#include "http/pt_http_valid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The routes of pt_routes that declare a body, in table order: input byte 0 modulo their
 * count picks one (the corpus's seeds are named after their route). */
static const struct pt_route *body_routes[64];
static size_t n_body;

static void setup(void)
{
	const struct pt_route *rt;
	if (n_body)
		return;
	for (rt = pt_routes; rt->method; rt++)
		if (rt->body && n_body < sizeof body_routes / sizeof body_routes[0])
			body_routes[n_body++] = rt;
	if (!n_body)
		abort();
}

/* What a refused body must give the client: a message, a bounded field path. */
static void check_refusal(enum pt_err err, const struct pt_verror *e)
{
	if ((err != PT_EINVAL && err != PT_ELIMIT) || !e->msg[0] ||
	    strnlen(e->msg, sizeof e->msg) == sizeof e->msg ||
	    strnlen(e->field, sizeof e->field) == sizeof e->field)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct pt_route *rt;
	struct pt_verror e;
	json_t *j = NULL, *again = NULL;
	char *text;
	enum pt_err err;
	if (size < 1)
		return 0;
	setup();
	rt = body_routes[data[0] % n_body];
	err = pt_json_parse_body((const char *)data + 1, size - 1, &j, &e);
	if (err != PT_OK) {
		if (j || e.field[0])
			__builtin_trap(); /* a parse error names a place in the text, not a field */
		check_refusal(err, &e);
		return 0;
	}
	if (!json_is_object(j) || pt_json_depth(j, PT_JSON_DEPTH_MAX) > PT_JSON_DEPTH_MAX)
		__builtin_trap();
	err = pt_validate_object(j, rt->body, "", &e);
	if (err != PT_OK) {
		check_refusal(err, &e);
		json_decref(j);
		return 0;
	}
	/* An accepted body, written out and read again, is accepted again (what a client
	 * that echoes a validated body back would send). */
	text = json_dumps(j, JSON_COMPACT);
	if (text) {
		err = pt_json_parse_body(text, strlen(text), &again, &e);
		if (err == PT_OK)
			err = pt_validate_object(again, rt->body, "", &e);
		if (err != PT_OK && err != PT_ENOMEM)
			__builtin_trap();
		json_decref(again);
		free(text);
	}
	json_decref(j);
	return 0;
}

/* pt_http_run_limits.c - issue 15 (attack reviews 4 and 6; N2 and N3 of round 3): the
 * server's limits on exercise runs per user: writes to one run a minute (serve --run-rate),
 * answered 429 with Retry-After past it, and refused requests on runs a minute (serve
 * --run-refusals), past which requests are still served but their refusals are not audited
 * one by one. Shared by the runs' handlers, their event stream, their report and their
 * exercise alerts. */
#include <stdio.h>

#include "../app/pt_app_exercise_runs.h"
#include "pt_http_api.h"

/* The key of r's user in the refusal limit; 0 when there is no limit for it. */
static int refusal_key(const struct pt_req *r, char *key, size_t size)
{
	struct pt_caller c;
	pt_api_caller(r, &c);
	if (!r->session || c.who.system || c.who.user_id <= 0 || !r->srv->run_refusals)
		return 0;
	snprintf(key, size, "refused user %lld", (long long)c.who.user_id);
	return 1;
}

void pt_http_run_refusals_mark(struct pt_req *r)
{
	char key[64];
	r->run_quiet = refusal_key(r, key, sizeof key) &&
		       pt_rate_peek(r->srv->run_refusals, key, pt_http_now_ms()) != 0;
}

void pt_http_run_refused(struct pt_req *r)
{
	char key[64];
	if (!refusal_key(r, key, sizeof key) ||
	    pt_rate_take(r->srv->run_refusals, key, pt_http_now_ms()) == 0)
		return;
	if (pt_rate_take(r->srv->run_refusals_note, key, pt_http_now_ms()) == 0) {
		struct pt_caller c;
		struct pt_diag d = PT_DIAG_INIT;
		pt_api_caller(r, &c);
		(void)pt_app_run_refusals_throttled(
		    &c, r->db, r->srv->cfg.run_refusals ? r->srv->cfg.run_refusals : PT_HTTP_RUN_REFUSALS,
		    &d);
	}
}

/* attack review 4: a user's writes on one run (responses, log entries, decisions,
 * observations) through r->srv->run_rate: 0, or 1 after replying 429 with Retry-After. */
int pt_http_run_rate_or_reply(struct pt_req *r, const struct pt_caller *c, long long id)
{
	char key[64];
	long wait;
	if (c->who.system || !r->srv->run_rate)
		return 0;
	snprintf(key, sizeof key, "run %lld user %lld", id, (long long)c->who.user_id);
	if ((wait = pt_rate_take(r->srv->run_rate, key, pt_http_now_ms())) == 0)
		return 0;
	pt_reply_too_many(r, wait, "writes to this run from you");
	return 1;
}


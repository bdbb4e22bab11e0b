/* cmd_serve.c - `protect serve`: run the HTTP server (API and web page) on
 * the registry until SIGINT or SIGTERM, then stop gracefully. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pt_app_audit.h"
#include "app/pt_app_exercise_runs.h"
#include "app/pt_app_attachments.h"
#include "cli.h"
#include "http/pt_http.h"

/*
 * --pause-runs-on-restart: the exercise runs still running pause (when the
 * server starts: the ones a crash left running; when it stops: every one).
 */
static int pause_exercise_runs(struct pt_db *db, enum pt_run_pause_when when)
{
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	size_t n = 0;
	enum pt_err err;
	pt_caller_system(&c);
	err = pt_app_run_pause_all(&c, db, when, &n, &d);
	if (n)
		printf("protect serve: %zu exercise run%s paused (--pause-runs-on-restart)\n", n,
		       n == 1 ? "" : "s");
	if (err != PT_OK)
		return pt_cli_fail(err, &d);
	return 0;
}

int pt_cmd_serve(struct pt_cli *cli)
{
	struct pt_http_config cfg;
	struct pt_http_server *srv = NULL;
	struct pt_db *db = NULL;
	struct pt_diag d;
	sigset_t stop, old;
	unsigned long port = 8080, threads = 0, upload = 0;
	unsigned long busy_wait = 0; /* busy registry: 0 = PT_BUSY_WAIT_MS */
	unsigned long budget = 0, conns = 0, per_addr = 0, idle = 0, min_rate = 0; /* issue 10 */
	unsigned long compute_threads = 0, compute_queue = 0; /* the compute pool (issue 10) */
	unsigned long public_rate = 0; /* issue 13: the public alert paths */
	unsigned long run_rate = 0;    /* issue 15, attack review 4 */
	unsigned long run_refusals = 0; /* attack review 6, round 2 */
	enum pt_err err;
	long cut = 0;
	int i, sig = 0, rc, pause_runs = 0;

	memset(&cfg, 0, sizeof cfg);
	cfg.bind = "127.0.0.1";
	for (i = 0; i < cli->argc; i++) {
		const char *opt = cli->argv[i];
		const char *val = i + 1 < cli->argc ? cli->argv[i + 1] : NULL;
		if (strcmp(opt, "--behind-tls") == 0) { /* a flag: no value */
			cfg.behind_tls = 1;
			continue;
		}
		if (strcmp(opt, "--pause-runs-on-restart") == 0) { /* issue 15 review finding 10 */
			pause_runs = 1;
			continue;
		}
		if (!val)
			return pt_cli_usage_error(cli, "unknown option or missing value: '%s'", opt);
		i++;
		if (strcmp(opt, "--bind") == 0) {
			cfg.bind = val;
		} else if (strcmp(opt, "--port") == 0) {
			if (pt_cli_parse_ulong(val, 0, 65535, &port))
				return pt_cli_usage_error(cli, "--port: '%s' is not a port 0-65535", val);
		} else if (strcmp(opt, "--threads") == 0) {
			if (pt_cli_parse_ulong(val, 1, PT_HTTP_THREADS_MAX, &threads))
				return pt_cli_usage_error(cli, "--threads: '%s' is not a whole number 1-%d", val,
							  PT_HTTP_THREADS_MAX);
		} else if (strcmp(opt, "--upload-max") == 0) {
			if (pt_cli_parse_ulong(val, 1, PT_HTTP_UPLOAD_MAX, &upload))
				return pt_cli_usage_error(cli, "--upload-max: '%s' is not a byte count 1-%lu",
							  val, PT_HTTP_UPLOAD_MAX);
		} else if (strcmp(opt, "--busy-wait") == 0) { /* busy registry */
			if (pt_cli_parse_ulong(val, 1, PT_BUSY_WAIT_MAX_MS, &busy_wait))
				return pt_cli_usage_error(cli, "--busy-wait: '%s' is not milliseconds 1-%d",
							  val, PT_BUSY_WAIT_MAX_MS);
		} else if (strcmp(opt, "--body-budget") == 0) { /* resource limits (issue 10) */
			if (pt_cli_parse_ulong(val, 1, PT_HTTP_BODY_BUDGET_MAX, &budget))
				return pt_cli_usage_error(cli, "--body-budget: '%s' is not a byte count 1-%lu",
							  val, PT_HTTP_BODY_BUDGET_MAX);
		} else if (strcmp(opt, "--connections-max") == 0) {
			if (pt_cli_parse_ulong(val, 1, PT_HTTP_CONNECTIONS_MAX, &conns))
				return pt_cli_usage_error(cli, "--connections-max: '%s' is not a whole number 1-%u",
							  val, PT_HTTP_CONNECTIONS_MAX);
		} else if (strcmp(opt, "--per-address-max") == 0) {
			if (pt_cli_parse_ulong(val, 1, PT_HTTP_CONNECTIONS_MAX, &per_addr))
				return pt_cli_usage_error(cli, "--per-address-max: '%s' is not a whole number 1-%u",
							  val, PT_HTTP_CONNECTIONS_MAX);
		} else if (strcmp(opt, "--idle-timeout") == 0) {
			if (pt_cli_parse_ulong(val, 1, PT_HTTP_IDLE_TIMEOUT_MAX, &idle))
				return pt_cli_usage_error(cli, "--idle-timeout: '%s' is not a number of seconds 1-%u",
							  val, PT_HTTP_IDLE_TIMEOUT_MAX);
		} else if (strcmp(opt, "--body-min-rate") == 0) {
			if (pt_cli_parse_ulong(val, 1, 1UL << 30, &min_rate))
				return pt_cli_usage_error(cli, "--body-min-rate: '%s' is not a rate 1-%lu bytes/s",
							  val, 1UL << 30);
		} else if (strcmp(opt, "--proxy") == 0) {
			cfg.proxy = val;
		} else if (strcmp(opt, "--proxy-header") == 0) {
			cfg.proxy_header = val;
		} else if (strcmp(opt, "--plan-cache-mb") == 0) { /* plan cache (issue 10) */
			unsigned long mb;
			if (pt_cli_parse_ulong(val, 0, PT_HTTP_PLAN_CACHE_MB_MAX, &mb))
				return pt_cli_usage_error(cli, "--plan-cache-mb: '%s' is not a whole number 0-%u",
							  val, PT_HTTP_PLAN_CACHE_MB_MAX);
			cfg.plan_cache_mb = mb ? (unsigned)mb : PT_HTTP_PLAN_CACHE_OFF;
		} else if (strcmp(opt, "--compute-threads") == 0) { /* the compute pool (issue 10) */
			if (pt_cli_parse_ulong(val, 1, PT_HTTP_COMPUTE_THREADS_MAX, &compute_threads))
				return pt_cli_usage_error(cli, "--compute-threads: '%s' is not a whole number 1-%d",
							  val, PT_HTTP_COMPUTE_THREADS_MAX);
		} else if (strcmp(opt, "--compute-queue") == 0) {
			if (pt_cli_parse_ulong(val, 1, PT_HTTP_COMPUTE_QUEUE_MAX, &compute_queue))
				return pt_cli_usage_error(cli, "--compute-queue: '%s' is not a whole number 1-%d",
							  val, PT_HTTP_COMPUTE_QUEUE_MAX);
		} else if (strcmp(opt, "--public-rate") == 0) { /* issue 13 */
			if (pt_cli_parse_ulong(val, 1, PT_HTTP_PUBLIC_RATE_MAX, &public_rate))
				return pt_cli_usage_error(cli, "--public-rate: '%s' is not a whole number 1-%u",
							  val, PT_HTTP_PUBLIC_RATE_MAX);
		} else if (strcmp(opt, "--run-rate") == 0) { /* issue 15, attack review 4 */
			if (pt_cli_parse_ulong(val, 1, PT_HTTP_RUN_RATE_MAX, &run_rate))
				return pt_cli_usage_error(cli, "--run-rate: '%s' is not a whole number 1-%u",
							  val, PT_HTTP_RUN_RATE_MAX);
		} else if (strcmp(opt, "--run-refusals") == 0) { /* attack review 6, round 2 */
			if (pt_cli_parse_ulong(val, 1, PT_HTTP_RUN_RATE_MAX, &run_refusals))
				return pt_cli_usage_error(
				    cli, "--run-refusals: '%s' is not a whole number 1-%u", val,
				    PT_HTTP_RUN_RATE_MAX);
		} else {
			return pt_cli_usage_error(cli, "unknown option '%s'", opt);
		}
	}
	/* Check the registry first, for the CLI's usual messages. */
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	/* audit: a key file open to other users is refused before the server starts */
	memset(&d, 0, sizeof d);
	if ((err = pt_app_audit_key_check(db, "the server does not start", &d)) != PT_OK) {
		pt_app_db_close(db);
		return pt_cli_fail(err, &d);
	}
	if (pause_runs && (rc = pause_exercise_runs(db, PT_RUN_PAUSE_AT_RESTART)) != 0) {
		pt_app_db_close(db);
		return rc;
	}
	{ /* issue 16 item 3: attachments past their retention go before anyone can ask for them */
		struct pt_caller sys;
		pt_caller_system(&sys);
		if ((err = pt_app_attachments_purge(&sys, db, NULL, &d)) != PT_OK) {
			pt_app_db_close(db);
			return pt_cli_fail(err, &d);
		}
	}
	pt_app_db_close(db);

	cfg.db_path = cli->db_path;
	cfg.port = (unsigned)port;
	cfg.threads = (unsigned)threads;
	cfg.upload_max = upload;
	cfg.busy_wait_ms = busy_wait ? (unsigned)busy_wait : cli->busy_wait_ms; /* else the global one */
	cfg.body_budget = budget;
	cfg.connections_max = (unsigned)conns;
	cfg.per_address_max = (unsigned)per_addr;
	cfg.idle_timeout_s = (unsigned)idle;
	cfg.body_min_rate = (unsigned)min_rate;
	if (cfg.proxy_header && !cfg.proxy)
		return pt_cli_usage_error(cli, "--proxy-header needs --proxy (the proxy's address)");
	cfg.compute_threads = (unsigned)compute_threads;
	cfg.compute_queue = (unsigned)compute_queue;
	cfg.public_rate = (unsigned)public_rate; /* issue 13 */
	cfg.run_rate = (unsigned)run_rate;       /* issue 15, attack review 4 */
	cfg.run_refusals = (unsigned)run_refusals; /* attack review 6, round 2 */
	/* The worker threads inherit a mask without SIGINT and SIGTERM: only sigwait below sees them. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	signal(SIGPIPE, SIG_IGN);
	memset(&d, 0, sizeof d);
	err = pt_http_start(&cfg, &srv, &d);
	if (err != PT_OK) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return pt_cli_fail(err, &d);
	}
	/* the start-up line echoes the proxy and TLS settings (an operator checks them here) */
	printf("protect serve: listening on http://%s%s%s:%u/ (%u threads; database %s",
	       strchr(cfg.bind, ':') ? "[" : "", cfg.bind, strchr(cfg.bind, ':') ? "]" : "",
	       pt_http_port(srv), pt_http_threads(srv), cli->db_path);
	if (cfg.proxy)
		printf("; behind a %sproxy at %s, forwarded header %s", cfg.behind_tls ? "TLS " : "",
		       cfg.proxy, cfg.proxy_header ? cfg.proxy_header : "X-Forwarded-For");
	else if (cfg.behind_tls)
		printf("; behind TLS");
	if (cfg.behind_tls)
		printf("; Secure cookies, Strict-Transport-Security");
	printf(")\n");
	printf("protect serve: Ctrl-C (SIGINT) or SIGTERM stops it gracefully\n");
	fflush(stdout);
	if (!cfg.behind_tls && !pt_http_bind_is_loopback(cfg.bind))
		pt_cli_errorf("serve: warning: listening on %s beyond the loopback without TLS: "
			      "passwords and session cookies cross the network in clear; put a TLS "
			      "proxy in front and pass --behind-tls (and --proxy ADDRESS)",
			      cfg.bind);
	if (sigwait(&stop, &sig) != 0)
		sig = SIGTERM;
	printf("protect serve: %s: finishing requests in flight\n",
	       sig == SIGINT ? "SIGINT" : "SIGTERM");
	fflush(stdout);
	pt_http_stop(srv, &cut); /* the signals stay blocked: a second one does not cut the stop short */
	if (cut)
		pt_cli_errorf("serve: %ld requests were still running at the shutdown timeout", cut);
	if (pause_runs && pt_cli_open_db(cli, 0, &db) == 0) {
		(void)pause_exercise_runs(db, PT_RUN_PAUSE_AT_STOP);
		pt_app_db_close(db);
	}
	printf("protect serve: stopped; database closed\n");
	return fflush(stdout) == 0 ? 0 : pt_cli_stdout_failed();
}

/* cmd_peers.c - `protect peers SITE` and `protect what-if SITE --measure ID` (issue 16, item 7):
 * a site against its sector, and what one measure would change of its risk, rank and band. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "app/pt_app_peers.h"
#include "cli.h"
#include "formats/pt_peers_json.h"

/* Options of both commands; 0 or an exit status. */
static int parse(struct pt_cli *cli, int what_if, const char **site, const char **measure,
		 const char **as, enum pt_method *method, enum pt_format *fmt)
{
	const char *val;
	int i;
	*site = *measure = *as = NULL;
	*method = PT_METHOD_FEMA;
	*fmt = PT_FORMAT_TABLE;
	for (i = 0; i < cli->argc; i++) {
		if ((val = pt_cli_option(cli, &i, "--as"))) {
			if (!val[0])
				return pt_cli_usage_error(cli, "--as needs a user name");
			*as = val;
		} else if ((val = pt_cli_option(cli, &i, "--method"))) {
			if (pt_method_parse(val, method) != PT_OK ||
			    (what_if && *method == PT_METHOD_CARVER))
				return pt_cli_usage_error(cli, "--method must be %s",
							  what_if ? "fema or quant" : "fema, carver or quant");
		} else if (what_if && (val = pt_cli_option(cli, &i, "--measure"))) {
			if (!val[0])
				return pt_cli_usage_error(cli, "--measure needs a measure id");
			*measure = val;
		} else if ((val = pt_cli_option(cli, &i, "--format"))) {
			if (pt_cli_parse_format(val, 0, fmt) || *fmt == PT_FORMAT_CSV)
				return pt_cli_usage_error(cli, "--format must be table or json");
		} else if (cli->argv[i][0] == '-' && cli->argv[i][1]) {
			return pt_cli_usage_error(cli, "unknown option '%s'", cli->argv[i]);
		} else if (!*site) {
			*site = cli->argv[i];
		} else {
			return pt_cli_usage_error(cli, "too many arguments");
		}
	}
	if (!*site)
		return pt_cli_usage_error(cli, "missing SITE");
	if (what_if && !*measure)
		return pt_cli_usage_error(cli, "missing --measure ID");
	return 0;
}

static void print_peers(const struct pt_peer_view *v)
{
	size_t i;
	printf("%s against the assessed sites of its %s %s (%s)\n", v->site_id,
	       v->by_kind ? "kind" : "sector", v->group, pt_method_name(v->method));
	if (v->by_kind)
		printf("(its sector %s has fewer than %d other assessed sites)\n", v->sector,
		       PT_PEERS_MIN);
	if (!v->assessed) {
		printf("not assessed by %s: no comparison\n", pt_method_name(v->method));
		return;
	}
	if (!v->comparable) {
		printf("fewer than %d peers: no comparison\n", PT_PEERS_MIN);
		return;
	}
	if (v->show_count)
		printf("peers: %zu\n", v->peers);
	printf("peers' scores: 25%% %.6g, median %.6g, 75%% %.6g\n", v->p25, v->p50, v->p75);
	for (i = 0; i < v->n_factors; i++) {
		const struct pt_peer_factor *f = &v->factors[i];
		printf("  ");
		pt_cli_print_cell(stdout, f->name, 40);
		if (f->comparable)
			printf(" %10.6g  percentile %.0f among peers\n", f->value, f->percentile);
		else
			printf(" %10.6g  fewer than %d peers rated it\n", f->value, PT_PEERS_MIN);
	}
	printf("peers you may read: %zu\n", v->n_named);
}

static void print_standing(const char *what, const struct pt_standing *s)
{
	if (!s->ranked)
		printf("%-7s not ranked\n", what);
	else
		printf("%-7s score %.6g, rank %zu of %zu, band %s\n", what, s->score, s->rank, s->of,
		       pt_band_name(s->band));
}

int pt_cmd_peers(struct pt_cli *cli)
{
	const char *site, *measure, *as;
	enum pt_method method;
	enum pt_format fmt;
	struct pt_peer_view v;
	struct pt_db *db = NULL;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	int rc;
	if ((rc = parse(cli, 0, &site, &measure, &as, &method, &fmt)))
		return rc;
	if ((rc = pt_cli_open_db(cli, 0, &db)) || (rc = pt_cli_caller(db, as, &c)))
		goto out;
	memset(&d, 0, sizeof d);
	if ((err = pt_app_site_peers(&c, db, site, method, &v, &d)) != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	if (fmt == PT_FORMAT_JSON)
		rc = pt_cli_write_json(pt_json_peer_view(&v), 0);
	else
		print_peers(&v);
	pt_peer_view_clear(&v);
out:
	pt_app_db_close(db);
	return rc;
}

int pt_cmd_what_if(struct pt_cli *cli)
{
	const char *site, *measure, *as;
	enum pt_method method;
	enum pt_format fmt;
	struct pt_what_if w;
	struct pt_db *db = NULL;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	int rc;
	if ((rc = parse(cli, 1, &site, &measure, &as, &method, &fmt)))
		return rc;
	if ((rc = pt_cli_open_db(cli, 0, &db)) || (rc = pt_cli_caller(db, as, &c)))
		goto out;
	memset(&d, 0, sizeof d);
	if ((err = pt_app_site_what_if(&c, db, site, measure, method, &w, &d)) != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	if (fmt == PT_FORMAT_JSON) {
		rc = pt_cli_write_json(pt_json_what_if(&w), 0);
		goto out;
	}
	printf("%s with %s (%s), not stored:\n", w.site_id, w.measure_name, pt_method_name(method));
	if (w.in_place)
		printf("already in place: the assessment includes it; nothing changes\n");
	else if (w.committed)
		printf("committed or installed since the site's assessment: the plan and the comparison "
		       "count it already; below, its effect on the assessed risk\n");
	else if (!w.applies)
		printf("note: the catalogue does not mean it for this kind and sector of site\n");
	print_standing("before", &w.before);
	print_standing("after", &w.after);
out:
	pt_app_db_close(db);
	return rc;
}

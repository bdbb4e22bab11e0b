/* cmd_gen.c - `protect gen`: a synthetic national dataset of any size in
 * the exchange formats (sites.csv, fema.csv, carver.csv, quant.csv,
 * dependencies.csv), for scale tests. Streams in chunks, so memory does not grow with N. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "core/pt_gen.h"
#include "formats/pt_assess_io.h"
#include "formats/pt_diag.h"
#include "formats/pt_sites_io.h"

#define GEN_CHUNK 4096
#define GEN_FILES 5

struct gen_files {
	FILE *f[GEN_FILES];
	char path[GEN_FILES][4096];
	unsigned long long n_deps;
};

static const char *const gen_names[GEN_FILES] = {"sites.csv", "fema.csv", "carver.csv", "quant.csv",
						 "dependencies.csv"};

/* The dependency types by enum pt_dep_type (the names of the dependencies CSV). */
static const char *const gen_dep_types[PT_DEP_TYPE_COUNT] = {"physical", "cyber", "geographic",
							     "logical"};

/* The dependencies of the chunk's sites, in site order (issue 12); the ids are
 * S digits and the group names plain words, so no field needs quoting. */
static int gen_dependencies(const struct pt_gen_params *params, const struct pt_catalogs *cat,
			    uint64_t first, size_t n, struct gen_files *g)
{
	struct pt_dependency deps[PT_GEN_DEPS_MAX];
	size_t i, k, m;
	enum pt_err err;
	if (first == 0 &&
	    fputs("provider_id,consumer_id,type,autonomy_hours,service_loss,group\n", g->f[4]) < 0)
		return 74;
	for (i = 0; i < n; i++) {
		err = pt_gen_dependencies(params, cat, first + i, deps, &m);
		if (err != PT_OK) {
			pt_cli_errorf("generating the dependencies of site %llu: %s",
				      (unsigned long long)(first + i), pt_strerror(err));
			return pt_err_exit_status(err);
		}
		for (k = 0; k < m; k++)
			if (fprintf(g->f[4], "%s,%s,%s,%g,%g,%s\n", deps[k].provider_id,
				    deps[k].consumer_id, gen_dep_types[deps[k].type],
				    deps[k].autonomy_hours, deps[k].service_loss, deps[k].group) < 0)
				return 74;
		g->n_deps += m;
	}
	return 0;
}

static int close_all(struct gen_files *g, int rc)
{
	int i;
	for (i = 0; i < GEN_FILES; i++) {
		if (g->f[i] && fclose(g->f[i]) != 0 && !rc) {
			pt_cli_errorf("%s: %s", g->path[i], strerror(errno));
			rc = 74;
		}
		g->f[i] = NULL;
	}
	return rc;
}

static int gen_chunk(const struct pt_gen_params *params, const struct pt_catalogs *cat,
		     uint64_t first, size_t n, struct gen_files *g, struct pt_site *sites,
		     struct pt_assessment_set sets[3])
{
	size_t i, j;
	enum pt_err err = PT_OK;
	int rc;
	for (j = 0; j < 3; j++) {
		sets[j].n = 0;
	}
	for (i = 0; i < n && err == PT_OK; i++) {
		struct pt_carver_row carver;
		err = pt_gen_site(params, cat, first + i, &sites[i]);
		if (err == PT_OK)
			err = pt_gen_carver(params, cat, first + i, &carver);
		if (err == PT_OK)
			err = pt_assessment_set_add_carver(&sets[1], &carver, 0);
		for (j = 0; j < params->n_threats && err == PT_OK; j++) {
			struct pt_fema_row fema;
			struct pt_quant_row quant;
			err = pt_gen_fema(params, cat, first + i, j, &fema);
			if (err == PT_OK)
				err = pt_assessment_set_add_fema(&sets[0], &fema, 0);
			if (err == PT_OK)
				err = pt_gen_quant(params, cat, first + i, j, &quant);
			if (err == PT_OK)
				err = pt_assessment_set_add_quant(&sets[2], &quant, 0);
		}
	}
	if (err != PT_OK) {
		pt_cli_errorf("generating site %llu: %s", (unsigned long long)(first + i),
			      pt_strerror(err));
		return pt_err_exit_status(err);
	}
	if (pt_sites_write_csv_rows(g->f[0], sites, n, first == 0) != PT_OK ||
	    pt_assessments_write_csv_rows(g->f[1], &sets[0], first == 0) != PT_OK ||
	    pt_assessments_write_csv_rows(g->f[2], &sets[1], first == 0) != PT_OK ||
	    pt_assessments_write_csv_rows(g->f[3], &sets[2], first == 0) != PT_OK) {
		pt_cli_errorf("writing the dataset: %s", strerror(errno));
		return 74;
	}
	rc = gen_dependencies(params, cat, first, n, g);
	if (rc == 74)
		pt_cli_errorf("writing the dataset: %s", strerror(errno));
	return rc;
}

int pt_cmd_gen(struct pt_cli *cli)
{
	struct pt_gen_params params;
	struct pt_catalogs cat;
	struct pt_diag d;
	struct gen_files g;
	struct pt_progress progress;
	struct pt_site *sites = NULL;
	struct pt_assessment_set sets[3];
	const char *out_dir = NULL;
	unsigned long n_sites = 0, n_threats = 0, seed = 0;
	int have_sites = 0, have_seed = 0, i, rc = 0;
	uint64_t first;
	enum pt_err err;

	memset(&params, 0, sizeof params);
	memset(&cat, 0, sizeof cat);
	memset(&g, 0, sizeof g);
	memset(sets, 0, sizeof sets);
	memset(&d, 0, sizeof d);
	for (i = 0; i < cli->argc; i++) {
		const char *opt = cli->argv[i];
		const char *val = i + 1 < cli->argc ? cli->argv[i + 1] : NULL;
		if (!val)
			return pt_cli_usage_error(cli, "unknown option or missing value: '%s'", opt);
		i++;
		if (strcmp(opt, "--sites") == 0) {
			if (pt_cli_parse_ulong(val, 1, PT_GEN_SITES_MAX, &n_sites))
				return pt_cli_usage_error(cli, "--sites: '%s' is not a whole number 1-%llu", val,
							  (unsigned long long)PT_GEN_SITES_MAX);
			have_sites = 1;
		} else if (strcmp(opt, "--threats") == 0) {
			if (pt_cli_parse_ulong(val, 1, 1000, &n_threats))
				return pt_cli_usage_error(cli, "--threats: '%s' is not a whole number >= 1", val);
		} else if (strcmp(opt, "--seed") == 0) {
			if (pt_cli_parse_ulong(val, 0, (1UL << 53) - 1, &seed))
				return pt_cli_usage_error(cli, "--seed: '%s' is not a whole number 0-2^53", val);
			have_seed = 1;
		} else if (strcmp(opt, "--out") == 0) {
			out_dir = val;
		} else {
			return pt_cli_usage_error(cli, "unknown option '%s'", opt);
		}
	}
	if (!have_sites || !have_seed || !out_dir)
		return pt_cli_usage_error(cli, "--sites, --seed and --out are required");
	if ((rc = pt_cli_builtin_catalogs(&cat)))
		return rc;
	params.seed = seed;
	params.n_sites = n_sites;
	params.n_threats = n_threats;
	err = pt_gen_check(&params, &cat, &d);
	if (err != PT_OK) {
		rc = err == PT_EINVAL ? (pt_cli_fail(err, &d), 64) : pt_cli_fail(err, &d);
		goto out;
	}
	if (mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
		int e = errno;
		pt_cli_errorf("%s: %s", out_dir, strerror(e));
		rc = e == ENOENT ? 66 : 73;
		goto out;
	}
	for (i = 0; i < GEN_FILES; i++) {
		snprintf(g.path[i], sizeof g.path[i], "%s/%s", out_dir, gen_names[i]);
		g.f[i] = fopen(g.path[i], "w");
		if (!g.f[i]) {
			pt_cli_errorf("%s: %s", g.path[i], strerror(errno));
			rc = 73;
			goto out;
		}
	}
	sites = calloc(GEN_CHUNK, sizeof *sites);
	if (!sites) {
		pt_cli_errorf("out of memory");
		rc = 70;
		goto out;
	}
	sets[0].method = PT_METHOD_FEMA;
	sets[1].method = PT_METHOD_CARVER;
	sets[2].method = PT_METHOD_QUANT;
	pt_progress_init(&progress, "generating");
	for (first = 0; first < params.n_sites && !rc; first += GEN_CHUNK) {
		size_t n = params.n_sites - first < GEN_CHUNK ? (size_t)(params.n_sites - first) : GEN_CHUNK;
		rc = gen_chunk(&params, &cat, first, n, &g, sites, sets);
		pt_progress_update(&progress, first + n, params.n_sites);
	}
	pt_progress_done(&progress);
	rc = close_all(&g, rc);
	if (!rc)
		printf("%s: %llu sites, %zu threat scenarios each, %llu dependencies (sites.csv, "
		       "fema.csv, carver.csv, quant.csv, dependencies.csv), seed %lu\n",
		       out_dir, (unsigned long long)params.n_sites, params.n_threats, g.n_deps, seed);
out:
	close_all(&g, rc);
	free(sites);
	for (i = 0; i < 3; i++)
		pt_assessment_set_clear(&sets[i]);
	pt_cli_free_catalogs(&cat);
	return rc;
}

/* pt_app_simulate_mpi.c - replications split over MPI ranks (issue 14, `make
 * MPI=1`): contiguous blocks, gathered to rank 0 in replication order. Without PT_MPI, one process. */
#include "pt_app_simulate.h"

#include <stdlib.h>
#include <string.h>

#include "../formats/pt_diag.h"

#ifdef PT_MPI
#include <mpi.h>

static int started; /* pt_app_sim_mpi_init called MPI_Init */

int pt_app_sim_mpi_init(void)
{
	int provided = 0, already = 0;
	MPI_Initialized(&already);
	if (already)
		return 0;
	/* the replications' threads never call MPI: only the main thread does */
	if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
		return 1;
	started = 1;
	return 0;
}

int pt_app_sim_mpi_rank(void)
{
	int r = 0, on = 0;
	MPI_Initialized(&on);
	if (on)
		MPI_Comm_rank(MPI_COMM_WORLD, &r);
	return r;
}

int pt_app_sim_mpi_size(void)
{
	int n = 1, on = 0;
	MPI_Initialized(&on);
	if (on)
		MPI_Comm_size(MPI_COMM_WORLD, &n);
	return n;
}

void pt_app_sim_mpi_finish(void)
{
	if (started)
		MPI_Finalize();
	started = 0;
}

/* Replications [lo, hi) of n are rank r's of p: contiguous, in rank order. */
static size_t block_lo(size_t n, int r, int p)
{
	return (size_t)(((unsigned long long)n * (unsigned long long)r) / (unsigned long long)p);
}

enum pt_err pt_app_sim_mpi_runner(void *ctx, const struct pt_mci_scenario *s, uint64_t seed,
				  uint64_t first_rep, size_t n, unsigned threads,
				  struct pt_mci_rep *reps, pt_mci_progress_fn progress,
				  void *progress_ctx, int *complete, struct pt_diag *d)
{
	int rank = pt_app_sim_mpi_rank(), size = pt_app_sim_mpi_size(), r, local_bad, any_bad = 0;
	size_t lo = block_lo(n, rank, size), hi = block_lo(n, rank + 1, size), j;
	size_t per = s->n_hospitals * (n ? reps[0].n_steps : 0); /* load floats per replication */
	int *counts = NULL, *displs = NULL, *lcounts = NULL, *ldispls = NULL;
	struct pt_mci_rep *gathered = NULL;
	float *lsend = NULL, *lrecv = NULL;
	enum pt_err err = PT_OK;

	(void)ctx;
	*complete = rank == 0;
	if (size == 1) {
		*complete = 1;
		return pt_mci_run_many(s, seed, first_rep, n, threads, reps, progress, progress_ctx);
	}
	if (hi > lo)
		err = pt_mci_run_many(s, seed, first_rep + lo, hi - lo, threads, reps + lo,
				      rank == 0 ? progress : NULL, progress_ctx);
	lsend = malloc((hi - lo) * per * sizeof *lsend + 1);
	if (rank == 0) {
		counts = malloc((size_t)size * sizeof *counts);
		displs = malloc((size_t)size * sizeof *displs);
		lcounts = malloc((size_t)size * sizeof *lcounts);
		ldispls = malloc((size_t)size * sizeof *ldispls);
		gathered = malloc(n * sizeof *gathered + 1);
		lrecv = malloc(n * per * sizeof *lrecv + 1);
		if (!counts || !displs || !lcounts || !ldispls || !gathered || !lrecv)
			err = err != PT_OK ? err : PT_ENOMEM;
	}
	if (!lsend)
		err = err != PT_OK ? err : PT_ENOMEM;
	/* every rank learns whether any failed, so none waits in a gather that never comes */
	local_bad = err != PT_OK;
	MPI_Allreduce(&local_bad, &any_bad, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
	if (any_bad) {
		if (err == PT_OK)
			err = PT_EINTERNAL;
		pt_diag_set(d, err, 0, "", "%s", err == PT_EINTERNAL ? "another MPI rank failed"
								   : pt_strerror(err));
		goto out;
	}
	for (j = lo; j < hi; j++)
		memcpy(lsend + (j - lo) * per, reps[j].load, per * sizeof *lsend);
	if (rank == 0)
		for (r = 0; r < size; r++) {
			size_t a = block_lo(n, r, size), b = block_lo(n, r + 1, size);
			counts[r] = (int)((b - a) * sizeof *reps);
			displs[r] = (int)(a * sizeof *reps);
			lcounts[r] = (int)((b - a) * per);
			ldispls[r] = (int)(a * per);
		}
	/* the scalar outputs as bytes (the same binary on every rank), then the load series */
	MPI_Gatherv(reps + lo, (int)((hi - lo) * sizeof *reps), MPI_BYTE, gathered, counts, displs,
		    MPI_BYTE, 0, MPI_COMM_WORLD);
	MPI_Gatherv(lsend, (int)((hi - lo) * per), MPI_FLOAT, lrecv, lcounts, ldispls, MPI_FLOAT, 0,
		    MPI_COMM_WORLD);
	if (rank == 0)
		for (j = 0; j < n; j++) {
			float *load = reps[j].load; /* this process's block, kept */
			reps[j] = gathered[j];
			reps[j].load = load;
			memcpy(load, lrecv + j * per, per * sizeof *lrecv);
		}
out:
	free(counts);
	free(displs);
	free(lcounts);
	free(ldispls);
	free(gathered);
	free(lsend);
	free(lrecv);
	return err;
}

#else /* one process */

int pt_app_sim_mpi_init(void)
{
	return 0;
}

int pt_app_sim_mpi_rank(void)
{
	return 0;
}

int pt_app_sim_mpi_size(void)
{
	return 1;
}

void pt_app_sim_mpi_finish(void)
{
}

enum pt_err pt_app_sim_mpi_runner(void *ctx, const struct pt_mci_scenario *s, uint64_t seed,
				  uint64_t first_rep, size_t n, unsigned threads,
				  struct pt_mci_rep *reps, pt_mci_progress_fn progress,
				  void *progress_ctx, int *complete, struct pt_diag *d)
{
	enum pt_err err;
	(void)ctx;
	*complete = 1;
	err = pt_mci_run_many(s, seed, first_rep, n, threads, reps, progress, progress_ctx);
	if (err != PT_OK)
		pt_diag_set(d, err, 0, "", "%s", err == PT_EINTERNAL ? "cancelled" : pt_strerror(err));
	return err;
}

#endif

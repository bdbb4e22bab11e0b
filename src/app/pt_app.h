/* pt_app.h - what every use case of src/app shares: the caller, the read
 * snapshot and where it comes from, the log of audited reads. */
#ifndef PT_APP_H
#define PT_APP_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/pt_access.h"
#include "../core/pt_err.h"
#include "../core/pt_model.h"
#include "../core/pt_records.h"
#include "../formats/pt_diag.h"
#include "../formats/pt_sites_io.h"

/*
 * Conventions of src/app (docs/internals/app.md):
 * - one function per use case, named pt_app_<noun>_<verb>, taking
 *   (const struct pt_caller *c, struct pt_db *db, <input>, <result out>,
 *   struct pt_diag *d) and returning enum pt_err;
 * - it takes one snapshot (pt_app_snapshot) when it needs the sites and
 *   their access records, asks src/core/pt_access for every decision,
 *   runs src/core, writes through src/store in one transaction, and fills
 *   a result struct the caller frees with the use case's _free/_clear;
 * - it does no I/O of its own and never prints; the faces (src/cli,
 *   src/http) parse, call it and render what it returns.
 */

struct pt_db;           /**< an open registry (pt_app_db_open) */
struct pt_access_index; /**< who owns and may read which site (src/store) */

#define PT_CALLER_NAME_MAX 64 /**< the caller's name as the audit log shows it, bytes with the NUL */

/** Who calls a use case, and when. Plain data. */
struct pt_caller {
	struct pt_principal who; /**< a user, or pt_principal_system (the command line) */
	char name[PT_CALLER_NAME_MAX]; /**< as the audit log shows it */
	int64_t now;             /**< unix seconds; 0: the clock at each write */
	int audit_reads;         /**< nonzero: reads of AMBER and RED records are audited (the API) */
	int quiet_refusals;      /**< nonzero: past the user's limit of refused requests on exercise
				      runs (the API): a refusal is answered without an audit row */
	const struct pt_snapshot_source *snapshots; /**< where snapshots come from; NULL: the db */
	/** Group commit (issue 10): where pt_read_log_commit hands a read's entry instead of
	 * writing it, outside a transaction; NULL: written at once. */
	const struct pt_read_sink *read_sink;
};

/** The command line's caller: the system administrator, reads not audited. */
void pt_caller_system(struct pt_caller *c);

/**
 * The caller for user user_name (the command line's --as USER): its
 * principal and name, reads not audited. PT_ENOTFOUND for an unknown user
 * (d names the field "as").
 */
enum pt_err pt_caller_as_user(struct pt_db *db, const char *user_name, struct pt_caller *c,
			      struct pt_diag *d);

/**
 * Make db act for c: its writes are done, and audited, as c at c->now
 * (pt_db_set_actor). Use cases that write call it first.
 */
void pt_app_act(const struct pt_caller *c, struct pt_db *db);

/** Open the registry at path (create: make it when missing); close with pt_app_db_close. */
enum pt_err pt_app_db_open(const char *path, int create, struct pt_db **out, struct pt_diag *d);

/** Close; NULL does nothing. */
void pt_app_db_close(struct pt_db *db);

/* busy registry: */
/**
 * How long db's writes wait for another connection's write (ms, at most
 * PT_BUSY_WAIT_MAX_MS; PT_BUSY_WAIT_MS when never set) before failing with
 * PT_EBUSY, rolled back. NULL does nothing.
 */
void pt_app_db_busy_wait(struct pt_db *db, unsigned ms);

/** Nonzero when db holds the catalogues (`protect init` or `protect demo` has run). */
int pt_app_db_is_initialised(struct pt_db *db);

/**
 * A watch on the registry at path: a number that changes whenever the
 * registry's data changes (not its audit log, sessions or log-ins), for
 * keeping what was computed from it. One read-only connection of its own;
 * safe from several threads. *out is closed with pt_app_watch_close.
 */
struct pt_ranking_watch;
enum pt_err pt_app_watch_open(const char *path, struct pt_ranking_watch **out,
			      struct pt_diag *d);

/** The registry's current data version (increasing; never reused). */
enum pt_err pt_app_watch_version(struct pt_ranking_watch *w, unsigned long long *version);

/** Close; NULL does nothing. */
void pt_app_watch_close(struct pt_ranking_watch *w);

/**
 * Every site of the registry (by id) and its access index, read in one
 * read transaction so that they agree, at one data version. Shared by the
 * requests that use it (reference counted); never changed once made.
 */
struct pt_snapshot {
	atomic_long refs;
	unsigned long long version; /**< the data version it was read at; 0: do not keep */
	struct pt_site_list sites;  /**< every site, ordered by id */
	struct pt_access_index *ix; /**< owners, partners and RED readers of those sites */
};

/** Where a use case's snapshots come from: the server backs this with its cache. */
struct pt_snapshot_source {
	/** A reference to a snapshot at the registry's current data version, or NULL with d filled. */
	struct pt_snapshot *(*get)(void *ctx, struct pt_db *db, struct pt_diag *d);
	void *ctx;
};

/**
 * Read a new snapshot from db (one reference), tagged with the data version
 * read in the same transaction. NULL with d filled.
 */
struct pt_snapshot *pt_snapshot_load(struct pt_db *db, struct pt_diag *d);

/** c's snapshot source's current snapshot (or pt_snapshot_load without one). */
struct pt_snapshot *pt_app_snapshot(const struct pt_caller *c, struct pt_db *db,
				    struct pt_diag *d);

/** Take another reference; returns s. */
struct pt_snapshot *pt_snapshot_retain(struct pt_snapshot *s);

/** Drop a reference (the last frees it); NULL does nothing. */
void pt_snapshot_release(struct pt_snapshot *s);

/** The index of site id in s->sites, or -1 when there is none. */
long pt_snapshot_find(const struct pt_snapshot *s, const char *id);

/** Site i of s as the access rules see it (arrays borrowed from s). */
void pt_snapshot_record(const struct pt_snapshot *s, size_t i, struct pt_access_record *rec);

/**
 * Mark visible[i] (an array of s->sites.n bytes the caller owns) when who
 * may read site i (pt_access_filter); returns how many are visible.
 */
size_t pt_snapshot_visible(const struct pt_snapshot *s, const struct pt_principal *who,
			   unsigned char *visible);

#define PT_READ_LOG_MAX 4000000 /**< records one audited read may note */

/** A caller and an access index: the context of pt_app_site_visible. Plain data. */
struct pt_access_filter {
	const struct pt_access_index *ix;
	struct pt_principal who;
};

/**
 * A site filter (pt_site_filter_fn of src/app/pt_app_ranking.h): nonzero
 * when the caller of ctx (a struct pt_access_filter) may read site
 * (pt_access_read over the index's record of it).
 */
int pt_app_site_visible(void *ctx, const struct pt_site *site);

/**
 * Nonzero when reader may read every site of s that author may read
 * (pt_access_read, today's labels): what author computed over its view
 * (a saved plan's totals) then tells reader nothing it could not see.
 */
int pt_snapshot_view_covers(const struct pt_snapshot *s, const struct pt_principal *reader,
			    const struct pt_principal *author);

/**
 * The caller's view of snapshot s: bits[i] (an array of s->sites.n bytes the
 * caller owns) gets 1 when c may read site i, plus 2 when with_write and c
 * may change it (pt_access_read, pt_access_write). Returns how many it may read.
 */
size_t pt_app_view_bits(const struct pt_caller *c, const struct pt_snapshot *s, int with_write,
			unsigned char *bits);

/**
 * Audit, as one entry "action", c's reads of the sites of s it may read
 * (bits from pt_app_view_bits) that are the offset-th to the
 * (offset + limit - 1)-th of them in id order (0 and SIZE_MAX: all of them):
 * a list's page, or every site a ranking's figures depend on. Nothing when
 * c's reads are not audited. A read that cannot be audited is not answered.
 */
struct pt_db;
enum pt_err pt_app_view_audit(const struct pt_caller *c, struct pt_db *db,
			      const struct pt_snapshot *s, const unsigned char *bits, size_t offset,
			      size_t limit, const char *action, struct pt_diag *d);

/**
 * The AMBER, AMBER+STRICT and RED records one use case read, for its one
 * audit entry. Start it zeroed; pt_read_log_commit (or pt_read_log_clear)
 * frees what noting allocated.
 */
struct pt_read_log {
	size_t n;      /**< sensitive records noted */
	char ids[768]; /**< their ids, comma-separated, truncated with ",..." (the entry's detail) */
	char (*all)[PT_ID_MAX]; /**< every id noted, n of them (owned; NULL when none) */
	size_t cap;    /**< room in all */
	int failed;    /**< an id could not be kept (out of memory, or past PT_READ_LOG_MAX) */
};

/** Note that the use case read site s (only AMBER and above are kept). */
void pt_read_log_note(struct pt_read_log *log, const struct pt_site *s);

/** Free what log holds and zero it; NULL does nothing. */
void pt_read_log_clear(struct pt_read_log *log);

/**
 * Write the use case's one audit entry "action" for the reads in log, when
 * c->audit_reads and log->n (else nothing), as c (pt_app_act): the detail "N records: IDS"
 * (cut as today), and every id read in the entry's side table, so that the
 * audit list can judge the entry by the records' labels. Empties log
 * (pt_read_log_clear) in every case. A read that cannot be audited must
 * not be answered: on an error (PT_ENOMEM when an id could not be kept)
 * the caller returns it.
 */
enum pt_err pt_read_log_commit(const struct pt_caller *c, struct pt_db *db, const char *action,
			       struct pt_read_log *log, struct pt_diag *d);

/* ---- group commit of read entries (issue 10): a server writes many reads' entries in one
 * transaction, one commit and one key-file head update, answering each read after. ---- */

/** One read's audit entry, kept to be written with others by pt_app_reads_write. */
struct pt_read_entry {
	struct pt_read_entry *next; /**< for the holder's list */
	struct pt_principal who;    /**< the reader, as pt_app_act sets it */
	char name[PT_CALLER_NAME_MAX];
	int64_t now;
	char action[64];            /**< the entry's action ("sites.list") */
	struct pt_read_log log;     /**< the records read (owned) */
};

/** Where pt_read_log_commit puts an entry instead of writing it (struct pt_caller's read_sink). */
struct pt_read_sink {
	/** Take e (the sink frees it from now on); nonzero when it cannot (e left to the caller). */
	int (*put)(void *ctx, struct pt_read_entry *e);
	void *ctx;
};

/** Free e and what it holds; NULL does nothing. */
void pt_read_entry_free(struct pt_read_entry *e);

/**
 * Write the entries e[0..n) in this order in one transaction of db: each
 * as pt_read_log_commit would as its reader (pt_app_act), one commit, one
 * update of the key file's head. All or none: on an error none is written
 * and each read must go unanswered. The entries stay the caller's.
 */
enum pt_err pt_app_reads_write(struct pt_db *db, struct pt_read_entry *const *e, size_t n,
			       struct pt_diag *d);

/* ---- the clock of threat-level expiries and review dates (issue 11) ---- */

/**
 * Fix the clock that threat-level expiries and register review dates are
 * read at (unix seconds; 0: the real clock again). For tests only: the
 * command line sets it from $PROTECT_NOW before it runs a command. Not
 * thread-safe: set it before any thread starts.
 */
void pt_app_clock_fix(int64_t now);

/** The time expiries and review dates are read at: the fixed clock, else caller_now when > 0, else the real clock. */
int64_t pt_app_now(int64_t caller_now);

#endif

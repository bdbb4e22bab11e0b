/* pt_app_dependencies.h - the use cases of the dependencies between sites
 * (issue 12): import, export and a site's providers and consumers, each
 * letting through only what the caller may see (docs/access.md). */
#ifndef PT_APP_DEPENDENCIES_H
#define PT_APP_DEPENDENCIES_H

#include <stddef.h>

#include "../core/pt_cascade.h"
#include "pt_app.h"

/** What a dependencies import did. Plain data. */
struct pt_deps_import_result {
	size_t created, updated; /**< rows that added a dependency, rows that changed a stored one */
	/** stored rows the file does not name, of a group it sets (same consumer and group),
	 * whose hours or loss it changed, counted only where the caller may see them */
	size_t regrouped;
};

/**
 * `import dependencies`: read the CSV data[0, len) (d->file is the
 * caller's), check every row (pt_deps_read_csv), its sites against c's
 * snapshot, and write them all in one transaction, or nothing: each row
 * adds a dependency or replaces the stored one of the same provider and
 * consumer; stored rows the file does not name are kept, except that a row
 * of a group sets the hours and loss of every stored row of its consumer's
 * group (hidden ones included; no stored value is compared or told). Audited ("dependencies.import"). Errors: a bad row
 * PT_EINVAL/PT_ELIMIT with d's line and field; a site that does not exist
 * or that c may not see PT_EINVAL ("unknown site id", field provider_id or
 * consumer_id, the same text for both); a consumer c may not write
 * PT_EFORBIDDEN with the line, field consumer_id (audited as refused); a
 * role that may write no site at all PT_EFORBIDDEN without a line.
 */
enum pt_err pt_app_dependencies_import(const struct pt_caller *c, struct pt_db *db,
				       const char *data, size_t len,
				       struct pt_deps_import_result *out, struct pt_diag *d);

/**
 * Dependencies as one caller may see them: items[i] with the names of its
 * provider (names[2 i]) and consumer (names[2 i + 1]), borrowed from the
 * snapshot the list holds. Caller-owned; pt_app_dep_list_clear.
 */
struct pt_app_dep_list {
	struct pt_dependency *items;
	const char **names;     /**< 2 n names */
	size_t n;
	size_t withheld;        /**< dependencies c may not see, or above the label asked for */
	/** may c be told withheld (pt_access_hidden_counts)? When 0 outputs leave it out */
	int show_withheld;
	enum pt_tlp tlp;        /**< the highest label of the sites the list names (CLEAR when empty) */
	struct pt_snapshot *snap; /**< holds the names */
};

/** Free what l holds and zero it; NULL does nothing. */
void pt_app_dep_list_clear(struct pt_app_dep_list *l);

/**
 * Every dependency c may see (pt_access_dependency_read) whose two sites
 * are labelled at most max_tlp, ordered by provider_id then consumer_id,
 * into out (an empty list); out->withheld counts the others. Not audited
 * (as pt_app_sites_list: the command line's export).
 */
enum pt_err pt_app_dependencies_list(const struct pt_caller *c, struct pt_db *db,
				     enum pt_tlp max_tlp, struct pt_app_dep_list *out,
				     struct pt_diag *d);

/** A site's dependencies as c may see them. Caller-owned; pt_app_site_deps_clear. */
struct pt_app_site_deps {
	struct pt_app_dep_list providers; /**< the site is the consumer */
	struct pt_app_dep_list consumers; /**< the site is the provider */
	size_t withheld;                  /**< of the site's dependencies, those c may not see */
	int show_withheld;                /**< may c be told withheld (pt_access_hidden_counts)? */
};

/** Free what s holds and zero it. */
void pt_app_site_deps_clear(struct pt_app_site_deps *s);

/**
 * The providers and consumers of site id that c may see (for the site page
 * and GET /api/v1/sites/{id}/dependencies), each ordered by provider_id then
 * consumer_id; out->withheld counts the ones it may not. PT_ENOTFOUND
 * (without a message) when c may not read site id, as for a missing one.
 */
enum pt_err pt_app_site_dependencies(const struct pt_caller *c, struct pt_db *db, const char *id,
				     struct pt_app_site_deps *out, struct pt_diag *d);

/**
 * `dependencies delete` / DELETE /api/v1/dependencies/{provider}/{consumer}
 * (review of issue 12): delete the dependency of consumer_id on provider_id
 * as c, audited ("dependencies.delete"; the data version rises, so the
 * cascade and downstream caches build again). PT_ENOTFOUND, with the same
 * message, when either site does not exist or c may not read it, or there
 * is no such dependency; PT_EFORBIDDEN (field consumer_id, audited as
 * refused) when c may see it but not write the consumer
 * (pt_access_dependency_write).
 */
enum pt_err pt_app_dependency_delete(const struct pt_caller *c, struct pt_db *db,
				     const char *provider_id, const char *consumer_id,
				     struct pt_diag *d);

#endif

/* pt_alert_template_io.h - reading alert templates (issue 13): one JSON file
 * per template in data/alerts/ (jansson), the file's stem its id; the set is
 * compiled in (pt_embedded) and may be read from a directory instead. */
#ifndef PT_ALERT_TEMPLATE_IO_H
#define PT_ALERT_TEMPLATE_IO_H

#include <stddef.h>

#include "../core/pt_alert_template.h"
#include "../core/pt_err.h"

#define PT_ALERT_TEMPLATE_FILE_MAX (256 * 1024) /**< bytes of one template file */

/**
 * Parse one template file: buf[0, len) is its JSON, id its stem (the file
 * name without ".json"). Fills *out and checks it (pt_alert_template_check).
 * PT_EINVAL with d naming file (d->file is the caller's), line and field
 * ("languages.mk.headline", the path of the key in the file); PT_ELIMIT.
 */
enum pt_err pt_alert_template_parse(const char *buf, size_t len, const char *id,
				    struct pt_alert_template *out, struct pt_diag *d);

/**
 * The templates compiled into the binary (data/alerts/ID.json), sorted by
 * id, in *out (static; valid for the process's life; parsed once, thread
 * safe); *n their count. PT_EINTERNAL when an embedded file does not parse
 * (a build defect: a test catches it).
 */
enum pt_err pt_alert_templates_builtin(const struct pt_alert_template **out, size_t *n,
				       struct pt_diag *d);

/** The built-in template id, or NULL. */
const struct pt_alert_template *pt_alert_template_find(const char *id);

#endif

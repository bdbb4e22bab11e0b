/* pt_cap_xml.h - CAP 1.2 XML read and written with libxml2 (issue 13): the
 * reader checks the structure cap12.xsd fixes (element order, required and
 * repeated elements, the namespace) and never resolves an entity, loads a
 * DTD or touches the network or the file system. */
#ifndef PT_CAP_XML_H
#define PT_CAP_XML_H

#include <stddef.h>

#include "../core/pt_cap.h"
#include "../core/pt_err.h"

#define PT_CAP_XML_MAX (1024 * 1024) /**< bytes of one CAP message read (PT_ELIMIT) */
#define PT_CAP_XML_DEPTH 16          /**< element nesting (the signature's included) */

/**
 * Read one CAP 1.2 message from buf[0, len) (any encoding its XML
 * declaration names; UTF-8 without one). Parsing uses XML_PARSE_NONET and
 * no entity substitution, DTD loading or XInclude; a document with a
 * DOCTYPE is refused (schema problem "DOCTYPE is not allowed", no model).
 *
 * Problems go to p (cleared first), each with its line and element:
 * not well-formed XML, a root that is not cap:alert, an element out of
 * order, unknown, missing or repeated where the schema forbids, an
 * attribute on a CAP element, text inside an element that has children:
 * all PT_CAP_SCHEMA. Then pt_cap_check runs on the model and adds the
 * value problems. Elements of the signature namespace after the last
 * CAP element are kept whole in a->signature (lax, as the schema's
 * wildcard).
 *
 * Returns PT_OK with *out the model (the caller frees it with
 * pt_cap_alert_free) when the document was well-formed with a cap:alert
 * root, whatever problems p holds (the caller decides with
 * pt_cap_problems_fail); PT_EINVAL with *out NULL when no model could be
 * built (p says why); PT_ELIMIT (over PT_CAP_XML_MAX or PT_CAP_XML_DEPTH,
 * or a limit of pt_cap.h); PT_ENOMEM.
 */
enum pt_err pt_cap_xml_read(const char *buf, size_t len, struct pt_cap_alert **out,
			    struct pt_cap_problems *p);

/**
 * Write a as a CAP 1.2 document: UTF-8, an XML declaration, the CAP
 * namespace as the default namespace, elements in the schema's order,
 * two-space indentation, text escaped by libxml2, the kept signature copied
 * at the end. *out (the caller frees it with free()) holds *len bytes and
 * a NUL after them. Writing does not check: run pt_cap_check first.
 * PT_ENOMEM, PT_EINTERNAL (libxml2 refused).
 */
enum pt_err pt_cap_xml_write(const struct pt_cap_alert *a, char **out, size_t *len);

#endif

/* pt_cap_xml_int.h - private to src/formats (and bench/cap): the CAP reader's
 * second half, the structural walk and the value check of an already-parsed tree. */
#ifndef PT_CAP_XML_INT_H
#define PT_CAP_XML_INT_H

#include <libxml/tree.h>

#include "pt_cap_xml.h"

/**
 * What pt_cap_xml_read does after parsing, on doc (parsed by the caller,
 * well-formed; not changed): a DOCTYPE is refused, the structure of
 * cap12.xsd is checked while the model is filled, then pt_cap_check runs.
 * p is cleared first. Returns as pt_cap_xml_read (*out owned by the
 * caller, freed with pt_cap_alert_free). The benchmark times it against
 * libxml2's xmlSchemaValidateDoc on the same documents.
 */
enum pt_err pt_cap_xml_read_doc(const xmlDoc *doc, struct pt_cap_alert **out,
				struct pt_cap_problems *p);

#endif

/* pt_people_json.c - organisations and users as JSON, one writer each for
 * both faces. */
#include "pt_people_json.h"

json_t *pt_json_org(const struct pt_org *o, const long long *partners, size_t n_partners)
{
	json_t *ids = json_array();
	size_t i;
	for (i = 0; ids && i < n_partners; i++)
		if (json_array_append_new(ids, json_integer(partners[i])) != 0) {
			json_decref(ids);
			return NULL;
		}
	if (!ids)
		return NULL;
	return json_pack("{s:I,s:s,s:s,s:o}", "id", (json_int_t)o->id, "name", o->name, "type",
			 pt_org_type_name(o->type), "partners", ids);
}

const char *pt_second_factor_name(enum pt_second_factor_state s)
{
	switch (s) {
	case PT_SF_PENDING:
		return "pending";
	case PT_SF_ENROLLED:
		return "enrolled";
	case PT_SF_NONE:
	default:
		return "none";
	}
}

json_t *pt_json_user(const struct pt_user *u)
{
	return json_pack("{s:s,s:s,s:{s:I,s:s,s:s},s:s,s:I}", "name", u->name, "role",
			 pt_role_name(u->role), "organisation", "id", (json_int_t)u->org_id, "name",
			 u->org_name, "type", pt_org_type_name(u->org_type), "second_factor",
			 pt_second_factor_name(u->second_factor), "recovery_codes_left",
			 (json_int_t)u->recovery_codes);
}

/* pt_people.h - organisations and users as plain records: what the store
 * reads, src/app returns and both faces render (never a password hash). */
#ifndef PT_PEOPLE_H
#define PT_PEOPLE_H

#include "pt_access.h"
#include "pt_model.h"

#define PT_USER_NAME_MAX 64     /**< user name: 1-63 bytes of [A-Za-z0-9._-], plus the NUL */
#define PT_PASSWORD_MIN 8       /**< shortest password, bytes */
#define PT_PASSWORD_MAX 1024    /**< longest password, bytes */

/** An organisation row. Plain data. */
struct pt_org {
	long long id;
	char name[PT_NAME_MAX];
	enum pt_org_type type;
};

/** A user as callers see it (never the password hash). Plain data. */
struct pt_user {
	long long id;
	char name[PT_USER_NAME_MAX];
	enum pt_role role;
	long long org_id;
	char org_name[PT_NAME_MAX];
	enum pt_org_type org_type;
};

#endif

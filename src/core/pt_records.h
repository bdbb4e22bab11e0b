/* pt_records.h - plain records of the registry that the store reads and the
 * faces render: settings, threat levels, organisations, users, sessions. */
#ifndef PT_RECORDS_H
#define PT_RECORDS_H

#include <stdint.h>

#include "pt_access.h"
#include "pt_model.h"

#define PT_ACTOR_NAME_MAX 64     /**< an actor's name as logged, bytes including the NUL */
#define PT_ACTOR_SYSTEM "system administrator" /**< the command line's actor name */
#define PT_SETTING_KEY_MAX 128   /**< setting key, bytes including the NUL */
#define PT_SETTING_VALUE_MAX 256 /**< setting value as stored, bytes including the NUL */
#define PT_USER_NAME_MAX 64      /**< user name: 1-63 bytes of [A-Za-z0-9._-], plus the NUL */
#define PT_PASSWORD_MIN 8        /**< shortest password, bytes */
#define PT_PASSWORD_MAX 1024     /**< longest password, bytes */
#define PT_TOKEN_TEXT_MAX 44     /**< a session or CSRF token: 43 base64url characters + NUL */

/** A stored setting (a row of the settings table). Plain data. */
struct pt_setting {
	char key[PT_SETTING_KEY_MAX];
	char value[PT_SETTING_VALUE_MAX];
};

/** A threat scenario's level override. Plain data. */
struct pt_threat_level_entry {
	char threat_id[PT_ID_MAX];
	enum pt_threat_level level;
};

/** An organisation row. Plain data. */
struct pt_org {
	long long id;
	char name[PT_NAME_MAX];
	enum pt_org_type type;
};

/** Where a user's second factor stands (user list: who has one). */
enum pt_second_factor_state {
	PT_SF_NONE = 0, /**< no secret */
	PT_SF_PENDING,  /**< a secret waiting for its first code (enrolment begun) */
	PT_SF_ENROLLED  /**< a confirmed secret */
};

/** A user as callers see it (never the password hash). Plain data. */
struct pt_user {
	long long id;
	char name[PT_USER_NAME_MAX];
	enum pt_role role;
	long long org_id;
	char org_name[PT_NAME_MAX];
	enum pt_org_type org_type;
	int admin_by_system; /**< nonzero: an admin appointed by the system administrator (the
				  command line), who may approve password resets; 0 for an admin
				  made over the API and for every other role (migration 009) */
	enum pt_second_factor_state second_factor; /**< the user's second factor */
	long long recovery_codes;                  /**< unused recovery codes left */
	int role_by_system; /**< nonzero: the system administrator (the command line) granted the
			         user its role: an appointed user, who may approve public alerts; 0
			         for one created or re-roled over the API (migration 022, issue 13) */
};

/** A session: its user and its CSRF token. The session token itself is only returned at log-in. */
struct pt_session {
	long long id;
	struct pt_user user;
	int64_t created, expires; /**< unix seconds */
	char csrf[PT_TOKEN_TEXT_MAX];
};

/** What a log-in answers. Plain data. */
struct pt_login {
	struct pt_session session;        /**< on PT_OK */
	char token[PT_TOKEN_TEXT_MAX];    /**< on PT_OK: the cookie value (shown once; stored hashed) */
	long retry_after;                 /**< on PT_ELIMIT: seconds until the name may try again */
};

#endif

/* pt_audit_entry.h - an entry of the audit log and the verdict of its
 * check, as plain data the store fills and the faces render. */
#ifndef PT_AUDIT_ENTRY_H
#define PT_AUDIT_ENTRY_H

#include <stdint.h>

#include "pt_model.h"

#define PT_AUDIT_KEY_BYTES 32     /**< the HMAC-SHA-256 key */
#define PT_AUDIT_MAC_BYTES 32     /**< one entry's MAC */
#define PT_AUDIT_MAC_HEX 65       /**< the MAC as lower-case hex + NUL */
#define PT_AUDIT_ACTOR_MAX 64     /**< the actor's name + NUL (the store's PT_ACTOR_NAME_MAX) */
#define PT_AUDIT_ACTION_MAX 64    /**< action, e.g. "sites.import", + NUL */
#define PT_AUDIT_TABLE_MAX 32     /**< record table, e.g. "sites", + NUL */
#define PT_AUDIT_RECORD_MAX 256   /**< record id + NUL */
#define PT_AUDIT_DETAIL_MAX 1024  /**< free detail + NUL (longer is cut with "...") */
#define PT_AUDIT_LIST_MAX 100000  /**< entries one list may return */

/** One entry of the audit log. Plain data, nothing to free. */
struct pt_audit_entry {
	long long seq;    /**< 1, 2, 3, ... without gaps */
	int64_t time;     /**< unix seconds */
	long long user_id; /**< 0: the system administrator (the command line) */
	char user_name[PT_AUDIT_ACTOR_MAX];
	long long org_id; /**< the user's organisation, 0 for none */
	char org_name[PT_NAME_MAX]; /**< filled by pt_audit_list ("" for none) */
	char action[PT_AUDIT_ACTION_MAX];
	char record_table[PT_AUDIT_TABLE_MAX];
	char record_id[PT_AUDIT_RECORD_MAX];
	char detail[PT_AUDIT_DETAIL_MAX];
	char mac[PT_AUDIT_MAC_HEX];
};

/** What a check of the whole log found. Plain data. */
struct pt_audit_report {
	int intact;            /**< nonzero when nothing is wrong */
	long long entries;     /**< entries in the log */
	long long verified;    /**< entries whose MAC was checked and held */
	long long bad_seq;     /**< the first entry found wrong (0 when the fault is not one entry) */
	long long head_seq;    /**< the chain head recorded beside the key */
	long long breaks;      /**< rekey break entries in the log */
	long long unverifiable; /**< entries before the last break whose key is not kept */
	char message[512];     /**< what is wrong, or "intact" */
	/* audit: the key file's permissions (a warning, not a fault of the log) */
	unsigned key_mode;     /**< the key file's permission bits (0: the key is in memory) */
	int key_exposed;       /**< nonzero when users other than its owner may read or write it */
};

#endif

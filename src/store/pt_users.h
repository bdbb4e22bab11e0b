/* pt_users.h - organisations and users (pt_user_store.h), sessions and
 * failed log-ins (pt_session_store.h), RED readers and the access index (pt_access_store.h). */
#ifndef PT_USERS_H
#define PT_USERS_H

#include "pt_access_store.h"
#include "pt_second_factor_store.h"
#include "pt_session_store.h"
#include "pt_store.h"
#include "pt_user_store.h"

#endif

/* pt_store.h - the SQLite registry: its connection and migrations
 * (pt_db.h), catalogues, settings and threat levels (pt_catalog_store.h),
 * sites and assessments (pt_site_store.h), organisations (pt_user_store.h). */
#ifndef PT_STORE_H
#define PT_STORE_H

#include "pt_catalog_store.h"
#include "pt_db.h"
#include "pt_site_store.h"
#include "pt_user_store.h"

#endif

-- 028_reserved.sql - a placeholder for migration 028, which another part of
-- issue 16 adds on its own branch (the migrations must run 1, 2, ... without
-- gaps). It changes nothing; on merging, the other branch's 028 replaces it.

PRAGMA user_version = 28;

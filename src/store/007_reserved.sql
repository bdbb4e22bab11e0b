-- reserved
PRAGMA user_version = 7;

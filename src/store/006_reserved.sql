-- reserved
PRAGMA user_version = 6;

-- placeholder for another engineer's migration 029 (issue 16; the integrator drops it)
PRAGMA user_version = 29;

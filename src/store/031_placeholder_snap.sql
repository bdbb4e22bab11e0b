-- placeholder for another engineer's migration 031 (issue 16; the integrator drops it)
PRAGMA user_version = 31;

-- placeholder for another engineer's migration 030 (issue 16; the integrator drops it)
PRAGMA user_version = 30;

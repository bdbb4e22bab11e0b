-- placeholder for another engineer's migration 028 (issue 16; the integrator drops it)
PRAGMA user_version = 28;

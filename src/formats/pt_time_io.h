/* pt_time_io.h - times as people write them (issue 11: threat-level expiries, the
 * fixed clock of tests), all UTC. */
#ifndef PT_TIME_IO_H
#define PT_TIME_IO_H

#include <stdint.h>

/**
 * Parse s as a UTC time into *out (unix seconds): "2027-01-31" (midnight),
 * "2027-01-31T00:00Z", "2027-01-31T00:00:00Z" (canonical forms only: two
 * digits each, the Z required, a real calendar day and time of day, nothing
 * rolled over), or "@SECONDS". 0, or -1 when s is none of them (*out untouched).
 */
int pt_time_parse_utc(const char *s, int64_t *out);

#endif

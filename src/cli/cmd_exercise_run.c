/* cmd_exercise_run.c - TEMPORARY placeholder for `protect exercise run` (issue 15):
 * helper "engine" writes the real command; the lead takes engine's file on merge. */
#include <stdio.h>

#include "cli.h"

int pt_cmd_exercise_run(struct pt_cli *cli)
{
	(void)cli;
	fprintf(stderr, "exercise run: not yet built\n");
	return 70;
}

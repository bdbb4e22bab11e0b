/* fuzz_questionnaire.c - libFuzzer target of the questionnaire file reader
 * (issue 16 item 3): all or nothing with a reason and a field on failure;
 * what it accepts holds its limits and answers pt_survey_propose without fault. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_survey.h"
#include "formats/pt_diag.h"
#include "formats/pt_survey_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_questionnaire q;
	struct pt_survey_proposal p;
	struct pt_diag d;
	enum pt_answer *a;
	json_t *j;
	size_t i;

	memset(&d, 0, sizeof d);
	if (pt_questionnaire_read_json((const char *)data, size, "fuzz.json", NULL, NULL, &q, &d) !=
	    PT_OK) {
		if (q.n != 0 || q.q != NULL || !d.msg[0])
			__builtin_trap();
		return 0;
	}
	if (q.n < 1 || q.n > PT_Q_QUESTIONS_MAX || q.version < 1)
		__builtin_trap();
	if (!(a = calloc(q.n, sizeof *a))) {
		pt_questionnaire_clear(&q);
		return 0;
	}
	for (i = 0; i < q.n; i++) {
		if (q.q[i].n_threats < 1 || q.q[i].n_threats > PT_Q_THREATS_MAX ||
		    !(q.q[i].weight > 0) || q.q[i].weight > PT_Q_WEIGHT_MAX)
			__builtin_trap();
		a[i] = (enum pt_answer)(i % 5);
	}
	for (i = 0; i < q.n; i++) {
		pt_survey_propose(&q, a, q.q[i].threats[0], &p);
		if (p.n_questions < 1 || (p.proposed && (p.vulnerability < 1 || p.vulnerability > 10)))
			__builtin_trap();
	}
	j = pt_json_questionnaire(&q);
	json_decref(j);
	free(a);
	pt_questionnaire_clear(&q);
	return 0;
}

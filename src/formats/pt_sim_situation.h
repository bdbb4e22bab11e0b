/* pt_sim_situation.h - the simulated situation at a minute (pt_sim_snapshot) in
 * a commander's terms (issue 15 review 3): whole numbers, in words and as JSON,
 * for the players of an exercise; the projected outcome stays with the controllers. */
#ifndef PT_SIM_SITUATION_H
#define PT_SIM_SITUATION_H

#include <stddef.h>

#include <jansson.h>

#include "pt_sim_io.h"

/**
 * The situation of row r (r->snap.has) as JSON with whole numbers (means
 * rounded half away from zero): minute (the simulation minute), dead,
 * hot_zone, ccp {untriaged, T1, T2, T3, expectant}, transport, walking,
 * hospitals [{name, arrived}] (every hospital), ambulances {committed,
 * en_route, at_scene, transporting, used}. dead and hot_zone are null (not
 * known yet) while nobody is inside: before police have secured the scene or
 * a rescue task force has gone in, in most replications (review 15B item 5).
 * New reference; NULL when r has no situation or out of memory.
 */
json_t *pt_sim_situation_json(const struct pt_sim_row *r);

/**
 * The situation JSON of pt_sim_situation_json in words for a commander
 * ("about 12 T1 at the casualty collection point"), into buf (always
 * terminated). Hospitals with nobody arrived are left out.
 */
void pt_sim_situation_words(const json_t *situation, char *buf, size_t size);

/** Nonzero when a commander would see a difference between situations a and b
 *  (every count but the minute); a NULL a or b differs. */
int pt_sim_situation_changed(const json_t *a, const json_t *b);

/**
 * The {sim:NAME} value of situation ctx (a json_t * of pt_sim_situation_json)
 * for pt_ex_text_fill: dead, hot_zone, ccp_untriaged, ccp_T1/T2/T3/expectant,
 * transport, walking, ambulances_committed/en_route/at_scene/transporting/used,
 * arrived_N. Nonzero when known; 0 for a NULL ctx or an unknown name.
 */
int pt_sim_situation_value(void *ctx, const char *name, long long *out);

#endif

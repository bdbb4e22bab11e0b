/* test_peers.c - percentiles among peers and a measure's effect on assessment rows
 * (src/core/pt_peers.c), against hand-computed figures. */
#include <math.h>
#include <string.h>

#include "core/pt_peers.h"
#include "pt_test.h"

static void test_percentile(void)
{
	const double peers[] = {1, 2, 2, 3, 5};
	CHECK_NEAR(pt_peer_percentile(peers, 5, 2), 100.0 * (1 + 0.5 * 2) / 5, 1e-12); /* 40 */
	CHECK_NEAR(pt_peer_percentile(peers, 5, 6), 100.0, 1e-12);
	CHECK_NEAR(pt_peer_percentile(peers, 5, 0), 0.0, 1e-12);
	CHECK_NEAR(pt_peer_percentile(peers, 5, 4), 80.0, 1e-12);
	CHECK(isnan(pt_peer_percentile(peers, 0, 1)));
}

static void test_what_if(void)
{
	struct pt_catalog threats;
	struct pt_catalog_entry items[2];
	struct pt_fema_row fema[3] = {{"S1", "arson", 5, 4, 7}, {"S1", "ramming", 5, 4, 9},
				      {"S2", "arson", 5, 4, 7}};
	struct pt_quant_row q[2];
	const double v[2] = {0.3, 0.0}, c[2] = {0.5, 0.2};
	memset(&threats, 0, sizeof threats);
	memset(items, 0, sizeof items);
	strcpy(items[0].id, "arson");
	strcpy(items[1].id, "ramming");
	threats.items = items;
	threats.n = 2;
	/* V 7 x 0.7 = 4.9 -> 5; ramming has no v; S2 untouched */
	CHECK_INT((int)pt_what_if_fema(fema, 3, "S1", &threats, v), 1);
	CHECK_INT(fema[0].vulnerability_rating, 5);
	CHECK_INT(fema[1].vulnerability_rating, 9);
	CHECK_INT(fema[2].vulnerability_rating, 7);
	memset(q, 0, sizeof q);
	strcpy(q[0].site_id, "S1");
	strcpy(q[0].threat_id, "arson");
	q[0].var[PT_QV_P_SUCCESS] = (struct pt_range){0.2, 0.4, 0.6};
	q[0].var[PT_QV_LOSS_EUR] = (struct pt_range){1000, 2000, 4000};
	q[0].var[PT_QV_P_ATTEMPT] = (struct pt_range){0.1, 0.1, 0.1};
	strcpy(q[1].site_id, "S1");
	strcpy(q[1].threat_id, "ramming");
	q[1].var[PT_QV_P_SUCCESS] = (struct pt_range){0.5, 0.5, 0.5};
	q[1].var[PT_QV_FATALITIES] = (struct pt_range){10, 10, 10};
	CHECK_INT((int)pt_what_if_quant(q, 2, "S1", &threats, v, c), 2);
	CHECK_NEAR(q[0].var[PT_QV_P_SUCCESS].mode, 0.28, 1e-12);
	CHECK_NEAR(q[0].var[PT_QV_LOSS_EUR].max, 2000, 1e-9);
	CHECK_NEAR(q[0].var[PT_QV_P_ATTEMPT].mode, 0.1, 1e-12); /* the threat is not the site's to change */
	CHECK_NEAR(q[1].var[PT_QV_P_SUCCESS].mode, 0.5, 1e-12);
	CHECK_NEAR(q[1].var[PT_QV_FATALITIES].mode, 8, 1e-12);
}

int main(void)
{
	RUN(test_percentile);
	RUN(test_what_if);
	return TEST_SUMMARY("test_peers");
}

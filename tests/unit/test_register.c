/* test_register.c - the risk register's core: treatment names, the approval
 * rule at its boundary, and the residual risk with committed measures. */
#include <math.h>
#include <string.h>

#include "core/pt_matrix.h"
#include "core/pt_register.h"
#include "pt_test.h"

static void test_treatments(void)
{
	static const char *const names[] = { "none", "accept", "reduce", "transfer", "avoid" };
	enum pt_treatment t;
	int i;
	for (i = 0; i < PT_TREAT_COUNT; i++) {
		CHECK_STR(pt_treatment_name((enum pt_treatment)i), names[i]);
		CHECK_INT(pt_treatment_parse(names[i], &t), PT_OK);
		CHECK_INT(t, i);
	}
	CHECK_STR(pt_treatment_name((enum pt_treatment)PT_TREAT_COUNT), "");
	CHECK_INT(pt_treatment_parse("Accept", &t), PT_EINVAL);
	CHECK_INT(pt_treatment_parse("", &t), PT_EINVAL);
	CHECK_INT(pt_treatment_parse("mitigate", &t), PT_EINVAL);
}

static void test_approval(void)
{
	struct pt_config cfg;
	pt_config_defaults(&cfg);
	CHECK_INT(cfg.register_accept_max_band, PT_BAND_MEDIUM);
	/* an owner accepts low and medium alone, not high or very high */
	CHECK(!pt_register_needs_approval(&cfg, PT_TREAT_ACCEPT, PT_BAND_LOW));
	CHECK(!pt_register_needs_approval(&cfg, PT_TREAT_ACCEPT, PT_BAND_MEDIUM));
	CHECK(pt_register_needs_approval(&cfg, PT_TREAT_ACCEPT, PT_BAND_HIGH));
	CHECK(pt_register_needs_approval(&cfg, PT_TREAT_ACCEPT, PT_BAND_VERY_HIGH));
	/* only accepting needs it */
	CHECK(!pt_register_needs_approval(&cfg, PT_TREAT_REDUCE, PT_BAND_VERY_HIGH));
	CHECK(!pt_register_needs_approval(&cfg, PT_TREAT_AVOID, PT_BAND_VERY_HIGH));
	cfg.register_accept_max_band = PT_BAND_HIGH;
	CHECK(!pt_register_needs_approval(&cfg, PT_TREAT_ACCEPT, PT_BAND_HIGH));
	CHECK(pt_register_needs_approval(&cfg, PT_TREAT_ACCEPT, PT_BAND_VERY_HIGH));
	CHECK(!pt_register_needs_approval(NULL, PT_TREAT_ACCEPT, PT_BAND_VERY_HIGH));
}

static enum pt_band band_of(const struct pt_config *cfg, double p_success_yearly, double c)
{
	int l = 0, k = 0;
	pt_matrix_quant_classes(cfg, p_success_yearly, c, &l, &k);
	return pt_matrix_band(cfg, l, k);
}

static void test_residual(void)
{
	struct pt_config cfg;
	/* 3 measures x 2 threats, measure-major */
	const double v[] = { 0.5, 0.0, 0.2, 0.9, 0.0, 0.0 };
	const double c[] = { 0.0, 0.0, 0.25, 0.0, 0.0, 0.0 };
	const uint32_t committed[] = { 0, 1, 7 }; /* 7 is outside the catalogue: ignored */
	double risk = -1;
	enum pt_band band = PT_BAND_NONE;
	pt_config_defaults(&cfg);

	/* threat 0: V x (1 - 0.5)(1 - 0.2), C x (1 - 0.25) */
	pt_register_residual(&cfg, 0.1, 0.6, 2e6, committed, 3, 3, v, c, 2, 0, &risk, &band);
	CHECK_NEAR(risk, 0.1 * 0.6 * 0.5 * 0.8 * 2e6 * 0.75, 1e-6);
	CHECK_INT(band, band_of(&cfg, 0.1 * 0.6 * 0.4, 2e6 * 0.75));
	/* threat 1: only measure 1 acts (v 0.9) */
	pt_register_residual(&cfg, 0.1, 0.6, 2e6, committed, 3, 3, v, c, 2, 1, &risk, &band);
	CHECK_NEAR(risk, 0.1 * 0.6 * 0.1 * 2e6, 1e-6);
	CHECK_INT(band, band_of(&cfg, 0.1 * 0.6 * 0.1, 2e6));
	/* nothing committed: the risk and band as assessed */
	pt_register_residual(&cfg, 0.1, 0.6, 2e6, NULL, 0, 3, v, c, 2, 0, &risk, &band);
	CHECK_NEAR(risk, 0.1 * 0.6 * 2e6, 1e-6);
	CHECK_INT(band, band_of(&cfg, 0.06, 2e6));
	/* a threat outside the matrix: no effect applied */
	pt_register_residual(&cfg, 0.1, 0.6, 2e6, committed, 3, 3, v, c, 2, 5, &risk, &band);
	CHECK_NEAR(risk, 0.1 * 0.6 * 2e6, 1e-6);
	/* a strong enough measure lowers the band */
	{
		const double v1[] = { 0.99 }, c1[] = { 0.9 };
		const uint32_t one[] = { 0 };
		enum pt_band before = band_of(&cfg, 0.5 * 0.9, 5e7);
		pt_register_residual(&cfg, 0.5, 0.9, 5e7, one, 1, 1, v1, c1, 1, 0, &risk, &band);
		CHECK((int)band < (int)before);
	}
}

int main(void)
{
	RUN(test_treatments);
	RUN(test_approval);
	RUN(test_residual);
	return TEST_SUMMARY("test_register");
}

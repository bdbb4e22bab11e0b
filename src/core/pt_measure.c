/* pt_measure.c - the catalogue of protective measures: names, growth,
 * checks, where a measure applies, the effect matrix, present values and
 * the size class of a site. */
#include "pt_measure.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const family_names[PT_FAMILY_COUNT] = {
	"prevent", "physical_protection", "respond_mitigate",
	"recover", "personnel_security",  "awareness_training",
};

static const char *const right_names[PT_RIGHT_COUNT] = { "privacy", "movement",
							 "discrimination" };

static const char *const size_names[PT_SIZE_COUNT] = { "small", "medium", "large",
						       "very large" };

const char *pt_measure_family_name(enum pt_measure_family f)
{
	return (unsigned)f < PT_FAMILY_COUNT ? family_names[f] : "";
}

enum pt_err pt_measure_family_parse(const char *s, enum pt_measure_family *out)
{
	unsigned i;
	for (i = 0; s && i < PT_FAMILY_COUNT; i++)
		if (strcmp(s, family_names[i]) == 0) {
			*out = (enum pt_measure_family)i;
			return PT_OK;
		}
	return PT_EINVAL;
}

const char *pt_right_name(enum pt_right r)
{
	return (unsigned)r < PT_RIGHT_COUNT ? right_names[r] : "";
}

const char *pt_size_class_name(enum pt_size_class s)
{
	return (unsigned)s < PT_SIZE_COUNT ? size_names[s] : "";
}

/* ---- the catalogue ---------------------------------------------------- */

enum pt_err pt_measure_catalog_add(struct pt_measure_catalog *c, const struct pt_measure *m)
{
	if (!c || !m)
		return PT_EINVAL;
	if (pt_measure_catalog_find(c, m->id) >= 0)
		return PT_ECONFLICT;
	if (c->n >= PT_MEASURES_MAX)
		return PT_ELIMIT;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		struct pt_measure *items;
		if (cap > PT_MEASURES_MAX)
			cap = PT_MEASURES_MAX;
		items = realloc(c->items, cap * sizeof *items);
		if (!items)
			return PT_ENOMEM;
		c->items = items;
		c->cap = cap;
	}
	c->items[c->n++] = *m;
	return PT_OK;
}

enum pt_err pt_measure_catalog_add_effect(struct pt_measure_catalog *c,
					  const struct pt_measure_effect *e)
{
	size_t i;
	if (!c || !e)
		return PT_EINVAL;
	/* A linear scan: at most PT_MEASURE_EFFECTS_MAX rows of short ids. */
	for (i = 0; i < c->n_effects; i++)
		if (c->effects[i].threat_id[0] == e->threat_id[0] &&
		    strcmp(c->effects[i].measure_id, e->measure_id) == 0 &&
		    strcmp(c->effects[i].threat_id, e->threat_id) == 0)
			return PT_ECONFLICT;
	if (c->n_effects >= PT_MEASURE_EFFECTS_MAX)
		return PT_ELIMIT;
	if (c->n_effects == c->cap_effects) {
		size_t cap = c->cap_effects ? c->cap_effects * 2 : 64;
		struct pt_measure_effect *effects;
		if (cap > PT_MEASURE_EFFECTS_MAX)
			cap = PT_MEASURE_EFFECTS_MAX;
		effects = realloc(c->effects, cap * sizeof *effects);
		if (!effects)
			return PT_ENOMEM;
		c->effects = effects;
		c->cap_effects = cap;
	}
	c->effects[c->n_effects++] = *e;
	return PT_OK;
}

long pt_measure_catalog_find(const struct pt_measure_catalog *c, const char *id)
{
	size_t i;
	if (!c || !id)
		return -1;
	for (i = 0; i < c->n; i++)
		if (strcmp(c->items[i].id, id) == 0)
			return (long)i;
	return -1;
}

void pt_measure_catalog_clear(struct pt_measure_catalog *c)
{
	if (!c)
		return;
	free(c->items);
	free(c->effects);
	memset(c, 0, sizeof *c);
}

/* ---- checks ----------------------------------------------------------- */

static int id_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '.' || ch == '_' || ch == '-';
}

/* Nonzero when s[0..len) is a valid id: 1 to PT_ID_MAX - 1 bytes of [A-Za-z0-9._-]. */
static int id_valid_n(const char *s, size_t len)
{
	size_t i;
	if (len == 0 || len >= PT_ID_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!id_char(s[i]))
			return 0;
	return 1;
}

/* Nonzero when the NUL-terminated s (at most max bytes looked at) ends within max. */
static int terminated(const char *s, size_t max)
{
	return memchr(s, '\0', max) != NULL;
}

static enum pt_err bad(struct pt_diag *d, long line, const char *field, const char *msg)
{
	return pt_diag_put(d, PT_EINVAL, line, field, msg);
}

/* "must be a number from LO to HI" (or "a whole number ..."). */
static enum pt_err range_msg(struct pt_diag *d, long line, const char *field, int whole,
			     double lo, double hi)
{
	char msg[160], num[40];
	pt_strlcpy(msg, whole ? "must be a whole number from " : "must be a number from ",
		   sizeof msg);
	pt_number_format(lo, num, sizeof num);
	pt_strlcat(msg, num, sizeof msg);
	pt_strlcat(msg, " to ", sizeof msg);
	pt_number_format(hi, num, sizeof num);
	pt_strlcat(msg, num, sizeof msg);
	return bad(d, line, field, msg);
}

/* Check an applies-to list: "*" or ids separated by ';', each in list when list is given. */
static enum pt_err check_applies(const char *s, const struct pt_catalog *list,
				 const char *what, struct pt_diag *d, long line,
				 const char *field)
{
	const char *p = s;
	char id[PT_ID_MAX], msg[PT_ID_MAX + 160];
	if (!terminated(s, PT_MEASURE_APPLIES_MAX))
		return bad(d, line, field, "too long");
	if (!s[0])
		return bad(d, line, field, "missing value; \"*\" or ids separated by ';'");
	if (strcmp(s, "*") == 0)
		return PT_OK;
	for (;;) {
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (!id_valid_n(p, len)) {
			pt_strlcpy(msg, len ? "\"" : "empty id in the list", sizeof msg);
			if (len) {
				size_t n = len < PT_ID_MAX - 1 ? len : PT_ID_MAX - 1;
				memcpy(id, p, n);
				id[n] = '\0';
				pt_strlcat(msg, id, sizeof msg);
				pt_strlcat(msg, "\" is not a valid id (1-63 letters, digits, '.', '_' or '-')",
					   sizeof msg);
			}
			return bad(d, line, field, msg);
		}
		memcpy(id, p, len);
		id[len] = '\0';
		if (list && pt_catalog_find(list, id) < 0) {
			pt_strlcpy(msg, "unknown ", sizeof msg);
			pt_strlcat(msg, what, sizeof msg);
			pt_strlcat(msg, " \"", sizeof msg);
			pt_strlcat(msg, id, sizeof msg);
			pt_strlcat(msg, "\"", sizeof msg);
			return bad(d, line, field, msg);
		}
		if (!end)
			break;
		p = end + 1;
	}
	return PT_OK;
}

static enum pt_err check_id(const char *s, int optional, struct pt_diag *d, long line,
			    const char *field)
{
	size_t len;
	if (!terminated(s, PT_ID_MAX))
		return bad(d, line, field, "too long (at most 63 bytes)");
	len = strlen(s);
	if (len == 0)
		return optional ? PT_OK : bad(d, line, field, "missing value");
	if (!id_valid_n(s, len)) {
		char msg[PT_ID_MAX + 96];
		pt_strlcpy(msg, "\"", sizeof msg);
		pt_strlcat(msg, s, sizeof msg);
		pt_strlcat(msg, "\" is not a valid id (1-63 letters, digits, '.', '_' or '-')",
			   sizeof msg);
		return bad(d, line, field, msg);
	}
	return PT_OK;
}

enum pt_err pt_measure_check(const struct pt_measure *m, const struct pt_catalogs *cat,
			     struct pt_diag *d, long line)
{
	enum pt_err err;
	int r;
	if (!m)
		return bad(d, line, "", "no measure");
	if ((err = check_id(m->id, 0, d, line, "id")) != PT_OK)
		return err;
	if (!terminated(m->name, PT_NAME_MAX))
		return bad(d, line, "name", "too long");
	if (!m->name[0])
		return bad(d, line, "name", "missing value");
	if ((unsigned)m->family >= PT_FAMILY_COUNT)
		return bad(d, line, "family",
			   "must be one of prevent, physical_protection, respond_mitigate, "
			   "recover, personnel_security, awareness_training");
	if (!(m->capex_eur >= 0 && m->capex_eur <= PT_MEASURE_MAX_EUR))
		return range_msg(d, line, "capex_eur", 0, 0, PT_MEASURE_MAX_EUR);
	if (!(m->opex_eur_year >= 0 && m->opex_eur_year <= PT_MEASURE_MAX_EUR))
		return range_msg(d, line, "opex_eur_year", 0, 0, PT_MEASURE_MAX_EUR);
	if (m->lifetime_years < 1 || m->lifetime_years > PT_MEASURE_MAX_LIFETIME)
		return range_msg(d, line, "lifetime_years", 1, 1, PT_MEASURE_MAX_LIFETIME);
	for (r = 0; r < PT_RIGHT_COUNT; r++)
		if (m->rights[r] < 0 || m->rights[r] > 3)
			return range_msg(d, line, right_names[r], 1, 0, 3);
	if (m->legal_basis < 0 || m->legal_basis >= PT_BASIS_COUNT)
		return bad(d, line, "legal_basis", "must be none, entry or statute");
	if (m->cost_driver < 0 || m->cost_driver >= PT_COST_DRIVER_COUNT)
		return bad(d, line, "cost_driver",
			   "must be one of size, site, staff, entrances, perimeter_m, "
			   "vehicle_approaches, screened_per_day, control_systems");
	if (!(m->unit_capex_eur >= 0 && m->unit_capex_eur <= PT_MEASURE_MAX_EUR))
		return range_msg(d, line, "unit_capex_eur", 0, 0, PT_MEASURE_MAX_EUR);
	if (!(m->unit_opex_eur_year >= 0 && m->unit_opex_eur_year <= PT_MEASURE_MAX_EUR))
		return range_msg(d, line, "unit_opex_eur_year", 0, 0, PT_MEASURE_MAX_EUR);
	if (m->needs & ~PT_NEED_ALL)
		return bad(d, line, "needs", "unknown condition");
	if (m->safeguards >> PT_SAFEGUARD_COUNT)
		return bad(d, line, "safeguards", "unknown safeguard");
	if (m->removes_step_free != 0 && m->removes_step_free != 1)
		return bad(d, line, "removes_step_free", "must be 0 or 1");
	if ((err = check_applies(m->kinds, cat ? &cat->kinds : NULL, "kind", d, line, "kinds")) !=
	    PT_OK)
		return err;
	if ((err = check_applies(m->sectors, cat ? &cat->sectors : NULL, "sector", d, line,
				 "sectors")) != PT_OK)
		return err;
	if ((err = check_id(m->exclusive_group, 1, d, line, "exclusive_group")) != PT_OK)
		return err;
	if (!terminated(m->description, PT_MEASURE_DESC_MAX))
		return bad(d, line, "description", "too long");
	return PT_OK;
}

enum pt_err pt_measure_effect_check(const struct pt_measure_effect *e, struct pt_diag *d,
				    long line)
{
	enum pt_err err;
	if (!e)
		return bad(d, line, "", "no effect");
	if ((err = check_id(e->measure_id, 0, d, line, "measure_id")) != PT_OK)
		return err;
	if ((err = check_id(e->threat_id, 0, d, line, "threat_id")) != PT_OK)
		return err;
	if (!(e->v_reduction >= 0 && e->v_reduction <= 1))
		return range_msg(d, line, "v_reduction", 0, 0, 1);
	if (!(e->c_reduction >= 0 && e->c_reduction <= 1))
		return range_msg(d, line, "c_reduction", 0, 0, 1);
	return PT_OK;
}

int pt_measure_intrusiveness(const struct pt_measure *m)
{
	int r, k = 0;
	if (!m)
		return 0;
	for (r = 0; r < PT_RIGHT_COUNT; r++)
		if (m->rights[r] > k)
			k = m->rights[r];
	return k;
}

/* Nonzero when list is "*" or holds id exactly as one of its ';'-separated entries. */
static int list_has(const char *list, const char *id)
{
	const char *p = list;
	size_t n;
	if (strcmp(list, "*") == 0)
		return 1;
	if (!id || !id[0])
		return 0;
	n = strlen(id);
	for (;;) {
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && memcmp(p, id, n) == 0)
			return 1;
		if (!end)
			return 0;
		p = end + 1;
	}
}

int pt_measure_applies(const struct pt_measure *m, const char *kind, const char *sector)
{
	if (!m)
		return 0;
	return list_has(m->kinds, kind) && list_has(m->sectors, sector);
}

enum pt_err pt_measure_effect_matrix(const struct pt_measure_catalog *c,
				     const struct pt_catalog *threats, double **v, double **cr,
				     struct pt_diag *d)
{
	size_t nt, cells, i;
	double *vv = NULL, *cc = NULL;
	enum pt_err err = PT_OK;
	char msg[PT_ID_MAX + 64];

	*v = NULL;
	*cr = NULL;
	if (!c || !threats)
		return PT_EINVAL;
	nt = threats->n;
	cells = c->n * nt;
	vv = calloc(cells ? cells : 1, sizeof *vv);
	cc = calloc(cells ? cells : 1, sizeof *cc);
	if (!vv || !cc) {
		err = PT_ENOMEM;
		goto out;
	}
	for (i = 0; i < c->n_effects; i++) {
		const struct pt_measure_effect *e = &c->effects[i];
		long mi = pt_measure_catalog_find(c, e->measure_id);
		long ti = pt_catalog_find(threats, e->threat_id);
		if (mi < 0 || ti < 0) {
			pt_strlcpy(msg, "\"", sizeof msg);
			pt_strlcat(msg, mi < 0 ? e->measure_id : e->threat_id, sizeof msg);
			pt_strlcat(msg, mi < 0 ? "\" is not a measure of the catalogue" :
						 "\" is not a threat of the catalogue",
				   sizeof msg);
			err = bad(d, 0, mi < 0 ? "measure_id" : "threat_id", msg);
			goto out;
		}
		vv[(size_t)mi * nt + (size_t)ti] = e->v_reduction;
		cc[(size_t)mi * nt + (size_t)ti] = e->c_reduction;
	}
	*v = vv;
	*cr = cc;
	vv = cc = NULL;
out:
	free(vv);
	free(cc);
	return err;
}

/* ---- money over the horizon -------------------------------------------- */

double pt_annuity_factor(double rate, unsigned horizon_years)
{
	double sum = 0, df = 1;
	unsigned t;
	if (rate == 0)
		return (double)horizon_years;
	for (t = 1; t <= horizon_years; t++) {
		df /= 1 + rate;
		sum += df;
	}
	return sum;
}

double pt_measure_pv_cost(const struct pt_measure *m, double size_factor, double rate,
			  unsigned horizon_years)
{
	double capex = 0;
	unsigned t, life;
	if (!m)
		return 0;
	life = m->lifetime_years >= 1 ? (unsigned)m->lifetime_years : 1;
	for (t = 0; t < horizon_years; t += life)
		capex += m->capex_eur * pow(1 + rate, -(double)t);
	return size_factor * (capex + m->opex_eur_year * pt_annuity_factor(rate, horizon_years));
}

/* The class of x against three ascending lower edges (medium, large, very large). */
static enum pt_size_class class_of(const double min[3], double x)
{
	if (!(x >= min[0]))
		return PT_SIZE_SMALL;
	if (!(x >= min[1]))
		return PT_SIZE_MEDIUM;
	if (!(x >= min[2]))
		return PT_SIZE_LARGE;
	return PT_SIZE_VERY_LARGE;
}

enum pt_size_class pt_site_size_class(const struct pt_config *c, const struct pt_site *s)
{
	enum pt_size_class by_people, by_value;
	if (!c || !s)
		return PT_SIZE_SMALL;
	by_people = s->peak_occupancy > 0 ?
			    class_of(c->plan_size_occupancy_min, (double)s->peak_occupancy) :
			    class_of(c->plan_size_occupancy_min, 0);
	by_value = class_of(c->plan_size_value_min_eur, s->economic_value_eur);
	return by_people > by_value ? by_people : by_value;
}

/* ---- issue 11 (fit): cost drivers, needs and safeguards -------------------- */

static const char *const need_names[] = { "enclosed", "staffed", "controlled_entry" };
static const char *const safeguard_names[PT_SAFEGUARD_COUNT] = {
	"dpia", "signage", "retention_limit", "non_discrimination_policy", "human_review"
};

const char *pt_cost_driver_name(int cost_driver)
{
	if (cost_driver == PT_COST_SIZE)
		return "size";
	if (cost_driver == PT_COST_SITE)
		return "site";
	if (cost_driver >= PT_COST_DRIVER && cost_driver < PT_COST_DRIVER_COUNT)
		return pt_site_driver_name((enum pt_site_driver)(cost_driver - PT_COST_DRIVER));
	return "";
}

enum pt_err pt_cost_driver_parse(const char *s, int *out)
{
	enum pt_site_driver d;
	if (s && strcmp(s, "size") == 0)
		*out = PT_COST_SIZE;
	else if (s && strcmp(s, "site") == 0)
		*out = PT_COST_SITE;
	else if (pt_site_driver_parse(s, &d) == PT_OK)
		*out = PT_COST_DRIVER + (int)d;
	else
		return PT_EINVAL;
	return PT_OK;
}

const char *pt_safeguard_name(enum pt_safeguard g)
{
	return (unsigned)g < PT_SAFEGUARD_COUNT ? safeguard_names[g] : "";
}

enum pt_err pt_measure_parse_flags(const char *s, int safeguards, unsigned *out,
				   struct pt_diag *d, long line, const char *field)
{
	const char *const *names = safeguards ? safeguard_names : need_names;
	size_t n_names = safeguards ? PT_SAFEGUARD_COUNT : sizeof need_names / sizeof *need_names;
	const char *p = s;
	*out = 0;
	if (!s || !s[0])
		return PT_OK;
	for (;;) {
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p), i;
		for (i = 0; i < n_names; i++)
			if (strlen(names[i]) == len && strncmp(names[i], p, len) == 0)
				break;
		if (i == n_names) {
			char msg[200], part[64];
			size_t k;
			pt_strlcpy(part, p, len + 1 < sizeof part ? len + 1 : sizeof part);
			pt_strlcpy(msg, "unknown ", sizeof msg);
			pt_strlcat(msg, safeguards ? "safeguard \"" : "condition \"", sizeof msg);
			pt_strlcat(msg, part, sizeof msg);
			pt_strlcat(msg, "\"; valid: ", sizeof msg);
			for (k = 0; k < n_names; k++) {
				if (k)
					pt_strlcat(msg, ", ", sizeof msg);
				pt_strlcat(msg, names[k], sizeof msg);
			}
			return bad(d, line, field, msg);
		}
		*out |= 1u << i;
		if (!end)
			break;
		p = end + 1;
	}
	return PT_OK;
}

void pt_measure_format_flags(unsigned bits, int safeguards, char *buf, size_t size)
{
	const char *const *names = safeguards ? safeguard_names : need_names;
	size_t n_names = safeguards ? PT_SAFEGUARD_COUNT : sizeof need_names / sizeof *need_names;
	size_t i;
	if (!size)
		return;
	buf[0] = '\0';
	for (i = 0; i < n_names; i++)
		if (bits & (1u << i)) {
			if (buf[0])
				pt_strlcat(buf, ";", size);
			pt_strlcat(buf, names[i], size);
		}
}

double pt_measure_site_cost(const struct pt_measure *m, const struct pt_site *s,
			    double size_factor, double rate, unsigned horizon_years, int *estimated)
{
	struct pt_measure u;
	int drv;
	if (estimated)
		*estimated = 0;
	if (!m)
		return 0;
	if (m->cost_driver == PT_COST_SITE)
		return pt_measure_pv_cost(m, 1, rate, horizon_years);
	if (m->cost_driver < PT_COST_DRIVER || m->cost_driver >= PT_COST_DRIVER_COUNT)
		return pt_measure_pv_cost(m, size_factor, rate, horizon_years);
	drv = m->cost_driver - PT_COST_DRIVER;
	if (!s || !(s->drivers_known & (1u << drv))) {
		if (estimated)
			*estimated = 1;
		return pt_measure_pv_cost(m, size_factor, rate, horizon_years);
	}
	u = *m;
	u.capex_eur = m->unit_capex_eur;
	u.opex_eur_year = m->unit_opex_eur_year;
	if (drv == PT_DRIVER_SCREENED_PER_DAY && s->peak_occupancy > s->drivers[drv]) {
		/* issue 11 M4: screened_per_day is the yearly average, which sizes the
		 * staff hours; the lanes are bought for the peak day, at least the
		 * peak occupancy (a stadium's 25 match days). */
		u.capex_eur = m->unit_capex_eur * (double)s->peak_occupancy;
		u.opex_eur_year = m->unit_opex_eur_year * (double)s->drivers[drv];
		return pt_measure_pv_cost(&u, 1, rate, horizon_years);
	}
	return pt_measure_pv_cost(&u, (double)s->drivers[drv], rate, horizon_years);
}

unsigned pt_measure_misfit(const struct pt_measure *m, const struct pt_site *s)
{
	int drv;
	if (!m || !s)
		return 0;
	if ((m->needs & PT_NEED_ENCLOSED) && !pt_site_is_enclosed(s))
		return PT_NEED_ENCLOSED;
	if ((m->needs & PT_NEED_CONTROLLED_ENTRY) && !pt_site_has_controlled_entry(s))
		return PT_NEED_CONTROLLED_ENTRY;
	if ((m->needs & PT_NEED_STAFFED) && !pt_site_is_staffed(s))
		return PT_NEED_STAFFED;
	drv = m->cost_driver - PT_COST_DRIVER;
	if (drv >= 0 && drv < PT_DRIVER_COUNT && (s->drivers_known & (1u << drv)) &&
	    s->drivers[drv] == 0)
		return PT_NEED_ALL + 1 + (unsigned)drv;
	return 0;
}

enum pt_legal_basis pt_measure_basis_at(const struct pt_measure *m, const struct pt_site *s)
{
	enum pt_legal_basis b;
	if (!m)
		return PT_BASIS_NONE;
	b = m->legal_basis > 0 && m->legal_basis < PT_BASIS_COUNT ? (enum pt_legal_basis)m->legal_basis
								   : PT_BASIS_NONE;
	if (s && m->rights[PT_RIGHT_PRIVACY] >= 1 && pt_site_is_open_public(s))
		b = PT_BASIS_STATUTE;
	return b;
}

int pt_measure_reduces(const struct pt_measure_catalog *c, const char *measure_id,
		       const char *threat_id)
{
	for (size_t i = 0; c && measure_id && threat_id && i < c->n_effects; i++) {
		const struct pt_measure_effect *e = &c->effects[i];
		if (strcmp(e->measure_id, measure_id) == 0 && strcmp(e->threat_id, threat_id) == 0)
			return e->v_reduction > 0 || e->c_reduction > 0;
	}
	return 0;
}

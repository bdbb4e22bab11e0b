/* pt_gen.c - the synthetic national dataset: each site, FEMA row, CARVER
 * row and quantitative row computed alone from (seed, index) streams. */
#include "pt_gen.h"

#include <math.h>
#include <string.h>

#include "pt_rng.h"

/* Stream domains: one keyed stream per element, so any element can be made alone. */
enum { STREAM_SITE = 1, STREAM_PAIR = 2, STREAM_CARVER = 3, STREAM_DEPS = 4 };

enum kind_class { KC_INFRA = 0, KC_SOFT, KC_PUBLIC };

/* Figures of a sector: name nouns, log10 ranges of peak occupancy, population
 * served (0 0: none) and economic value in EUR, share of sites without a capacity. */
struct sector_profile {
	const char *id;
	const char *noun[3];
	double peak_lo, peak_hi, served_lo, served_hi, value_lo, value_hi;
	double no_capacity;
};

static const struct sector_profile sector_profiles[] = {
	{ "energy", { "Power Station", "Grid Substation", "Gas Terminal" }, 0.3, 2.5, 4, 6, 7, 9, 0 },
	{ "transport", { "Rail Viaduct", "Container Port", "Road Tunnel" }, 1, 3, 4.5, 6, 7.5, 9.2, 0.3 },
	{ "banking", { "Bank Head Office", "Bank Operations Centre", "Cash Centre" }, 1.5, 3.3, 4, 6, 7, 8.7, 0 },
	{ "financial_market_infrastructure", { "Stock Exchange", "Clearing House", "Settlement Centre" }, 1.5, 3, 5, 6, 7.3, 8.5, 0 },
	{ "health", { "General Hospital", "District Hospital", "Health Laboratory" }, 2, 3.6, 4.3, 5.8, 7.5, 8.8, 0 },
	{ "drinking_water", { "Water Treatment Works", "Reservoir and Pumping Station", "Water Intake" }, 0, 1.8, 3.8, 5.8, 6.7, 8.6, 0 },
	{ "waste_water", { "Waste Water Treatment Plant", "Sewage Pumping Station", "Sludge Works" }, 0, 1.8, 3.8, 5.7, 6.5, 8.5, 0 },
	{ "digital_infrastructure", { "Data Centre", "Internet Exchange", "Cable Landing Station" }, 0.5, 2.3, 4.5, 6, 7, 8.7, 0 },
	{ "public_administration", { "Government Offices", "Town Hall", "Emergency Coordination Centre" }, 1.7, 3.3, 4, 6, 7, 8.5, 0 },
	{ "space", { "Satellite Ground Station", "Space Tracking Station", "Earth Observation Centre" }, 0.7, 1.8, 5, 6, 7.5, 8.5, 0 },
	{ "food", { "Food Distribution Centre", "Flour Mill", "Dairy Plant" }, 1.5, 2.8, 4.5, 5.8, 7, 8.3, 0 },
	{ "stadium_arena", { "Stadium", "Arena", "Sports Ground" }, 3.5, 4.8, 0, 0, 7, 8.7, 0 },
	{ "shopping_centre", { "Shopping Centre", "Retail Park", "Galleria" }, 3, 4.3, 0, 0, 7, 8.6, 0 },
	{ "place_of_worship", { "Cathedral", "Mosque", "Synagogue" }, 1.8, 3.5, 0, 0, 6, 8, 0 },
	{ "school", { "Primary School", "Secondary School", "College" }, 2.3, 3.4, 0, 0, 6.5, 8, 0 },
	{ "hotel", { "Grand Hotel", "Harbour Hotel", "Conference Hotel" }, 1.7, 3.1, 0, 0, 6.5, 8.3, 0 },
	{ "transport_hub", { "Central Station", "Bus Interchange", "Ferry Terminal" }, 2.8, 4.4, 4, 5.8, 7, 8.7, 0 },
	{ "event_venue", { "Concert Hall", "Congress Centre", "Festival Grounds" }, 3, 4.6, 0, 0, 6.5, 8.5, 0.2 },
	{ "public_square", { "Market Square", "Plaza", "Pedestrian Zone" }, 2.7, 4.4, 0, 0, 6, 7.3, 1 },
	{ "tourist_site", { "Castle", "Museum", "Promenade" }, 2.5, 4, 0, 0, 6.5, 8.3, 0.4 },
	{ "market", { "Covered Market", "Winter Market", "Farmers' Market" }, 2.5, 4, 0, 0, 5.8, 7.3, 0.6 },
};

/* Sectors outside the table take the figures of their kind. */
static const struct sector_profile kind_profiles[3] = {
	{ "", { "Facility", "Plant", "Control Centre" }, 0.5, 2.5, 4, 6, 7, 8.7, 0 },
	{ "", { "Venue", "Centre", "Hall" }, 2, 4, 0, 0, 6.5, 8.3, 0.1 },
	{ "", { "Square", "Park", "Promenade" }, 2.5, 4, 0, 0, 5.8, 7.3, 0.8 },
};

/*
 * Threat scenarios: base threat rating, vulnerability rating by kind class,
 * fatalities (base + share of peak occupancy, capped), injuries per fatality,
 * share of the economic value destroyed, days of lost service.
 */
struct threat_profile {
	const char *id;
	int threat;
	int vuln[3];
	double fat_base, fat_share, fat_cap, injuries_per_fatality;
	double damage, outage_days;
	int area; /* blast or toxic release: harms people around the site */
};

static const struct threat_profile threat_profiles[] = {
	{ "vehicle_ramming", 4, { 3, 6, 8 }, 2, 0.0004, 15, 5, 0.005, 0.5, 0 },
	{ "vbied_small", 3, { 4, 6, 7 }, 3, 0.001, 30, 4, 0.08, 5, 1 },
	{ "vbied_large", 2, { 5, 6, 7 }, 8, 0.002, 80, 4, 0.3, 21, 1 },
	{ "pbied", 3, { 4, 6, 8 }, 2, 0.0008, 25, 6, 0.02, 2, 0 },
	{ "armed_assault_lone", 4, { 4, 7, 8 }, 3, 0.0005, 15, 2, 0.005, 2, 0 },
	{ "armed_assault_team", 3, { 4, 7, 7 }, 6, 0.002, 60, 2, 0.01, 4, 0 },
	{ "bladed_weapon", 4, { 3, 7, 8 }, 1, 0.0001, 3, 3, 0.001, 0.5, 0 },
	{ "arson", 3, { 4, 5, 6 }, 0, 0.002, 20, 3, 0.15, 10, 0 },
	{ "chemical_release", 2, { 5, 5, 6 }, 2, 0.001, 40, 10, 0.05, 7, 1 },
	{ "drone_uas", 3, { 5, 6, 6 }, 0, 0.0001, 5, 4, 0.005, 1, 0 },
	{ "cyber_physical", 4, { 6, 4, 2 }, 0, 0, 0, 0, 0.03, 5, 0 },
	{ "insider_sabotage", 3, { 5, 4, 2 }, 0, 0, 1, 2, 0.05, 4, 0 },
	{ "hostage_taking", 2, { 3, 6, 5 }, 2, 0.0005, 15, 2, 0.005, 2, 0 },
};

/* A threat outside the table. */
static const struct threat_profile generic_threat = { "", 3, { 4, 6, 6 }, 1, 0.0005, 10, 3,
						      0.02, 2, 0 };

/* A person-day of lost service at the default value of a person-hour (resilience.value_person_hour_eur,
 * EUR 6; docs/methodology.md section 16) x 24, so a generated site's own loss and the downstream
 * consequence value lost service alike. */
#define SERVICE_EUR_PER_PERSON_DAY (6.0 * 24.0)

/* Invented place names: a prefix and an ending. */
static const char *const town_prefix[] = { "Abr",  "Bel",  "Cald", "Dorn", "Esk",  "Farn",
					   "Gild", "Harl", "Ivel", "Jest", "Kern", "Lith",
					   "Mard", "Nesh", "Orl",  "Prys", "Quen", "Rask",
					   "Sorv", "Trel", "Ulm",  "Vask", "Wend", "Yst" };
static const char *const town_ending[] = { "avra", "essa", "orin", "uvel", "anth", "idor",
					   "emar", "ovia", "ustra", "elle", "ivar", "onne",
					   "aska", "urin", "ethe", "olva" };
static const char *const regions[] = { "Ardenval", "Brisca",   "Corrantis", "Drovenia",
				       "Estmark",  "Fennor",   "Galvoria",  "Helmreach",
				       "Istrane",  "Jorvath",  "Kelmora",   "Lunesse",
				       "Morvaine", "Norrath",  "Ostrevia",  "Pellavar" };

/* Invented owners by group: utilities, transport, finance, state, commerce, municipal. */
enum owner_group { OG_UTIL, OG_TRANSPORT, OG_FINANCE, OG_STATE, OG_COMMERCE, OG_CITY, OG_COUNT };
static const char *const owners[OG_COUNT][4] = {
	{ "Quorvane Energy", "Lithavra Water Services", "Dornessa Networks", "Kelmora Utilities" },
	{ "Brisca Rail", "Pellavar Ports and Airports", "Estmark Transit", "Norrath Motorways" },
	{ "Ystrova Bank", "Estmark Exchange Group", "Galvoria Savings Bank", "Corrantis Clearing" },
	{ "Ministry of the Interior", "Ministry of Health", "National Heritage Agency",
	  "Ministry of Education" },
	{ "Harlane Retail Group", "Orinel Hospitality", "Fennor Leisure", "Vaskelle Food Group" },
	{ "Ardenval City Council", "Morvaine City Council", "Norrath Town Council",
	  "Istrane District Council" },
};

/* Everything about one site that its rows depend on. */
struct facts {
	size_t sector;
	enum kind_class kind;
	const struct sector_profile *profile;
	int prominence, protection;
	long long capacity, peak, served;
	double value;
	struct pt_rng rng; /* the site stream after the facts were drawn */
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static double uniform(struct pt_rng *r, double lo, double hi)
{
	return lo + (hi - lo) * pt_rng_uniform(r);
}

/* An integer in [lo, hi]. */
static int pick(struct pt_rng *r, int lo, int hi)
{
	int v = lo + (int)floor(pt_rng_uniform(r) * (double)(hi - lo + 1));
	return v > hi ? hi : v;
}

static double clampd(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* v rounded to `digits` significant digits; the division keeps "0.000123" exact in text. */
static double round_sig(double v, int digits)
{
	int e;
	if (v == 0 || !isfinite(v))
		return v;
	e = (int)floor(log10(fabs(v))) - digits + 1;
	if (e < 0) {
		double scale = pow(10.0, -e);
		return round(v * scale) / scale;
	}
	return round(v / pow(10.0, e)) * pow(10.0, e);
}

/* The 1-10 scales shared with tools/make-demo.py (docs/methodology.md). */
static double people_scale(long long peak)
{
	return 1.8 * log10((double)peak + 1) + 0.5;
}

static double service_scale(long long served)
{
	return served > 0 ? 1.6 * log10((double)served / 1000 + 1) + 4 : 1;
}

static double money_scale(double value)
{
	return value >= 1 ? 2 * (log10(value) - 6) + 1 : 1;
}

static int asset_value(const struct facts *f)
{
	double a = people_scale(f->peak);
	if (service_scale(f->served) > a)
		a = service_scale(f->served);
	if (money_scale(f->value) > a)
		a = money_scale(f->value);
	return clampi((int)lround(a), 1, 10);
}

static enum kind_class kind_of(const struct pt_catalog_entry *sector)
{
	if (strcmp(sector->parent, "critical_infrastructure") == 0)
		return KC_INFRA;
	if (strcmp(sector->parent, "public_space") == 0)
		return KC_PUBLIC;
	return KC_SOFT;
}

static const struct threat_profile *threat_profile(const char *id)
{
	size_t i;
	for (i = 0; i < COUNT_OF(threat_profiles); i++)
		if (strcmp(threat_profiles[i].id, id) == 0)
			return &threat_profiles[i];
	return &generic_threat;
}

static int catalogs_usable(const struct pt_catalogs *cat)
{
	return cat && cat->kinds.n && cat->sectors.n && cat->threats.n;
}

/* The sector of site i: the first draw of its stream (r is left after it). */
static size_t site_sector(const struct pt_gen_params *p, const struct pt_catalogs *cat,
			  uint64_t i, struct pt_rng *r)
{
	size_t sector;
	pt_rng_seed(r, p->seed, i, STREAM_SITE, 0);
	/* The first sites take each sector once, so every sector is covered. */
	sector = i < cat->sectors.n ? (size_t)i :
				      (size_t)floor(pt_rng_uniform(r) * (double)cat->sectors.n);
	return sector >= cat->sectors.n ? cat->sectors.n - 1 : sector;
}

/* The facts of site i, drawn from its own stream. */
static void site_facts(const struct pt_gen_params *p, const struct pt_catalogs *cat, uint64_t i,
		       struct facts *f)
{
	const struct sector_profile *sp = NULL;
	struct pt_rng *r = &f->rng;
	double u;
	size_t k;

	memset(f, 0, sizeof *f);
	f->sector = site_sector(p, cat, i, r);
	f->kind = kind_of(&cat->sectors.items[f->sector]);
	for (k = 0; k < COUNT_OF(sector_profiles); k++)
		if (strcmp(sector_profiles[k].id, cat->sectors.items[f->sector].id) == 0)
			sp = &sector_profiles[k];
	f->profile = sp ? sp : &kind_profiles[f->kind];
	sp = f->profile;

	u = pt_rng_uniform(r);
	f->prominence = u < 0.2 ? -1 : u < 0.7 ? 0 : u < 0.9 ? 1 : 2;
	f->protection = f->kind == KC_INFRA ? pick(r, 0, 2) :
			f->kind == KC_SOFT  ? pick(r, -1, 1) :
					      pick(r, -1, 0);
	f->peak = llround(pow(10.0, uniform(r, sp->peak_lo, sp->peak_hi)));
	if (f->peak < 1)
		f->peak = 1;
	if (pt_rng_uniform(r) < sp->no_capacity)
		f->capacity = -1;
	else
		f->capacity = (long long)ceil((double)f->peak * uniform(r, 1.0, 1.4));
	f->served = sp->served_hi > 0 ?
			    (long long)round_sig(pow(10.0, uniform(r, sp->served_lo, sp->served_hi)), 2) :
			    0;
	f->value = round_sig(pow(10.0, uniform(r, sp->value_lo, sp->value_hi)), 2);
}

/* "S" and i+1 in at least six digits. */
static void site_id(uint64_t i, char *buf, size_t size)
{
	char digits[24];
	size_t n = 0, k = 0;
	uint64_t v = i + 1;
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < 6)
		digits[n++] = '0';
	if (size < n + 2) {
		if (size)
			buf[0] = '\0';
		return;
	}
	buf[k++] = 'S';
	while (n)
		buf[k++] = digits[--n];
	buf[k] = '\0';
}

enum pt_err pt_gen_check(struct pt_gen_params *p, const struct pt_catalogs *cat,
			 struct pt_diag *d)
{
	size_t i;
	if (!catalogs_usable(cat))
		return pt_diag_put(d, PT_EINVAL, 0, "catalogues",
				   "the kinds, sectors and threats catalogues must not be empty");
	for (i = 0; i < cat->sectors.n; i++)
		if (pt_catalog_find(&cat->kinds, cat->sectors.items[i].parent) < 0)
			return pt_diag_put(d, PT_EINVAL, 0, "sectors",
					   "a sector names a kind the kinds catalogue lacks");
	if (p->n_sites < 1)
		return pt_diag_put(d, PT_EINVAL, 0, "sites", "at least one site is needed");
	if (p->n_sites > PT_GEN_SITES_MAX)
		return pt_diag_put(d, PT_ELIMIT, 0, "sites", "at most 10000000 sites");
	if (p->n_threats > cat->threats.n) {
		char msg[128], num[32];
		pt_strlcpy(msg, "at most ", sizeof msg);
		pt_number_format((double)cat->threats.n, num, sizeof num);
		pt_strlcat(msg, num, sizeof msg);
		pt_strlcat(msg, " (the threat scenarios of the catalogue)", sizeof msg);
		return pt_diag_put(d, PT_EINVAL, 0, "threats", msg);
	}
	if (p->n_threats == 0)
		p->n_threats = cat->threats.n;
	return PT_OK;
}

static int args_ok(const struct pt_gen_params *p, const struct pt_catalogs *cat, uint64_t i)
{
	return p && catalogs_usable(cat) && i < p->n_sites && p->n_sites <= PT_GEN_SITES_MAX &&
	       p->n_threats <= cat->threats.n;
}

enum pt_err pt_gen_site(const struct pt_gen_params *p, const struct pt_catalogs *cat,
			uint64_t i, struct pt_site *out)
{
	static const double tlp_share[PT_TLP_COUNT] = { 0.40, 0.30, 0.18, 0.07, 0.05 };
	struct facts f;
	struct pt_rng *r;
	const struct pt_catalog_entry *sector;
	enum owner_group group;
	char name[PT_NAME_MAX];
	double u;
	int k;

	if (!args_ok(p, cat, i) || !out)
		return PT_EINVAL;
	site_facts(p, cat, i, &f);
	r = &f.rng;
	sector = &cat->sectors.items[f.sector];
	memset(out, 0, sizeof *out);
	site_id(i, out->id, sizeof out->id);

	pt_strlcpy(name, town_prefix[pick(r, 0, (int)COUNT_OF(town_prefix) - 1)], sizeof name);
	pt_strlcat(name, town_ending[pick(r, 0, (int)COUNT_OF(town_ending) - 1)], sizeof name);
	pt_strlcat(name, " ", sizeof name);
	pt_strlcat(name, f.profile->noun[pick(r, 0, 2)], sizeof name);
	pt_strlcpy(out->name, name, sizeof out->name);
	pt_strlcpy(out->kind, sector->parent, sizeof out->kind);
	pt_strlcpy(out->sector, sector->id, sizeof out->sector);

	if (strcmp(sector->id, "transport") == 0 || strcmp(sector->id, "transport_hub") == 0)
		group = OG_TRANSPORT;
	else if (strcmp(sector->id, "banking") == 0 ||
		 strcmp(sector->id, "financial_market_infrastructure") == 0)
		group = OG_FINANCE;
	else if (strcmp(sector->id, "health") == 0 ||
		 strcmp(sector->id, "public_administration") == 0 ||
		 strcmp(sector->id, "tourist_site") == 0)
		group = OG_STATE;
	else if (f.kind == KC_INFRA && strcmp(sector->id, "food") != 0)
		group = OG_UTIL;
	else if (f.kind == KC_PUBLIC || strcmp(sector->id, "place_of_worship") == 0 ||
		 strcmp(sector->id, "school") == 0)
		group = OG_CITY;
	else
		group = OG_COMMERCE;
	pt_strlcpy(out->owner, owners[group][pick(r, 0, 3)], sizeof out->owner);

	out->lat = round(uniform(r, 40.0, 48.0) * 1e5) / 1e5;
	out->lon = round(uniform(r, -22.0, -14.0) * 1e5) / 1e5;
	pt_strlcpy(out->region, regions[pick(r, 0, (int)COUNT_OF(regions) - 1)],
		   sizeof out->region);
	out->capacity = f.capacity;
	out->peak_occupancy = f.peak;
	out->population_served = f.served;
	out->economic_value_eur = f.value;

	/* The first five sites carry the five labels; then most are shareable. */
	if (i < PT_TLP_COUNT) {
		out->tlp = (enum pt_tlp)i;
	} else {
		u = pt_rng_uniform(r);
		for (k = 0; k < PT_TLP_COUNT - 1 && u >= tlp_share[k]; k++)
			u -= tlp_share[k];
		out->tlp = (enum pt_tlp)k;
	}
	return PT_OK;
}

/* Ratings of the pair (i, j) and the pair stream positioned after them. */
static void pair_ratings(const struct pt_gen_params *p, const struct facts *f, uint64_t i, size_t j,
			 const struct threat_profile *tp, int *threat, int *vuln,
			 struct pt_rng *r)
{
	pt_rng_seed(r, p->seed, i, STREAM_PAIR, (uint64_t)j);
	*threat = clampi(tp->threat + f->prominence + pick(r, -1, 1), 1, 10);
	*vuln = clampi(tp->vuln[f->kind] - f->protection + pick(r, -1, 1), 1, 10);
}

enum pt_err pt_gen_fema(const struct pt_gen_params *p, const struct pt_catalogs *cat,
			uint64_t i, size_t j, struct pt_fema_row *out)
{
	struct facts f;
	struct pt_rng r;
	const char *tid;
	if (!args_ok(p, cat, i) || !out || j >= p->n_threats)
		return PT_EINVAL;
	site_facts(p, cat, i, &f);
	tid = cat->threats.items[j].id;
	memset(out, 0, sizeof *out);
	site_id(i, out->site_id, sizeof out->site_id);
	pt_strlcpy(out->threat_id, tid, sizeof out->threat_id);
	out->asset_value = asset_value(&f);
	pair_ratings(p, &f, i, j, threat_profile(tid), &out->threat_rating,
		     &out->vulnerability_rating, &r);
	return PT_OK;
}

enum pt_err pt_gen_carver(const struct pt_gen_params *p, const struct pt_catalogs *cat,
			  uint64_t i, struct pt_carver_row *out)
{
	static const int access[3] = { 3, 8, 10 }, recup[3] = { 7, 4, 2 },
			 vuln[3] = { 4, 6, 8 }, recog[3] = { 5, 7, 7 }, shock[3] = { 4, 9, 8 };
	struct facts f;
	struct pt_rng r;
	double effect;
	if (!args_ok(p, cat, i) || !out)
		return PT_EINVAL;
	site_facts(p, cat, i, &f);
	pt_rng_seed(&r, p->seed, i, STREAM_CARVER, 0);
	memset(out, 0, sizeof *out);
	site_id(i, out->site_id, sizeof out->site_id);
	effect = money_scale(f.value);
	if (service_scale(f.served) > effect)
		effect = service_scale(f.served);
	if (people_scale(f.peak) - 1 > effect)
		effect = people_scale(f.peak) - 1;
	out->criticality = asset_value(&f);
	out->accessibility = clampi(access[f.kind] - f.protection + pick(&r, -1, 1), 1, 10);
	out->recuperability =
		clampi(recup[f.kind] + (f.value >= 3e8 ? 1 : 0) + pick(&r, -1, 1), 1, 10);
	out->vulnerability = clampi(vuln[f.kind] - f.protection + pick(&r, -1, 1), 1, 10);
	out->effect = clampi((int)lround(effect), 1, 10);
	out->recognizability = clampi(recog[f.kind] + f.prominence + pick(&r, -1, 1), 1, 10);
	out->shock = clampi((int)lround((shock[f.kind] + people_scale(f.peak)) / 2) + f.prominence,
			    1, 10);
	return PT_OK;
}

/* min <= mode <= max after rounding; a few ranges become constants. */
static void make_range(struct pt_range *g, double lo, double mode, double hi, struct pt_rng *r)
{
	if (lo > mode)
		lo = mode;
	if (hi < mode)
		hi = mode;
	if (pt_rng_uniform(r) < 0.05)
		lo = hi = mode; /* known exactly */
	g->min = lo;
	g->mode = mode;
	g->max = hi;
}

enum pt_err pt_gen_quant(const struct pt_gen_params *p, const struct pt_catalogs *cat,
			 uint64_t i, size_t j, struct pt_quant_row *out)
{
	const struct threat_profile *tp;
	struct facts f;
	struct pt_rng r;
	double pa, ps, fat, inj, loss, reach, scale;
	int threat, vuln;

	if (!args_ok(p, cat, i) || !out || j >= p->n_threats)
		return PT_EINVAL;
	site_facts(p, cat, i, &f);
	tp = threat_profile(cat->threats.items[j].id);
	pair_ratings(p, &f, i, j, tp, &threat, &vuln, &r);
	memset(out, 0, sizeof *out);
	site_id(i, out->site_id, sizeof out->site_id);
	pt_strlcpy(out->threat_id, cat->threats.items[j].id, sizeof out->threat_id);

	/* T: 0.05 a year at threat rating 10, a decade less per 2.5 ratings. */
	pa = round_sig(clampd(0.05 * pow(10.0, (threat - 10) / 2.5) * uniform(&r, 0.7, 1.4), 1e-7,
			      0.5),
		       2);
	make_range(&out->var[PT_QV_P_ATTEMPT], round_sig(pa * uniform(&r, 0.2, 0.6), 2), pa,
		   round_sig(fmin(1.0, pa * uniform(&r, 1.5, 4)), 2), &r);

	/* V: about 0.08 per vulnerability rating. */
	ps = round_sig(clampd(0.08 * vuln * uniform(&r, 0.85, 1.15), 0.01, 0.95), 2);
	make_range(&out->var[PT_QV_P_SUCCESS], round_sig(ps * uniform(&r, 0.5, 0.8), 2), ps,
		   round_sig(fmin(1.0, ps * uniform(&r, 1.1, 1.5)), 2), &r);

	/* C: people harmed scale with the people present (blasts reach beyond the site). */
	reach = tp->area ? fmax((double)f.peak, 4 * tp->fat_cap) : (double)f.peak;
	fat = fmin(tp->fat_cap, tp->fat_base + tp->fat_share * (double)f.peak);
	fat = fmin(round(fat * uniform(&r, 0.7, 1.3)), reach);
	make_range(&out->var[PT_QV_FATALITIES], round(fat * uniform(&r, 0.2, 0.5)), fat,
		   fmin(reach, round(fmax(fat * uniform(&r, 2, 4), tp->fat_cap > 0 ? 1 : 0))), &r);
	inj = fmin(round(fat * tp->injuries_per_fatality * uniform(&r, 0.7, 1.3)), reach);
	make_range(&out->var[PT_QV_INJURIES], round(inj * uniform(&r, 0.2, 0.5)), inj,
		   fmin(reach, fmax(round(inj * uniform(&r, 2, 4)), tp->fat_cap > 0 ? 1 : 0)), &r);

	loss = f.value * tp->damage;
	if (f.kind == KC_INFRA)
		loss += (double)f.served * tp->outage_days * SERVICE_EUR_PER_PERSON_DAY;
	loss = round_sig(loss * uniform(&r, 0.7, 1.3), 3);
	scale = uniform(&r, 1.8, 3.5);
	make_range(&out->var[PT_QV_LOSS_EUR], round_sig(loss * uniform(&r, 0.3, 0.6), 3), loss,
		   round_sig(loss * scale, 3), &r);
	return PT_OK;
}

/*
 * The supply network (issue 12): each site consumes from a few infrastructure
 * sectors, as real networks are layered: power for every site, water, telecom
 * and transport for many; the providers are the sites of those sectors, drawn
 * with a heavy tail towards low indices (a few large providers serve most
 * consumers, most provider-sector sites serve few). Figures by the consumer's
 * kind class (critical infrastructure, soft target, public space): the
 * chance of the supply, its autonomy in hours, the share of service lost.
 */
struct supply_profile {
	const char *sector;
	enum pt_dep_type type;
	double chance[3];
	double auto_lo[3], auto_hi[3];
	double loss_lo, loss_hi;
	double redundant; /* chance of a second provider in a redundant group */
	const char *group;
};

static const struct supply_profile supply_profiles[] = {
	/* generators: hospitals and utilities 24-72 h of fuel, venues a few hours, squares none */
	{ "energy", PT_DEP_PHYSICAL, { 1, 1, 1 }, { 24, 0, 0 }, { 72, 8, 2 }, 0.6, 1, 0.15, "power" },
	/* roof tanks and reservoirs: half a day to two days */
	{ "drinking_water", PT_DEP_PHYSICAL, { 0.7, 0.6, 0.2 }, { 12, 4, 0 }, { 48, 24, 8 }, 0.3, 0.9,
	  0, NULL },
	/* batteries 4-8 h for the network, paper procedures for a few hours */
	{ "digital_infrastructure", PT_DEP_CYBER, { 0.9, 0.4, 0.1 }, { 0, 0, 0 }, { 8, 8, 4 }, 0.1, 0.9,
	  0.25, "uplink" },
	/* stocks of fuel, food and parts: one to five days */
	{ "transport", PT_DEP_LOGICAL, { 0.3, 0.15, 0.05 }, { 24, 24, 24 }, { 120, 72, 48 }, 0.1, 0.5,
	  0, NULL },
};

#define PICK_TRIES 128
#define PICK_TAIL 3.0 /* point = N u^3: the density falls as index^(-2/3) */

/* A provider of sector for consumer i, not avoid; 0 when there is none. A
 * heavy-tailed point, then the first site of the sector from there on, so a
 * provider's share is the gap before it times the density there. */
static int pick_provider(const struct pt_gen_params *p, const struct pt_catalogs *cat,
			 size_t sector, uint64_t i, uint64_t avoid, struct pt_rng *r, uint64_t *out)
{
	struct pt_rng tmp;
	uint64_t j;
	int t;
	j = (uint64_t)floor((double)p->n_sites * pow(pt_rng_uniform(r), PICK_TAIL));
	if (j >= p->n_sites)
		j = p->n_sites - 1;
	for (t = 0; t < PICK_TRIES; t++, j = j + 1 < p->n_sites ? j + 1 : 0) {
		if (j != i && j != avoid && site_sector(p, cat, j, &tmp) == sector) {
			*out = j;
			return 1;
		}
	}
	/* Site `sector` has that sector (the first sites take each once). */
	if (sector < p->n_sites && sector != i && sector != avoid) {
		*out = sector;
		return 1;
	}
	return 0;
}

static void dep_row(struct pt_dependency *d, uint64_t provider, uint64_t consumer,
		    enum pt_dep_type type, double autonomy, double loss, const char *group)
{
	memset(d, 0, sizeof *d);
	site_id(provider, d->provider_id, sizeof d->provider_id);
	site_id(consumer, d->consumer_id, sizeof d->consumer_id);
	d->type = type;
	d->autonomy_hours = autonomy;
	d->service_loss = loss;
	if (group)
		pt_strlcpy(d->group, group, sizeof d->group);
}

enum pt_err pt_gen_dependencies(const struct pt_gen_params *p, const struct pt_catalogs *cat,
				uint64_t i, struct pt_dependency out[PT_GEN_DEPS_MAX], size_t *n)
{
	struct pt_rng r, tmp;
	size_t k, consumer_sector;
	enum kind_class kind;
	if (!args_ok(p, cat, i) || !out || !n)
		return PT_EINVAL;
	*n = 0;
	consumer_sector = site_sector(p, cat, i, &tmp);
	kind = kind_of(&cat->sectors.items[consumer_sector]);
	pt_rng_seed(&r, p->seed, i, STREAM_DEPS, 0);
	for (k = 0; k < COUNT_OF(supply_profiles) && *n < PT_GEN_DEPS_MAX; k++) {
		const struct supply_profile *sp = &supply_profiles[k];
		long sector = pt_catalog_find(&cat->sectors, sp->sector);
		double autonomy, loss, u_take, u_red;
		uint64_t a, b;
		u_take = pt_rng_uniform(&r);
		u_red = pt_rng_uniform(&r);
		autonomy = round(uniform(&r, sp->auto_lo[kind], sp->auto_hi[kind]));
		loss = clampd(round(uniform(&r, sp->loss_lo, sp->loss_hi) * 20.0) / 20.0, 0.05, 1.0);
		if (sector < 0 || u_take >= sp->chance[kind])
			continue;
		if (strcmp(sp->sector, "energy") == 0 && (size_t)sector == consumer_sector) {
			autonomy = 0; /* a substation fed by a power station has no store */
			loss = 1;
		}
		if (!pick_provider(p, cat, (size_t)sector, i, i, &r, &a))
			continue;
		if (sp->group && u_red < sp->redundant && *n + 2 <= PT_GEN_DEPS_MAX &&
		    pick_provider(p, cat, (size_t)sector, i, a, &r, &b)) {
			dep_row(&out[(*n)++], a, i, sp->type, autonomy, loss, sp->group);
			dep_row(&out[(*n)++], b, i, sp->type, autonomy, loss, sp->group);
		} else {
			dep_row(&out[(*n)++], a, i, sp->type, autonomy, loss, NULL);
		}
	}
	return PT_OK;
}

/* pt_model.h - the domain records of the registry: sites, catalogue
 * entries, assessments of the three methods, TLP labels, threat levels. */
#ifndef PT_MODEL_H
#define PT_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "pt_err.h"

/* Field size limits (bytes including the NUL). Input longer than this is rejected. */
#define PT_ID_MAX 64      /**< site, threat, kind, sector ids */
#define PT_NAME_MAX 256   /**< names of sites and organisations */
#define PT_REGION_MAX 128 /**< region names */
#define PT_TEXT_MAX 4097  /**< free text (4 KiB + NUL), the CSV field limit */

/** Traffic Light Protocol 2.0 labels, ordered from most to least shareable. */
enum pt_tlp {
	PT_TLP_CLEAR = 0,
	PT_TLP_GREEN,
	PT_TLP_AMBER,
	PT_TLP_AMBER_STRICT,
	PT_TLP_RED
};
#define PT_TLP_COUNT 5

/** Canonical name ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"). */
const char *pt_tlp_name(enum pt_tlp tlp);
/** Parse a TLP name (exact, upper case; "TLP:" prefix accepted). PT_EINVAL if unknown. */
enum pt_err pt_tlp_parse(const char *s, enum pt_tlp *out);

/** National threat levels; assessed values hold at SUBSTANTIAL. */
enum pt_threat_level {
	PT_LEVEL_LOW = 0,
	PT_LEVEL_MODERATE,
	PT_LEVEL_SUBSTANTIAL,
	PT_LEVEL_SEVERE,
	PT_LEVEL_CRITICAL
};
#define PT_LEVEL_COUNT 5

/** Canonical name ("LOW" ... "CRITICAL"). */
const char *pt_threat_level_name(enum pt_threat_level level);
/** Parse a level name (case-insensitive). PT_EINVAL if unknown. */
enum pt_err pt_threat_level_parse(const char *s, enum pt_threat_level *out);

/**
 * Scale a yearly attempt probability p by factor f: 1 - (1 - p)^f, which
 * stays in [0, 1]. f = 1 returns p unchanged.
 */
double pt_threat_level_scale(double p, double factor);

/** Organisation types. */
enum pt_org_type { PT_ORG_GOVERNMENT = 0, PT_ORG_OPERATOR, PT_ORG_PRIVATE_SECURITY, PT_ORG_NGO };
/** "government", "operator", "private_security", "ngo". */
const char *pt_org_type_name(enum pt_org_type t);
/** Parse an organisation type name. PT_EINVAL if unknown. */
enum pt_err pt_org_type_parse(const char *s, enum pt_org_type *out);

/** A catalogue entry (kind, sector or threat scenario). */
struct pt_catalog_entry {
	char id[PT_ID_MAX];
	char name[PT_NAME_MAX];
	char parent[PT_ID_MAX]; /**< for sectors: the kind id they belong to; else empty */
	char description[PT_TEXT_MAX];
	/** place in the catalogue as it was imported (the file's row order; the
	 * store's rowid): "catalogue order", which breaks ties of worst pairs */
	long long position;
};

/** Most entries a catalogue may hold (an entry is about 4.5 KiB). */
#define PT_CATALOG_MAX 10000

/** A catalogue: a growable array of entries. Empty with pt_catalog_clear. */
struct pt_catalog {
	struct pt_catalog_entry *items;
	size_t n, cap;
};

/** Append a copy of e (PT_ENOMEM, PT_ELIMIT past PT_CATALOG_MAX entries). */
enum pt_err pt_catalog_append(struct pt_catalog *c, const struct pt_catalog_entry *e);
/** Index of id in c, or -1. */
long pt_catalog_find(const struct pt_catalog *c, const char *id);
/** Free the entries; c becomes empty. */
void pt_catalog_clear(struct pt_catalog *c);

/** The three catalogues every import is checked against. */
struct pt_catalogs {
	struct pt_catalog kinds, sectors, threats;
};

/** Assessment methods. */
enum pt_method { PT_METHOD_FEMA = 0, PT_METHOD_CARVER, PT_METHOD_QUANT };
/** "fema", "carver", "quant". */
const char *pt_method_name(enum pt_method m);
/** Parse a method name. PT_EINVAL if unknown. */
enum pt_err pt_method_parse(const char *s, enum pt_method *out);

/* ---- issue 11 (fit): cost drivers, fit attributes and legal basis of a site ---- */

/** The site attributes a measure's cost can scale with (sites.csv columns of the same names). */
enum pt_site_driver {
	PT_DRIVER_STAFF = 0,        /**< "staff": people working at the site */
	PT_DRIVER_ENTRANCES,        /**< "entrances" */
	PT_DRIVER_PERIMETER_M,      /**< "perimeter_m": metres of frontage or perimeter to protect */
	PT_DRIVER_VEHICLE_APPROACHES, /**< "vehicle_approaches" */
	PT_DRIVER_SCREENED_PER_DAY, /**< "screened_per_day": people screened a day */
	PT_DRIVER_CONTROL_SYSTEMS   /**< "control_systems": industrial control / IT systems */
};
#define PT_DRIVER_COUNT 6
/** Largest value of each driver (a bad value above it is refused). */
#define PT_DRIVER_MAX 10000000LL
/** Column name of a driver ("staff" ...), "" out of range. */
const char *pt_site_driver_name(enum pt_site_driver d);
/** Parse a driver column name (exact). PT_EINVAL if unknown. */
enum pt_err pt_site_driver_parse(const char *s, enum pt_site_driver *out);

/** A yes/no attribute that may be unknown (zero-initialised: unknown). */
enum pt_tri { PT_TRI_UNKNOWN = 0, PT_TRI_NO, PT_TRI_YES };

/** The legal basis for intrusive measures, weakest first. */
enum pt_legal_basis {
	PT_BASIS_NONE = 0, /**< "none": no specific basis needed / held */
	PT_BASIS_ENTRY,    /**< "entry": a condition of entry (ticketed or access-controlled private venue) */
	PT_BASIS_STATUTE   /**< "statute": a statute authorises it */
};
#define PT_BASIS_COUNT 3
/** "none", "entry", "statute"; "" out of range. */
const char *pt_legal_basis_name(enum pt_legal_basis b);
/** Parse "none", "entry" or "statute" (exact). PT_EINVAL otherwise. */
enum pt_err pt_legal_basis_parse(const char *s, enum pt_legal_basis *out);

/** A site of the registry. Numbers < 0 mean "not given" where noted. */
struct pt_site {
	char id[PT_ID_MAX];
	char name[PT_NAME_MAX];
	char kind[PT_ID_MAX];
	char sector[PT_ID_MAX];
	char owner[PT_NAME_MAX]; /**< owning organisation's name */
	double lat, lon;         /**< WGS84 degrees */
	char region[PT_REGION_MAX];
	long long capacity;       /**< -1 when not given (a public square) */
	long long peak_occupancy; /**< people present at peak, >= 0 */
	long long population_served;
	double economic_value_eur;
	enum pt_tlp tlp;
	/* issue 11 (fit): optional attributes; a zero-initialised site knows none of them. */
	long long drivers[PT_DRIVER_COUNT]; /**< 0-PT_DRIVER_MAX where bit d of drivers_known is set */
	unsigned drivers_known;             /**< bit d: drivers[d] is given */
	int enclosed;                       /**< enum pt_enclosure (its first values are enum pt_tri's) */
	enum pt_tri staffed;                /**< "yes" or "no" */
	int legal_basis;                    /**< 0 unknown, else enum pt_legal_basis + 1 */
	/* issue 16 (item 2): a health-sector site that receives casualties ("yes"), or not */
	enum pt_tri emergency_department; /**< unknown, "no" or "yes" (migration 028) */
};

/**
 * What bounds a site (sites.csv "enclosure"; issue 11 M3): numerically
 * enum pt_tri for the old two values (enclosed YES, open NO), plus
 * "fenced": open-air inside a controlled perimeter whose entrances can
 * search or screen people (a ticketed festival ground), but no building
 * that can be locked.
 */
enum pt_enclosure {
	PT_ENCLOSURE_UNKNOWN = PT_TRI_UNKNOWN,
	PT_ENCLOSURE_OPEN = PT_TRI_NO,      /**< "open": no building, no controlled entry */
	PT_ENCLOSURE_ENCLOSED = PT_TRI_YES, /**< "enclosed": a building whose doors can be locked */
	PT_ENCLOSURE_FENCED                 /**< "fenced": controlled perimeter and entrances, open-air */
};
/** "enclosed", "open", "fenced"; "" for unknown or out of range. */
const char *pt_enclosure_name(int enclosure);
/** Parse "enclosed", "open" or "fenced" (exact). PT_EINVAL otherwise. */
enum pt_err pt_enclosure_parse(const char *s, int *out);

/** The site's legal basis for intrusive measures; unknown counts as PT_BASIS_NONE. */
enum pt_legal_basis pt_site_legal_basis(const struct pt_site *s);
/** 1 when the site is enclosed (a building): its own value, else (unknown) every kind but public_space. */
int pt_site_is_enclosed(const struct pt_site *s);
/**
 * 1 when people enter the site only through entrances where they can be
 * searched or screened: enclosed or fenced; unknown: every kind but public_space.
 */
int pt_site_has_controlled_entry(const struct pt_site *s);
/**
 * 1 when the site is a publicly accessible space without controlled entry
 * (kind public_space or soft_target, and !pt_site_has_controlled_entry):
 * there privacy-intrusive measures need a statute (docs/methodology.md 12).
 */
int pt_site_is_open_public(const struct pt_site *s);
/** 1 when the site is staffed: its own value, else (unknown) every kind but public_space. */
int pt_site_is_staffed(const struct pt_site *s);
/**
 * issue 16 (item 2): 1 when the site may receive the casualties of a
 * mass-casualty incident: a health-sector site whose emergency department
 * is "yes" or unknown (a registry from before migration 028 knows none);
 * 0 for "no" and for every other sector (docs/methodology.md).
 */
int pt_site_receives_casualties(const struct pt_site *s);

/** FEMA 426/452 rating of one site against one threat (each 1-10). */
struct pt_fema_row {
	char site_id[PT_ID_MAX];
	char threat_id[PT_ID_MAX];
	int asset_value, threat_rating, vulnerability_rating;
};

/** CARVER + Shock scores of one site (each 1-10). */
struct pt_carver_row {
	char site_id[PT_ID_MAX];
	int criticality, accessibility, recuperability, vulnerability, effect, recognizability,
		shock;
};

/** A (min, most likely, max) range; min == max is a constant. */
struct pt_range {
	double min, mode, max;
};

/** Indexes of the five ranged inputs of the quantitative method. */
enum pt_quant_var {
	PT_QV_P_ATTEMPT = 0, /**< yearly probability of an attempt, T */
	PT_QV_P_SUCCESS,     /**< probability the attempt succeeds, V */
	PT_QV_FATALITIES,
	PT_QV_INJURIES,
	PT_QV_LOSS_EUR, /**< direct economic loss */
	PT_QV_COUNT
};

/** Column stem of each quantitative variable ("p_attempt", ...). */
const char *pt_quant_var_name(enum pt_quant_var v);

/** Quantitative (RAMCAP / J100) inputs of one site against one threat. */
struct pt_quant_row {
	char site_id[PT_ID_MAX];
	char threat_id[PT_ID_MAX];
	struct pt_range var[PT_QV_COUNT];
};

/**
 * Validate a range: finite, min <= mode <= max, within [lo, hi] (lo or hi
 * may be infinite). On failure returns PT_EINVAL and fills d with line,
 * field and a message naming the part at fault, e.g. "max 1.5 is above 1"
 * or "min 0.3 is greater than mode 0.2". d may be NULL.
 */
enum pt_err pt_range_check(const struct pt_range *r, double lo, double hi, struct pt_diag *d,
			   long line, const char *field);

/**
 * Write v as decimal text into buf the way printf's "%.15g" would ("3600000",
 * "0.25", "1e-07", "1e+20", "inf", "nan"; the 15th digit may differ by one
 * for a few extreme magnitudes), without stdio, so the core can name
 * numbers in its messages.
 * Always NUL-terminates when size > 0 (truncating). Returns the length
 * the full text has (like snprintf).
 */
size_t pt_number_format(double v, char *buf, size_t size);

/**
 * Append src to the NUL-terminated string in dst of size dst_size,
 * truncating; always NUL-terminates when dst_size > 0.
 */
void pt_strlcat(char *dst, const char *src, size_t dst_size);

/* issue 13 review (attack 2): texts that reach public alerts (CAP, Atom). */

/**
 * May the NUL-terminated UTF-8 text s reach a public alert (a site's name or
 * region, a note)? Refused: bytes that are not UTF-8 (overlong forms and
 * surrogates included), code points that are not XML 1.0 Char (the C0
 * controls, U+FFFE, U+FFFF), DEL and the C1 controls (U+0080-U+009F), the
 * bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069:
 * they reverse what a reader sees) and the line and paragraph separators
 * U+2028, U+2029. Tab, CR and LF pass when lines is PT_TEXT_LINES_CRLF (a
 * site's name may span lines, docs/formats.md), tab and LF only when it is
 * PT_TEXT_LINES_LF (an exercise run's texts, attack review 8), none when 0. Returns 1 when s may, else 0
 * with *bad (when not NULL) the first code point refused, or 0xFFFFFFFF for
 * bytes that are not UTF-8 (in pt_text_public_name's form). Pure; s NULL: 0.
 */
int pt_text_public_ok(const char *s, int lines, unsigned long *bad);
#define PT_TEXT_LINES_CRLF 1 /**< pt_text_public_ok: tab, CR and LF pass */
#define PT_TEXT_LINES_LF 2   /**< pt_text_public_ok: tab and LF pass, CR does not */

/**
 * What a code point cp that pt_text_public_ok refused is, for a message:
 * "U+202E (a bidi control)", "U+FFFE (not an XML character)", "0x1B (a
 * control character)", "bytes that are not UTF-8", written into buf (size
 * bytes, always NUL-terminated when size > 0). Returns buf.
 */
const char *pt_text_public_name(unsigned long cp, char *buf, size_t size);

#endif

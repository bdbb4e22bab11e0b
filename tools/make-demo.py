#!/usr/bin/env python3
# make-demo.py - writes data/demo/{sites,fema,carver,quant}.csv, the fictional
# region of Orrinford (Vellmark), from the hand-written tables below.
#
# Everything here is invented: the country Vellmark, the city-region of
# Orrinford and its districts, every site, owner and number. The coordinates
# lie in open ocean (around 47.1 N, 12.0 W), so no site can match a real place.
#
# The three methods are derived from the same site facts so they agree:
# - FEMA asset value from the people present at peak, the population served
#   and the economic value (the largest of the three log scales);
# - FEMA threat and vulnerability ratings from the sector's table below,
#   adjusted per site (prominence raises the threat, protection lowers the
#   vulnerability, open access raises it);
# - quantitative ranges from the same ratings and facts: p_attempt from the
#   threat rating on a log scale, p_success from the vulnerability rating,
#   fatalities and injuries from the threat type and the peak occupancy,
#   loss from the economic value and the people served directly (DIRECT_SERVED),
#   valued per person-hour as the downstream consequence is;
# - CARVER + Shock from the sector's attacker's-view profile and the same
#   asset value, prominence and protection.
# Usage: tools/make-demo.py [OUTDIR]   (default data/demo)

import csv
import math
import os
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "data", "demo")

GOV = "Vellmark Ministry of the Interior"
CITY = "Orrinford City Council"
UTIL = "Northgate Utilities"
HARB = "Harbourlight Group"
RAIL = "Vellmark Rail and Ports"

# District centres (lat, lon): all in open ocean, inside 46.95-47.25 N, 12.25-11.75 W.
DISTRICTS = {
    "Old Town": (47.105, -12.010),
    "Brackwater": (47.205, -12.170),
    "Kessling": (47.010, -11.830),
    "Dunmarrow": (46.985, -12.190),
}

# Per sector: kind; CARVER profile (accessibility, recuperability,
# recognizability, shock); threats {id: (threat rating, vulnerability rating)}.
SECTORS = {
    "energy": ("critical_infrastructure", (4, 8, 6, 4), {
        "vbied_large": (3, 5), "cyber_physical": (5, 5), "insider_sabotage": (4, 5),
        "drone_uas": (3, 5), "arson": (3, 4)}),
    "transport": ("critical_infrastructure", (4, 7, 7, 5), {
        "vbied_large": (3, 5), "cyber_physical": (4, 5), "insider_sabotage": (4, 5),
        "drone_uas": (4, 6), "arson": (3, 4)}),
    "banking": ("critical_infrastructure", (3, 5, 7, 5), {
        "cyber_physical": (5, 4), "insider_sabotage": (4, 4), "armed_assault_team": (3, 4),
        "vbied_small": (3, 4), "hostage_taking": (3, 4)}),
    "financial_market_infrastructure": ("critical_infrastructure", (3, 6, 6, 5), {
        "cyber_physical": (5, 4), "insider_sabotage": (4, 4), "vbied_small": (3, 4),
        "armed_assault_team": (3, 4)}),
    "health": ("critical_infrastructure", (8, 6, 8, 9), {
        "armed_assault_lone": (4, 7), "armed_assault_team": (3, 7), "hostage_taking": (3, 6),
        "arson": (3, 5), "cyber_physical": (5, 6), "bladed_weapon": (4, 7),
        "vbied_small": (2, 6)}),
    "drinking_water": ("critical_infrastructure", (4, 7, 5, 7), {
        "chemical_release": (3, 5), "cyber_physical": (5, 6), "insider_sabotage": (3, 5),
        "drone_uas": (2, 5)}),
    "waste_water": ("critical_infrastructure", (5, 6, 4, 3), {
        "cyber_physical": (4, 6), "insider_sabotage": (3, 5), "chemical_release": (2, 5),
        "arson": (2, 4)}),
    "digital_infrastructure": ("critical_infrastructure", (3, 6, 4, 4), {
        "cyber_physical": (6, 5), "insider_sabotage": (4, 5), "arson": (3, 4),
        "vbied_small": (2, 5)}),
    "public_administration": ("critical_infrastructure", (5, 5, 9, 7), {
        "vbied_large": (3, 5), "vbied_small": (4, 5), "armed_assault_lone": (4, 5),
        "armed_assault_team": (3, 5), "pbied": (3, 5), "hostage_taking": (3, 5), "arson": (3, 4)}),
    "space": ("critical_infrastructure", (3, 8, 4, 3), {
        "cyber_physical": (5, 5), "insider_sabotage": (3, 5), "drone_uas": (3, 5)}),
    "food": ("critical_infrastructure", (5, 5, 4, 4), {
        "arson": (3, 5), "insider_sabotage": (3, 5), "chemical_release": (2, 5),
        "cyber_physical": (4, 5)}),
    "stadium_arena": ("soft_target", (7, 4, 9, 10), {
        "pbied": (5, 6), "vehicle_ramming": (5, 6), "armed_assault_team": (4, 6),
        "drone_uas": (4, 6), "vbied_small": (3, 5), "chemical_release": (2, 5)}),
    "shopping_centre": ("soft_target", (9, 4, 7, 8), {
        "armed_assault_lone": (5, 7), "armed_assault_team": (4, 7), "pbied": (4, 6),
        "bladed_weapon": (5, 7), "arson": (3, 5), "vehicle_ramming": (4, 5)}),
    "place_of_worship": ("soft_target", (9, 5, 8, 9), {
        "armed_assault_lone": (5, 7), "bladed_weapon": (5, 7), "arson": (4, 6),
        "vehicle_ramming": (4, 6), "pbied": (3, 6)}),
    "school": ("soft_target", (7, 4, 6, 10), {
        "armed_assault_lone": (4, 7), "bladed_weapon": (4, 7), "hostage_taking": (3, 6),
        "arson": (3, 5)}),
    "hotel": ("soft_target", (8, 4, 7, 7), {
        "armed_assault_team": (4, 7), "hostage_taking": (3, 6), "vbied_small": (3, 6),
        "pbied": (3, 6), "arson": (3, 5)}),
    "transport_hub": ("soft_target", (9, 5, 8, 8), {
        "pbied": (5, 7), "armed_assault_team": (4, 7), "bladed_weapon": (5, 7),
        "vbied_small": (3, 6), "chemical_release": (2, 6), "vehicle_ramming": (4, 6)}),
    "event_venue": ("soft_target", (8, 4, 8, 9), {
        "pbied": (5, 6), "armed_assault_team": (4, 7), "hostage_taking": (3, 6),
        "vehicle_ramming": (4, 6), "drone_uas": (3, 6)}),
    "public_square": ("public_space", (10, 2, 7, 8), {
        "vehicle_ramming": (5, 8), "pbied": (4, 8), "bladed_weapon": (5, 8),
        "armed_assault_lone": (4, 8), "vbied_small": (3, 7)}),
    "tourist_site": ("public_space", (9, 3, 9, 8), {
        "vehicle_ramming": (4, 7), "bladed_weapon": (4, 7), "pbied": (3, 7), "arson": (3, 5),
        "armed_assault_lone": (3, 7)}),
    "market": ("public_space", (10, 2, 6, 7), {
        "vehicle_ramming": (5, 8), "pbied": (3, 8), "bladed_weapon": (4, 8), "arson": (3, 6)}),
}

# id, name, sector, owner, district, capacity (None: not given), peak occupancy,
# population served, economic value EUR, TLP, prominence (-2..+2), protection (-1..+2),
# extra threats {id: (T, V)}.
SITES = [
    ("VM-001", "Orrinford Combined-Cycle Power Station", "energy", UTIL, "Brackwater", 120, 85, 420000, 650e6, "AMBER", 1, 1, {}),
    ("VM-002", "Brackwater Grid Substation", "energy", UTIL, "Brackwater", 10, 4, 160000, 45e6, "AMBER+STRICT", 0, 0, {}),
    ("VM-003", "Kessling Wind Farm Control Centre", "energy", UTIL, "Kessling", 30, 12, 90000, 210e6, "GREEN", 0, 0, {}),
    ("VM-004", "Dunmarrow Gas Receiving Terminal", "energy", UTIL, "Dunmarrow", 60, 40, 380000, 480e6, "RED", 1, 2, {"chemical_release": (3, 5)}),
    ("VM-005", "Orrinford Airport Airfield and Control Tower", "transport", RAIL, "Kessling", 300, 220, 600000, 900e6, "AMBER", 1, 2, {}),
    ("VM-006", "Brackwater Container Port", "transport", RAIL, "Brackwater", 900, 650, 500000, 1.2e9, "AMBER", 1, 1, {}),
    ("VM-007", "Harrow Gorge Rail Viaduct", "transport", RAIL, "Kessling", None, 400, 250000, 150e6, "GREEN", 0, -1, {}),
    ("VM-008", "Harbourlight Bank Head Office", "banking", HARB, "Old Town", 1800, 1400, 700000, 300e6, "AMBER", 1, 1, {}),
    ("VM-009", "Harbourlight Bank Data and Cash Centre", "banking", HARB, "Kessling", 250, 120, 700000, 180e6, "RED", 0, 2, {}),
    ("VM-010", "Vellmark Securities Exchange", "financial_market_infrastructure", HARB, "Old Town", 900, 600, 800000, 250e6, "AMBER", 1, 1, {}),
    ("VM-011", "Vellmark Central Clearing House", "financial_market_infrastructure", HARB, "Old Town", 200, 140, 800000, 160e6, "AMBER+STRICT", 0, 2, {}),
    ("VM-012", "Orrinford General Hospital", "health", GOV, "Old Town", 3500, 3000, 350000, 520e6, "GREEN", 1, 0, {}),
    ("VM-013", "Brackwater District Hospital", "health", GOV, "Brackwater", 1400, 1150, 120000, 210e6, "GREEN", 0, 0, {}),
    ("VM-014", "Kessling Community Hospital", "health", GOV, "Kessling", 500, 380, 60000, 75e6, "CLEAR", 0, 0, {}),
    ("VM-015", "Vellmark Public Health Reference Laboratory", "health", GOV, "Kessling", 220, 160, 620000, 95e6, "AMBER", 0, 1, {}),
    ("VM-016", "Lake Morvane Water Treatment Works", "drinking_water", UTIL, "Kessling", 60, 25, 450000, 260e6, "AMBER", 0, 1, {}),
    ("VM-017", "Kessling Hill Reservoir and Pumping Station", "drinking_water", UTIL, "Kessling", 15, 6, 140000, 70e6, "AMBER+STRICT", 0, 0, {}),
    ("VM-018", "Orrinford Estuary Waste Water Treatment Plant", "waste_water", UTIL, "Brackwater", 80, 35, 400000, 310e6, "GREEN", 0, 0, {}),
    ("VM-019", "Brackwater Sewage Pumping Station", "waste_water", UTIL, "Brackwater", 10, 3, 90000, 28e6, "CLEAR", -1, 0, {}),
    ("VM-020", "Orrinford Internet Exchange", "digital_infrastructure", UTIL, "Old Town", 40, 18, 620000, 120e6, "AMBER", 0, 1, {}),
    ("VM-021", "Northgate Data Centre Kessling", "digital_infrastructure", UTIL, "Kessling", 150, 70, 500000, 340e6, "RED", 0, 2, {}),
    ("VM-022", "Dunmarrow Subsea Cable Landing Station", "digital_infrastructure", UTIL, "Dunmarrow", 12, 4, 620000, 200e6, "RED", 0, 1, {}),
    ("VM-023", "Ministry of the Interior Headquarters", "public_administration", GOV, "Old Town", 2200, 1700, 620000, 190e6, "AMBER", 2, 2, {}),
    ("VM-024", "Orrinford City Hall", "public_administration", CITY, "Old Town", 900, 650, 350000, 85e6, "CLEAR", 1, 0, {}),
    ("VM-025", "Vellmark Emergency Coordination Centre", "public_administration", GOV, "Kessling", 160, 90, 620000, 60e6, "RED", 0, 2, {"cyber_physical": (4, 4)}),
    ("VM-026", "Kestle Ridge Satellite Ground Station", "space", UTIL, "Kessling", 45, 20, 620000, 140e6, "AMBER+STRICT", 0, 1, {}),
    ("VM-027", "Brackwater Food Distribution Centre", "food", HARB, "Brackwater", 700, 450, 400000, 160e6, "GREEN", 0, 0, {}),
    ("VM-028", "Kessling Grain Mill and Bakery Plant", "food", HARB, "Kessling", 300, 180, 250000, 95e6, "CLEAR", 0, 0, {}),
    ("VM-029", "Orrinford National Stadium", "stadium_arena", HARB, "Old Town", 52000, 52000, 0, 420e6, "GREEN", 2, 1, {}),
    ("VM-030", "Brackwater Harbour Arena", "stadium_arena", HARB, "Brackwater", 14000, 13500, 0, 160e6, "CLEAR", 1, 1, {}),
    ("VM-031", "Kessling Town Football Ground", "stadium_arena", CITY, "Kessling", 6500, 6000, 0, 18e6, "CLEAR", 0, 0, {}),
    ("VM-032", "Harbourlight Galleria", "shopping_centre", HARB, "Old Town", 18000, 15000, 0, 380e6, "GREEN", 1, 0, {}),
    ("VM-033", "Brackwater Quay Shopping Centre", "shopping_centre", HARB, "Brackwater", 7000, 5500, 0, 120e6, "CLEAR", 0, 0, {}),
    ("VM-034", "Kessling Retail Park", "shopping_centre", HARB, "Kessling", 4000, 3200, 0, 65e6, "CLEAR", 0, -1, {}),
    ("VM-035", "Cathedral of the Holy Light", "place_of_worship", CITY, "Old Town", 2500, 2200, 0, 140e6, "CLEAR", 2, 0, {}),
    ("VM-036", "Orrinford Central Mosque", "place_of_worship", CITY, "Old Town", 3000, 2800, 0, 45e6, "GREEN", 1, 0, {}),
    ("VM-037", "Brackwater Synagogue", "place_of_worship", CITY, "Brackwater", 600, 450, 0, 22e6, "GREEN", 1, 1, {}),
    ("VM-038", "Kessling Buddhist Temple", "place_of_worship", CITY, "Kessling", 400, 300, 0, 9e6, "CLEAR", 0, 0, {}),
    ("VM-039", "Orrinford International School", "school", CITY, "Old Town", 1900, 1750, 0, 60e6, "CLEAR", 0, 0, {}),
    ("VM-040", "Brackwater Secondary School", "school", CITY, "Brackwater", 1200, 1100, 0, 35e6, "CLEAR", 0, 0, {}),
    ("VM-041", "University of Vellmark Main Campus", "school", GOV, "Old Town", 16000, 11000, 0, 600e6, "GREEN", 1, -1, {"pbied": (3, 6)}),
    ("VM-042", "Grand Harbourlight Hotel", "hotel", HARB, "Old Town", 1400, 1200, 0, 150e6, "CLEAR", 1, 0, {}),
    ("VM-043", "Dunmarrow Seafront Resort Hotel", "hotel", HARB, "Dunmarrow", 900, 850, 0, 70e6, "CLEAR", 0, 0, {}),
    ("VM-044", "Orrinford Airport Hotel", "hotel", HARB, "Kessling", 600, 520, 0, 48e6, "CLEAR", 0, 0, {}),
    ("VM-045", "Orrinford Central Station", "transport_hub", RAIL, "Old Town", 25000, 18000, 250000, 350e6, "GREEN", 2, 0, {}),
    ("VM-046", "Orrinford Airport Passenger Terminal", "transport_hub", RAIL, "Kessling", 12000, 9000, 600000, 500e6, "GREEN", 2, 1, {}),
    ("VM-047", "Brackwater Ferry Terminal", "transport_hub", RAIL, "Brackwater", 3500, 2600, 150000, 90e6, "CLEAR", 0, 0, {}),
    ("VM-048", "Kessling Bus Interchange", "transport_hub", CITY, "Kessling", 2000, 1500, 60000, 20e6, "CLEAR", -1, -1, {}),
    ("VM-049", "Orrinford Concert Hall", "event_venue", CITY, "Old Town", 2400, 2400, 0, 110e6, "CLEAR", 1, 0, {}),
    ("VM-050", "Vellmark Exhibition and Congress Centre", "event_venue", HARB, "Brackwater", 20000, 16000, 0, 260e6, "GREEN", 1, 0, {}),
    ("VM-051", "Dunmarrow Summer Festival Grounds", "event_venue", CITY, "Dunmarrow", 35000, 30000, 0, 6e6, "CLEAR", 1, -1, {}),
    ("VM-052", "Liberty Square", "public_square", CITY, "Old Town", None, 25000, 0, 12e6, "CLEAR", 2, 0, {}),
    ("VM-053", "Anchor Square", "public_square", CITY, "Brackwater", None, 6000, 0, 4e6, "CLEAR", 0, 0, {}),
    ("VM-054", "Kessling Town Square", "public_square", CITY, "Kessling", None, 3000, 0, 2e6, "CLEAR", 0, 0, {}),
    ("VM-055", "Riverside Pedestrian Zone", "public_square", CITY, "Old Town", None, 15000, 0, 8e6, "CLEAR", 1, 0, {}),
    ("VM-056", "Castle of the Marrow Kings", "tourist_site", GOV, "Old Town", 3000, 2500, 0, 80e6, "CLEAR", 2, 0, {}),
    ("VM-057", "Dunmarrow Lighthouse and Cliff Walk", "tourist_site", CITY, "Dunmarrow", None, 1800, 0, 10e6, "CLEAR", 0, 0, {}),
    ("VM-058", "Vellmark National Museum", "tourist_site", GOV, "Old Town", 3500, 2800, 0, 300e6, "GREEN", 1, 1, {}),
    ("VM-059", "Dunmarrow Beach Promenade", "tourist_site", CITY, "Dunmarrow", None, 20000, 0, 15e6, "CLEAR", 1, -1, {}),
    ("VM-060", "Orrinford Winter Market", "market", CITY, "Old Town", None, 12000, 0, 3e6, "CLEAR", 1, 0, {}),
    ("VM-061", "Brackwater Fish Market Hall", "market", CITY, "Brackwater", 2500, 1800, 0, 14e6, "CLEAR", 0, 0, {}),
    ("VM-062", "Kessling Saturday Farmers' Market", "market", CITY, "Kessling", None, 4000, 0, 1e6, "CLEAR", 0, 0, {}),
    ("VM-063", "Orrinford Covered Market", "market", CITY, "Old Town", 5000, 4200, 0, 25e6, "CLEAR", 0, 0, {}),
    ("VM-064", "Dunmarrow Primary School", "school", CITY, "Dunmarrow", 450, 420, 0, 8e6, "CLEAR", -1, 0, {}),
    ("VM-065", "Kessling North Substation", "energy", UTIL, "Kessling", 5, 2, 25000, 12e6, "AMBER", -2, 1, {}),
    ("VM-066", "Chapel of Saint Orrin", "place_of_worship", CITY, "Dunmarrow", 120, 80, 0, 2e6, "CLEAR", -2, 0, {}),
    ("VM-067", "Brackwater Harbour Guesthouse", "hotel", HARB, "Brackwater", 60, 50, 0, 3e6, "CLEAR", -2, 0, {}),
    ("VM-068", "Dunmarrow Village Pumping Station", "drinking_water", UTIL, "Dunmarrow", 4, 1, 8000, 5e6, "CLEAR", -2, 0, {}),
]

# population_served as sites.csv gives it: the people a site serves directly,
# not through another registered site (issue 12; data/demo/README.md gives the
# reasons). The methods above keep the column of SITES, the people a site's
# loss reaches, since the assessments were made with it.
DIRECT_SERVED = {"VM-001": 0, "VM-003": 0, "VM-004": 150000, "VM-005": 0, "VM-006": 100000,
                 "VM-007": 0, "VM-008": 0, "VM-011": 0, "VM-016": 310000, "VM-017": 132000,
                 "VM-018": 310000, "VM-021": 150000, "VM-022": 0, "VM-026": 0,
                 "VM-028": 150000}

# Fatalities (mode) by threat: base + share of the people present at peak, capped.
# These are planning figures for a fictional exercise, not predictions.
LETHALITY = {  # threat: (base, share of peak, cap, injuries per fatality)
    "vehicle_ramming": (2, 0.0004, 15, 5),
    "vbied_small": (3, 0.001, 30, 4),
    "vbied_large": (8, 0.002, 80, 4),
    "pbied": (2, 0.0008, 25, 6),
    "armed_assault_lone": (3, 0.0005, 15, 2),
    "armed_assault_team": (6, 0.002, 60, 2),
    "bladed_weapon": (1, 0.0001, 3, 3),
    "arson": (0, 0.002, 20, 3),
    "chemical_release": (2, 0.001, 40, 10),
    "drone_uas": (0, 0.0001, 5, 4),
    "cyber_physical": (0, 0.0, 0, 0),
    "insider_sabotage": (0, 0.0, 1, 2),
    "hostage_taking": (2, 0.0005, 15, 2),
}
# Share of the economic value destroyed, and days of lost service (critical
# infrastructure only) for each threat.
DAMAGE = {
    "vehicle_ramming": (0.005, 0.5), "vbied_small": (0.08, 5), "vbied_large": (0.3, 21),
    "pbied": (0.02, 2), "armed_assault_lone": (0.005, 2), "armed_assault_team": (0.01, 4),
    "bladed_weapon": (0.001, 0.5), "arson": (0.15, 10), "chemical_release": (0.05, 7),
    "drone_uas": (0.005, 1), "cyber_physical": (0.03, 5), "insider_sabotage": (0.05, 4),
    "hostage_taking": (0.005, 2),
}
# Value of one person-hour of lost essential service, EUR: the default of the
# setting resilience.value_person_hour_eur (docs/methodology.md section 16), so a
# person-hour costs the same lost at the site (below) or downstream of it.
# The environment variable VALUE_PERSON_HOUR_EUR overrides it for a sensitivity
# run (write to another OUTDIR then: data/demo is made with the default).
VALUE_PERSON_HOUR_EUR = float(os.environ.get("VALUE_PERSON_HOUR_EUR", "6"))


def clamp(v, lo, hi):
    return max(lo, min(hi, v))


def sig(v, digits=2):
    """Round v to the given significant digits (keeps small probabilities readable)."""
    if v == 0:
        return 0.0
    return round(v, -int(math.floor(math.log10(abs(v)))) + digits - 1)


def num(v):
    """Text of a number as a person writes it: integers plain, others in plain decimals."""
    if float(v).is_integer():
        return str(int(v))
    return format(float(v), ".12f").rstrip("0").rstrip(".")


def people_scale(peak):
    """1-10 from the people present at peak: 100 -> 4, 1000 -> 6, 10000 -> 8, 50000 -> 10."""
    return 1.8 * math.log10(peak + 1) + 0.5


def service_scale(served):
    """1-10 from the population served: 10000 -> 5.7, 100000 -> 7.2, 600000 -> 8.5."""
    return 1.6 * math.log10(served / 1000 + 1) + 4 if served else 1


def money_scale(value):
    """1-10 from the economic value: EUR 10 million -> 3, 100 million -> 5, 1 billion -> 7."""
    return 2 * (math.log10(value) - 6) + 1


def asset_value(peak, served, value):
    return int(clamp(round(max(people_scale(peak), service_scale(served), money_scale(value))), 1, 10))


def ratings(site):
    """{threat: (T, V)} for a site: sector table, extras, prominence and protection."""
    sector, prom, prot, extra = site[2], site[10], site[11], site[12]
    table = dict(SECTORS[sector][2])
    table.update(extra)
    out = {}
    for t, (tr, vr) in table.items():
        out[t] = (int(clamp(tr + prom - 1, 1, 10)), int(clamp(vr - prot, 1, 10)))
    return out


def coords(i, district):
    """Deterministic position inside the district (within about 4 km of its centre)."""
    lat0, lon0 = DISTRICTS[district]
    a = (i * 2654435761) % 4294967296 / 4294967296.0
    b = (i * 40503 + 12345) % 65536 / 65536.0
    return round(lat0 + (a - 0.5) * 0.07, 5), round(lon0 + (b - 0.5) * 0.09, 5)


def quant_row(site, threat, tr, vr):
    peak, served, value = site[6], site[7], site[8]
    kind = SECTORS[site[2]][0]
    # T: yearly probability of an attempt at SUBSTANTIAL, 0.05 at rating 10, a decade per 2.5 ratings.
    pa = sig(0.05 * 10 ** ((tr - 10) / 2.5))
    p_attempt = (sig(pa / 3), pa, sig(min(1.0, pa * 3)))
    # V: probability the attempt succeeds, 0.08 per vulnerability rating.
    ps = round(0.08 * vr, 2)
    p_success = (round(ps * 0.6, 2), ps, round(min(0.95, ps * 1.4), 2))
    base, share, cap, inj_per = LETHALITY[threat]
    # Blasts and toxic releases reach people around the site; other attacks
    # cannot harm more people than are present.
    reach = peak if threat not in ("vbied_small", "vbied_large", "chemical_release") else max(peak, 4 * cap)
    fat = min(cap, round(base + share * peak), reach)
    if fat == 0:
        fatalities = (0, 0, min(reach, cap // 2 if cap >= 2 else cap))
    else:
        fatalities = (round(fat / 3), fat, min(reach, fat * 4))
    inj = round(fat * inj_per) if fat else (0 if cap == 0 else 1)
    injuries = (round(inj / 3), inj, min(max(reach, inj), inj * 4))
    if threat == "cyber_physical" and kind == "critical_infrastructure" and site[2] in (
            "energy", "drinking_water", "health"):
        injuries = (0, 2, 10)  # a safety system or a supply failure hurts a few people
    frac, days = DAMAGE[threat]
    loss = value * frac
    if kind == "critical_infrastructure":
        # the people the site serves directly (those behind it count in its
        # downstream consequence), out of service for days x 24 hours
        loss += DIRECT_SERVED.get(site[0], served) * days * 24 * VALUE_PERSON_HOUR_EUR
    loss = sig(loss)
    loss_eur = (sig(loss * 0.4), loss, sig(loss * 3))
    return p_attempt + p_success + fatalities + injuries + loss_eur


def carver_row(site):
    sector, peak, served, value, prom, prot = site[2], site[6], site[7], site[8], site[10], site[11]
    acc, recup, recog, shock = SECTORS[sector][1]
    a = asset_value(peak, served, value)
    vmean = sum(v for _, v in ratings(site).values()) / len(ratings(site))
    crowd = people_scale(peak)
    effect = max(money_scale(value), service_scale(served), crowd - 1)
    return (
        int(clamp(a, 1, 10)),                               # criticality
        int(clamp(acc - prot, 1, 10)),                      # accessibility
        int(clamp(recup + (1 if value >= 3e8 else 0), 1, 10)),  # recuperability
        int(clamp(round(vmean), 1, 10)),                    # vulnerability
        int(clamp(round(effect), 1, 10)),                   # effect
        int(clamp(recog + prom, 1, 10)),                    # recognizability
        int(clamp(round((shock + crowd) / 2) + prom, 1, 10)),  # shock
    )


def main():
    os.makedirs(OUT, exist_ok=True)
    kinds = {s: k[0] for s, k in SECTORS.items()}
    # The columns after tlp (cost drivers, enclosure, staffed, legal basis: issue 11) are kept
    # by hand in sites.csv: carry them over from the file being replaced.
    base = ["id", "name", "kind", "sector", "owner", "lat", "lon", "region", "capacity",
            "peak_occupancy", "population_served", "economic_value_eur", "tlp"]
    extra_cols, extra = [], {}
    old_path = os.path.join(OUT, "sites.csv")
    if os.path.exists(old_path):
        with open(old_path, newline="") as f:
            r = csv.DictReader(f)
            extra_cols = [c for c in (r.fieldnames or []) if c not in base]
            extra = {row["id"]: [row[c] for c in extra_cols] for row in r}
    with open(old_path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(base + extra_cols)
        for i, s in enumerate(SITES):
            lat, lon = coords(i + 1, s[4])
            w.writerow([s[0], s[1], kinds[s[2]], s[2], s[3], lat, lon, s[4],
                        "" if s[5] is None else s[5], s[6], DIRECT_SERVED.get(s[0], s[7]),
                        num(s[8]), s[9]] + extra.get(s[0], [""] * len(extra_cols)))
    with open(os.path.join(OUT, "fema.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["site_id", "threat_id", "asset_value", "threat_rating",
                    "vulnerability_rating"])
        for s in SITES:
            a = asset_value(s[6], s[7], s[8])
            for t, (tr, vr) in sorted(ratings(s).items()):
                w.writerow([s[0], t, a, tr, vr])
    with open(os.path.join(OUT, "carver.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["site_id", "criticality", "accessibility", "recuperability",
                    "vulnerability", "effect", "recognizability", "shock"])
        for s in SITES:
            w.writerow([s[0]] + list(carver_row(s)))
    with open(os.path.join(OUT, "quant.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        head = ["site_id", "threat_id"]
        for v in ("p_attempt", "p_success", "fatalities", "injuries", "loss_eur"):
            head += [v + "_min", v + "_mode", v + "_max"]
        w.writerow(head)
        for s in SITES:
            for t, (tr, vr) in sorted(ratings(s).items()):
                w.writerow([s[0], t] + [num(x) for x in quant_row(s, t, tr, vr)])


if __name__ == "__main__":
    main()

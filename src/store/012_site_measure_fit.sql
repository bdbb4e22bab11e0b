-- 012_site_measure_fit.sql - issue 11 items 3-5: what a measure's cost scales
-- with, where it fits and the legal basis it needs (docs/methodology.md).

-- Sites: optional cost drivers (NULL: unknown; the plan then costs by the size
-- class, marked "estimated"), fit attributes and the strongest legal basis the
-- site holds for intrusive measures (NULL: unknown, which counts as none).
ALTER TABLE sites ADD COLUMN staff INTEGER
	CHECK (staff IS NULL OR staff BETWEEN 0 AND 10000000);
ALTER TABLE sites ADD COLUMN entrances INTEGER
	CHECK (entrances IS NULL OR entrances BETWEEN 0 AND 10000000);
ALTER TABLE sites ADD COLUMN perimeter_m INTEGER
	CHECK (perimeter_m IS NULL OR perimeter_m BETWEEN 0 AND 10000000);
ALTER TABLE sites ADD COLUMN vehicle_approaches INTEGER
	CHECK (vehicle_approaches IS NULL OR vehicle_approaches BETWEEN 0 AND 10000000);
ALTER TABLE sites ADD COLUMN screened_per_day INTEGER
	CHECK (screened_per_day IS NULL OR screened_per_day BETWEEN 0 AND 10000000);
ALTER TABLE sites ADD COLUMN control_systems INTEGER
	CHECK (control_systems IS NULL OR control_systems BETWEEN 0 AND 10000000);
ALTER TABLE sites ADD COLUMN enclosure TEXT
	CHECK (enclosure IS NULL OR enclosure IN ('enclosed', 'open'));
ALTER TABLE sites ADD COLUMN staffed TEXT CHECK (staffed IS NULL OR staffed IN ('yes', 'no'));
ALTER TABLE sites ADD COLUMN legal_basis TEXT
	CHECK (legal_basis IS NULL OR legal_basis IN ('none', 'entry', 'statute'));

-- Measures: the legal basis becomes three-valued in `basis` (the old 0/1
-- column stays, kept as 1 when a basis is needed: its CHECK cannot change
-- without rebuilding a table other tables cascade from); 1 was a specific
-- legal basis, which is a statute. The cost driver, unit costs per unit of
-- it, the conditions a site must meet and the safeguards a chosen measure
-- needs (';'-joined ids, checked in C by src/core/pt_measure.c).
ALTER TABLE measures ADD COLUMN basis TEXT NOT NULL DEFAULT 'none'
	CHECK (basis IN ('none', 'entry', 'statute'));
UPDATE measures SET basis = 'statute' WHERE legal_basis = 1;
ALTER TABLE measures ADD COLUMN cost_driver TEXT NOT NULL DEFAULT 'size'
	CHECK (cost_driver IN ('size', 'site', 'staff', 'entrances', 'perimeter_m',
		'vehicle_approaches', 'screened_per_day', 'control_systems'));
ALTER TABLE measures ADD COLUMN unit_capex_eur REAL NOT NULL DEFAULT 0
	CHECK (unit_capex_eur BETWEEN 0 AND 1e12);
ALTER TABLE measures ADD COLUMN unit_opex_eur_year REAL NOT NULL DEFAULT 0
	CHECK (unit_opex_eur_year BETWEEN 0 AND 1e12);
ALTER TABLE measures ADD COLUMN needs TEXT NOT NULL DEFAULT '' CHECK (length(needs) <= 255);
ALTER TABLE measures ADD COLUMN safeguards TEXT NOT NULL DEFAULT ''
	CHECK (length(safeguards) <= 255);

-- plan.allow_legal_basis changes meaning: it was "measures needing a specific
-- legal basis may be chosen" (default 1, which every registry got from the
-- catalogue's settings.csv); it is now "admit a measure at a site lacking the
-- basis it needs, flagged" (default 0). A stored 1 is the old default, not a
-- finding that the sites hold the basis, so it goes back to 0 here; the key
-- itself stays valid and loads as before.
UPDATE settings SET value = '0' WHERE key = 'plan.allow_legal_basis' AND value = '1';

PRAGMA user_version = 12;

-- 016_controlled_entry.sql - issue 11 review M3: a site may be "fenced"
-- (open-air inside a controlled perimeter with entrances that search or
-- screen people) and a surge measure may name the conditions it needs.
--
-- Applied by src/store/pt_db.c in one transaction when PRAGMA user_version is
-- below 16. sites.enclosure's CHECK (012) allows only 'enclosed' and 'open' and
-- cannot change without rebuilding a table other tables cascade from, so a
-- fenced site is stored as enclosure 'open' with fenced 1 (a reader that
-- knows no fence sees it as open, the safe side for lockdown and blast film).
ALTER TABLE sites ADD COLUMN fenced INTEGER NOT NULL DEFAULT 0 CHECK (fenced IN (0, 1));

-- Conditions a surge measure needs of the site (';'-joined ids as in
-- measures.needs, checked in C by src/core/pt_measure.c); '' needs none.
ALTER TABLE surge_measures ADD COLUMN needs TEXT NOT NULL DEFAULT '' CHECK (length(needs) <= 255);

-- The shipped catalogue's searches, screening and access control needed
-- "enclosed" (012); they need controlled entry, which a fenced site has too.
-- `init` keeps stored rows, so the shipped rows change here, only where they
-- still hold the value 012's catalogue gave them (an operator's own value stays).
UPDATE measures SET needs = 'controlled_entry'
	WHERE id IN ('access_control', 'bag_search', 'walk_through_screening') AND needs = 'enclosed';
UPDATE surge_measures SET needs = 'controlled_entry'
	WHERE id = 'surge_event_bag_checks' AND needs = '';

PRAGMA user_version = 16;

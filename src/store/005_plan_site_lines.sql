-- 005_plan_site_lines.sql - the funded sites of each saved plan as rows of
-- their own table (site, cost, risk reduction, measures) instead of CSV lines
-- packed in plans.site_lines: listing saved plans for a caller who may not
-- read some of the sites re-totals from these rows without reading every
-- plan's JSON. ord keeps the order the plan wrote them in (site id order).
CREATE TABLE plan_site_lines (
	plan TEXT NOT NULL REFERENCES plans (name) ON DELETE CASCADE,
	ord INTEGER NOT NULL CHECK (ord >= 1),
	site_id TEXT NOT NULL CHECK (length(site_id) BETWEEN 1 AND 63),
	cost_eur REAL NOT NULL,
	risk_reduction_eur REAL NOT NULL,
	measures INTEGER NOT NULL CHECK (measures >= 0),
	PRIMARY KEY (plan, ord)
) WITHOUT ROWID;

-- Plans saved before: their lines "site_id,cost_eur,risk_reduction_eur,measures"
-- ('\n' between) split into rows.
INSERT INTO plan_site_lines (plan, ord, site_id, cost_eur, risk_reduction_eur, measures)
WITH RECURSIVE split (plan, ord, line, rest) AS (
	SELECT name, 0, '', site_lines || char(10) FROM plans WHERE site_lines <> ''
	UNION ALL
	SELECT plan, ord + 1, substr(rest, 1, instr(rest, char(10)) - 1),
	       substr(rest, instr(rest, char(10)) + 1)
	FROM split WHERE rest <> ''
), f1 (plan, ord, site_id, r) AS (
	SELECT plan, ord, substr(line, 1, instr(line, ',') - 1), substr(line, instr(line, ',') + 1)
	FROM split WHERE ord >= 1 AND instr(line, ',') > 1
), f2 (plan, ord, site_id, cost, r) AS (
	SELECT plan, ord, site_id, substr(r, 1, instr(r, ',') - 1), substr(r, instr(r, ',') + 1)
	FROM f1 WHERE instr(r, ',') > 0
), f3 (plan, ord, site_id, cost, reduction, measures) AS (
	SELECT plan, ord, site_id, cost, substr(r, 1, instr(r, ',') - 1), substr(r, instr(r, ',') + 1)
	FROM f2 WHERE instr(r, ',') > 0
)
SELECT plan, ord, site_id, CAST(cost AS REAL), CAST(reduction AS REAL),
       CAST(measures AS INTEGER)
FROM f3 ORDER BY plan, ord;

ALTER TABLE plans DROP COLUMN site_lines;

PRAGMA user_version = 5;

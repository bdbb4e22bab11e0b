-- 004_plan_sites.sql - the funded sites of each saved plan with their
-- figures, one "site_id,cost_eur,risk_reduction_eur,measures" line each,
-- beside the plan's JSON: listing saved plans for a caller who may not read
-- some of the sites re-totals from these lines instead of reading every
-- plan's JSON (some 30 MB at national scale).
ALTER TABLE plans ADD COLUMN site_lines TEXT NOT NULL DEFAULT '';

-- Plans saved before: from their JSON.
UPDATE plans SET site_lines = coalesce((
	SELECT group_concat(json_extract(value, '$.site_id') || ',' ||
			    json_extract(value, '$.cost_eur') || ',' ||
			    json_extract(value, '$.risk_reduction_eur') || ',' ||
			    json_array_length(value, '$.measures'), char(10))
	FROM json_each(plans.json, '$.sites')), '');

PRAGMA user_version = 4;

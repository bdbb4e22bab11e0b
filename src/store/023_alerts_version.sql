-- 023_alerts_version.sql - issue 13 review fix: a message stored or decided by
-- any process (the command line too) raises the data version (migration 006),
-- so a running server builds its public feed (/alerts.atom) again on the next
-- request instead of after its 10-second keep. The alerts table is append-only
-- (migration 021: no DELETE), so INSERT and UPDATE (the decision) are all.
CREATE TRIGGER IF NOT EXISTS data_version_alerts_insert AFTER INSERT ON alerts
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS data_version_alerts_update AFTER UPDATE ON alerts
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

PRAGMA user_version = 23;

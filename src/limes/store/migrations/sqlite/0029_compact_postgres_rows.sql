-- Compact PostgreSQL rows (issue 15): SQLite's alert_keys stays (a WITHOUT ROWID table
-- costs no row header, and SQLite has no GIN), and its change events are numbered since
-- 0027, so nothing changes here.
SELECT 1;

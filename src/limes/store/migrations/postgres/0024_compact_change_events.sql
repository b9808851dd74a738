-- Compact change events (issue 15): in SQLite, 0024 makes `at` an integer; here it is
-- timestamptz (8 bytes) already, so nothing changes.
SELECT 1;

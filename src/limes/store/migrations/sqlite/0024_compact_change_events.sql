-- Compact change events (issue 15): SQLite's change_events rebuilt with `at` as integer
-- microseconds since 1970-01-01 UTC, as 0023 did for alerts. Every seq is kept, and so
-- is the AUTOINCREMENT counter, so that no feed position is ever given out twice.
CREATE TABLE change_events_compact (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    at            INTEGER NOT NULL,
    type          TEXT NOT NULL,
    alert_id      TEXT NOT NULL,
    issuing_state TEXT NOT NULL,
    category      TEXT NOT NULL,
    version       INTEGER NOT NULL,
    detail        TEXT NOT NULL
);
INSERT INTO change_events_compact
SELECT seq, CAST(strftime('%s', at) AS INTEGER) * 1000000 + CAST(substr(at, 21, 6) AS INTEGER),
       type, alert_id, issuing_state, category, version, detail
FROM change_events;
DELETE FROM sqlite_sequence WHERE name = 'change_events_compact';
INSERT INTO sqlite_sequence (name, seq)
SELECT 'change_events_compact', seq FROM sqlite_sequence WHERE name = 'change_events';
DROP TABLE change_events;
ALTER TABLE change_events_compact RENAME TO change_events;

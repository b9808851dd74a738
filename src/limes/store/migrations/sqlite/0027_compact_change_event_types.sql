-- Compact change events (issue 15): SQLite's change_events name their type and their
-- category by number (store/event_codes.py, frozen: 1 byte
-- instead of up to 34 characters, a category without a number as its text: the column
-- has no type, so that neither is converted) and hold no detail when it is empty (NULL,
-- not '{}'). limes_event_code and limes_category_code are the store's own functions
-- (sqlite.py registers them on every connection): a type without a number makes the
-- migration fail. Every seq is kept, and so is the
-- AUTOINCREMENT counter, so that no feed position is ever given out twice.
CREATE TABLE change_events_compact (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    at            INTEGER NOT NULL,
    type          INTEGER NOT NULL,
    alert_id      TEXT NOT NULL,
    issuing_state TEXT NOT NULL,
    category      NOT NULL,
    version       INTEGER NOT NULL,
    detail        TEXT
);
INSERT INTO change_events_compact
SELECT seq, at, limes_event_code(type), alert_id, issuing_state,
       limes_category_code(category), version,
       NULLIF(detail, '{}')
FROM change_events;
DELETE FROM sqlite_sequence WHERE name = 'change_events_compact';
INSERT INTO sqlite_sequence (name, seq)
SELECT 'change_events_compact', seq FROM sqlite_sequence WHERE name = 'change_events';
DROP TABLE change_events;
ALTER TABLE change_events_compact RENAME TO change_events;

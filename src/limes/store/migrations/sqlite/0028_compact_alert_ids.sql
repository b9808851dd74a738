-- Compact alert rows (issue 15): an alert's id is stored as its ULID's 16 bytes, not 26
-- characters (store/alert_ids.py, any other id as 0xFF and its text), in alerts,
-- alert_keys, change_events and copy_alerts, and so in every index entry that carries
-- it, and an alert's category, object type, subject and status by number
-- (store/event_codes.py, frozen, a category or object type without a number as its
-- text: the columns have no text affinity, so that neither is converted). The expiry
-- index holds the active alerts as status 0. The limes_* functions are the store's own
-- (sqlite.py registers them on every connection), the code that writes new rows. Every
-- change event's seq is kept, and the AUTOINCREMENT counter with it.
CREATE TABLE alerts_compact (
    id            BLOB PRIMARY KEY,
    category      INTEGER NOT NULL,
    object_type   INTEGER,
    subject       INTEGER NOT NULL,
    issuing_state TEXT NOT NULL,
    status        INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    warned_at     INTEGER,
    body          BLOB,
    extensions    BLOB,
    keys          BLOB
) WITHOUT ROWID;
INSERT INTO alerts_compact
SELECT limes_alert_id(id), limes_category_code(category), limes_object_type_code(object_type),
       limes_subject_code(subject), issuing_state, limes_status_code(status), version,
       created_at, updated_at, expires_at, warned_at, body, extensions, keys
FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_compact RENAME TO alerts;
CREATE INDEX alerts_by_expiry ON alerts (expires_at) WHERE status = 0;
CREATE INDEX alerts_by_category ON alerts (category, id);
CREATE INDEX alerts_by_state ON alerts (issuing_state, id);

CREATE TABLE alert_keys_compact (
    key      BLOB NOT NULL,
    alert_id BLOB NOT NULL,
    PRIMARY KEY (key, alert_id)
) WITHOUT ROWID;
INSERT INTO alert_keys_compact SELECT key, limes_alert_id(alert_id) FROM alert_keys;
DROP TABLE alert_keys;
ALTER TABLE alert_keys_compact RENAME TO alert_keys;

CREATE TABLE change_events_compact (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    at            INTEGER NOT NULL,
    type          INTEGER NOT NULL,
    alert_id      BLOB NOT NULL,
    issuing_state TEXT NOT NULL,
    category      NOT NULL,
    version       INTEGER NOT NULL,
    detail        TEXT
);
INSERT INTO change_events_compact
SELECT seq, at, type, limes_alert_id(alert_id), issuing_state, category, version, detail
FROM change_events;
DELETE FROM sqlite_sequence WHERE name = 'change_events_compact';
INSERT INTO sqlite_sequence (name, seq)
SELECT 'change_events_compact', seq FROM sqlite_sequence WHERE name = 'change_events';
DROP TABLE change_events;
ALTER TABLE change_events_compact RENAME TO change_events;

CREATE TABLE copy_alerts_compact (
    alert_id BLOB PRIMARY KEY,
    seq      INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO copy_alerts_compact SELECT limes_alert_id(alert_id), seq FROM copy_alerts;
DROP TABLE copy_alerts;
ALTER TABLE copy_alerts_compact RENAME TO copy_alerts;

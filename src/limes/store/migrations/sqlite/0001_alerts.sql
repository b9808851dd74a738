-- Alerts, their match keys, flags, links, misused identities and the change outbox.
CREATE TABLE alerts (
    id            TEXT PRIMARY KEY,
    category      TEXT NOT NULL,
    object_type   TEXT,
    subject       TEXT NOT NULL,
    issuing_state TEXT NOT NULL,
    status        TEXT NOT NULL,
    version       INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    warned_at     TEXT,
    body          BLOB,
    extensions    BLOB
) WITHOUT ROWID;
CREATE INDEX alerts_by_expiry ON alerts (status, expires_at);
CREATE INDEX alerts_by_category ON alerts (category, id);
CREATE INDEX alerts_by_state ON alerts (issuing_state, id);

CREATE TABLE alert_keys (
    key      TEXT NOT NULL,
    alert_id TEXT NOT NULL,
    PRIMARY KEY (key, alert_id)
) WITHOUT ROWID;
CREATE INDEX alert_keys_by_alert ON alert_keys (alert_id);

CREATE TABLE alert_flags (
    alert_id        TEXT NOT NULL,
    state           TEXT NOT NULL,
    status          TEXT NOT NULL,
    reason          TEXT NOT NULL,
    requested_at    TEXT NOT NULL,
    decided_at      TEXT,
    decision_reason TEXT,
    PRIMARY KEY (alert_id, state)
) WITHOUT ROWID;

CREATE TABLE alert_links (
    from_id    TEXT NOT NULL,
    to_id      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (from_id, to_id)
) WITHOUT ROWID;
CREATE INDEX alert_links_by_target ON alert_links (to_id);

CREATE TABLE misused_identities (
    alert_id TEXT PRIMARY KEY,
    body     BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE change_events (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    at            TEXT NOT NULL,
    type          TEXT NOT NULL,
    alert_id      TEXT NOT NULL,
    issuing_state TEXT NOT NULL,
    category      TEXT NOT NULL,
    version       INTEGER NOT NULL,
    detail        TEXT NOT NULL
);

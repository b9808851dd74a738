-- Ids and keys compare bytewise (COLLATE "C") so that order matches SQLite's.
-- Alerts, their match keys, flags, links, misused identities and the change outbox.
CREATE TABLE alerts (
    id            TEXT COLLATE "C" PRIMARY KEY,
    category      TEXT NOT NULL,
    object_type   TEXT,
    subject       TEXT NOT NULL,
    issuing_state TEXT NOT NULL,
    status        TEXT NOT NULL,
    version       INTEGER NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    warned_at     TIMESTAMPTZ,
    body          BYTEA,
    extensions    BYTEA
);
CREATE INDEX alerts_by_expiry ON alerts (status, expires_at);
CREATE INDEX alerts_by_category ON alerts (category, id);
CREATE INDEX alerts_by_state ON alerts (issuing_state, id);

CREATE TABLE alert_keys (
    key      TEXT COLLATE "C" NOT NULL,
    alert_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (key, alert_id)
);
CREATE INDEX alert_keys_by_alert ON alert_keys (alert_id);

CREATE TABLE alert_flags (
    alert_id        TEXT NOT NULL,
    state           TEXT NOT NULL,
    status          TEXT NOT NULL,
    reason          TEXT NOT NULL,
    requested_at    TIMESTAMPTZ NOT NULL,
    decided_at      TIMESTAMPTZ,
    decision_reason TEXT,
    PRIMARY KEY (alert_id, state)
);

CREATE TABLE alert_links (
    from_id    TEXT COLLATE "C" NOT NULL,
    to_id      TEXT COLLATE "C" NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (from_id, to_id)
);
CREATE INDEX alert_links_by_target ON alert_links (to_id);

CREATE TABLE misused_identities (
    alert_id TEXT PRIMARY KEY,
    body     BYTEA NOT NULL
);

CREATE TABLE change_events (
    seq           BIGSERIAL PRIMARY KEY,
    at            TIMESTAMPTZ NOT NULL,
    type          TEXT NOT NULL,
    alert_id      TEXT NOT NULL,
    issuing_state TEXT NOT NULL,
    category      TEXT NOT NULL,
    version       INTEGER NOT NULL,
    detail        JSONB NOT NULL
);

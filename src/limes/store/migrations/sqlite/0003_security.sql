-- Break-glass grants, security events for the data protection officer, usage counters.
CREATE TABLE breakglass_grants (
    id              TEXT PRIMARY KEY,
    requester       TEXT NOT NULL,
    member_state    TEXT NOT NULL,
    alert_id        TEXT NOT NULL,
    permissions     TEXT NOT NULL,
    reason          TEXT NOT NULL,
    minutes         INTEGER NOT NULL,
    status          TEXT NOT NULL,
    requested_at    TEXT NOT NULL,
    approver        TEXT,
    decided_at      TEXT,
    valid_until     TEXT,
    decision_reason TEXT
) WITHOUT ROWID;
CREATE INDEX breakglass_by_requester ON breakglass_grants (requester, status);

CREATE TABLE security_events (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    at           TEXT NOT NULL,
    kind         TEXT NOT NULL,
    member_state TEXT NOT NULL,
    principal    TEXT NOT NULL,
    detail       TEXT NOT NULL
);

CREATE TABLE usage_counters (
    principal TEXT NOT NULL,
    day       TEXT NOT NULL,
    reads     INTEGER NOT NULL,
    PRIMARY KEY (principal, day)
) WITHOUT ROWID;

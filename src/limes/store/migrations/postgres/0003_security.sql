-- Break-glass grants, security events for the data protection officer, usage counters.
CREATE TABLE breakglass_grants (
    id              TEXT COLLATE "C" PRIMARY KEY,
    requester       TEXT NOT NULL,
    member_state    TEXT NOT NULL,
    alert_id        TEXT COLLATE "C" NOT NULL,
    permissions     TEXT NOT NULL,
    reason          TEXT NOT NULL,
    minutes         INTEGER NOT NULL,
    status          TEXT NOT NULL,
    requested_at    TIMESTAMPTZ NOT NULL,
    approver        TEXT,
    decided_at      TIMESTAMPTZ,
    valid_until     TIMESTAMPTZ,
    decision_reason TEXT
);
CREATE INDEX breakglass_by_requester ON breakglass_grants (requester, status);

CREATE TABLE security_events (
    seq          BIGSERIAL PRIMARY KEY,
    at           TIMESTAMPTZ NOT NULL,
    kind         TEXT NOT NULL,
    member_state TEXT NOT NULL,
    principal    TEXT NOT NULL,
    detail       JSONB NOT NULL
);

CREATE TABLE usage_counters (
    principal TEXT NOT NULL,
    day       TEXT NOT NULL,
    reads     INTEGER NOT NULL,
    PRIMARY KEY (principal, day)
);

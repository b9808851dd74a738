-- Accounts (users and system clients), their sessions, and failed logins.
-- Roles and purposes are space-separated enum values, sorted. A user has a password
-- hash and a TOTP secret, a client neither. A clearance is all three columns or none.
CREATE TABLE accounts (
    id                      TEXT COLLATE "C" PRIMARY KEY,
    username                TEXT COLLATE "C" NOT NULL UNIQUE,
    kind                    TEXT NOT NULL CHECK (kind IN ('user', 'client')),
    member_state            TEXT NOT NULL,
    authority               TEXT NOT NULL,
    roles                   TEXT NOT NULL,
    purposes                TEXT NOT NULL,
    state                   TEXT NOT NULL CHECK (state IN ('active', 'locked', 'disabled')),
    state_reason            TEXT,
    state_changed_at        TIMESTAMPTZ NOT NULL,
    created_at              TIMESTAMPTZ NOT NULL,
    last_used_at            TIMESTAMPTZ NOT NULL,
    password_hash           TEXT,
    totp_secret             TEXT,
    totp_last_step          BIGINT,
    clearance_level         TEXT,
    clearance_reference     TEXT,
    clearance_valid_until   TIMESTAMPTZ,
    oidc_issuer             TEXT,
    oidc_subject            TEXT,
    certificate_sha256      TEXT UNIQUE,
    CHECK ((kind = 'user') = (password_hash IS NOT NULL AND totp_secret IS NOT NULL)),
    CHECK (kind = 'user' OR (password_hash IS NULL AND totp_secret IS NULL)),
    CHECK ((clearance_level IS NULL) = (clearance_reference IS NULL)
       AND (clearance_level IS NULL) = (clearance_valid_until IS NULL)),
    CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL)),
    CHECK (certificate_sha256 IS NULL OR kind = 'client'),
    UNIQUE (oidc_issuer, oidc_subject)
);
CREATE INDEX accounts_by_state ON accounts (member_state, username);
CREATE INDEX accounts_by_use ON accounts (state, last_used_at);

CREATE TABLE sessions (
    id           TEXT COLLATE "C" PRIMARY KEY,
    account_id   TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    ended_at     TIMESTAMPTZ,
    end_reason   TEXT
);
CREATE INDEX sessions_by_account ON sessions (account_id, ended_at);
CREATE INDEX sessions_live ON sessions (ended_at, last_seen_at);

CREATE TABLE login_failures (
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
    at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_by_account ON login_failures (account_id, at);

-- Four eyes on account administration: changes proposed by one operator and applied
-- only when a second operator of the same member state approves them, and the
-- one-time enrolment codes with which a new account's holder sets password and TOTP.
-- payload is the change as JSON (never a secret), and status 'pending' past expires_at
-- is expired. seq orders proposals and decision_seq decisions (writers are serialised,
-- and many share one millisecond). A code is kept as its SHA-256 only.
CREATE TABLE account_changes (
    id           TEXT PRIMARY KEY,
    member_state TEXT NOT NULL,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    proposer     TEXT NOT NULL,
    proposed_at  TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'applied', 'refused')),
    approver     TEXT,
    seq          INTEGER NOT NULL UNIQUE,
    decision_seq INTEGER UNIQUE,
    decided_at   TEXT,
    CHECK (approver IS NULL OR approver <> proposer),
    CHECK ((status = 'pending') = (decided_at IS NULL)),
    CHECK ((status = 'pending') = (decision_seq IS NULL))
) WITHOUT ROWID;
CREATE INDEX account_changes_by_state ON account_changes (member_state, status, seq);

CREATE TABLE account_change_targets (
    change_id TEXT NOT NULL REFERENCES account_changes (id),
    username  TEXT NOT NULL,
    PRIMARY KEY (change_id, username)
) WITHOUT ROWID;
CREATE INDEX account_change_targets_by_username ON account_change_targets (username);

CREATE TABLE enrolment_codes (
    account_id  TEXT PRIMARY KEY REFERENCES accounts (id),
    code_sha256 TEXT NOT NULL,
    change_id   TEXT NOT NULL REFERENCES account_changes (id),
    issued_at   TEXT NOT NULL,
    expires_at  TEXT NOT NULL
) WITHOUT ROWID;

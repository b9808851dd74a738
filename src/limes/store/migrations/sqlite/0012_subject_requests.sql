-- Data-subject requests (issue 19): the register of access, rectification and erasure
-- requests a state received, the alerts found for each (candidates the officer confirms
-- or rejects, with the issuing state's answer to the consultation on the SIRENE case and
-- message named), and the reply sent. The applicant's data, documents and the reply are
-- sealed under the data key of the receiving state (`receiving_state`), the rest the
-- bookkeeping deadlines, escalation and the Art. 54 statistics need.
CREATE TABLE subject_requests (
    id               TEXT PRIMARY KEY,
    receiving_state  TEXT NOT NULL,
    kind             TEXT NOT NULL,
    channel          TEXT NOT NULL,
    language         TEXT NOT NULL,
    received_on      TEXT NOT NULL,
    registered_at    TEXT NOT NULL,
    registered_by    TEXT NOT NULL,
    due_at           TEXT NOT NULL,
    escalation_level INTEGER NOT NULL DEFAULT 0,
    replied_at       TEXT,
    outcome          TEXT,
    court_case       INTEGER NOT NULL DEFAULT 0 CHECK (court_case IN (0, 1)),
    body             BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX subject_requests_by_state ON subject_requests (receiving_state, due_at);

CREATE TABLE subject_holdings (
    request_id     TEXT NOT NULL REFERENCES subject_requests (id),
    alert_id       TEXT NOT NULL,
    issuing_state  TEXT NOT NULL,
    category       TEXT NOT NULL,
    score          REAL NOT NULL,
    status         TEXT NOT NULL,
    case_id        TEXT,
    message_id     TEXT,
    disclosure     TEXT,
    correction     TEXT,
    ground         TEXT,
    alert_version  INTEGER,
    answered_at    TEXT,
    answered_by    TEXT,
    PRIMARY KEY (request_id, alert_id)
) WITHOUT ROWID;
CREATE INDEX subject_holdings_by_issuer ON subject_holdings (issuing_state, request_id);

CREATE TABLE subject_replies (
    request_id      TEXT PRIMARY KEY REFERENCES subject_requests (id),
    receiving_state TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    body            BLOB NOT NULL
) WITHOUT ROWID;

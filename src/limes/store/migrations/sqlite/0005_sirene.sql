-- Hits and the SIRENE exchange: cases between an executing and an issuing state, the hits
-- that opened them, the standard forms exchanged on them with their deadlines, and the
-- attachments of those forms. Everything personal (hit reports, form bodies, attachment
-- bytes) is sealed under the data key of the alert's issuing state (`scope`), the rest is
-- bookkeeping the inboxes, deadlines and statistics need. `feed_positions` remembers how
-- far a follower of the change feed (the NATS publisher) has come.
CREATE TABLE sirene_cases (
    id              TEXT PRIMARY KEY,
    alert_id        TEXT NOT NULL,
    scope           TEXT NOT NULL,
    category        TEXT NOT NULL,
    executing_state TEXT NOT NULL,
    immediate       INTEGER NOT NULL CHECK (immediate IN (0, 1)),
    opened_at       TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sirene_cases_by_alert ON sirene_cases (alert_id);

CREATE TABLE sirene_hits (
    id              TEXT PRIMARY KEY,
    case_id         TEXT NOT NULL REFERENCES sirene_cases (id),
    alert_id        TEXT NOT NULL,
    alert_version   INTEGER NOT NULL,
    scope           TEXT NOT NULL,
    category        TEXT NOT NULL,
    executing_state TEXT NOT NULL,
    recorded_by     TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    action_taken    INTEGER NOT NULL CHECK (action_taken IN (0, 1)),
    report          BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX sirene_hits_by_time ON sirene_hits (recorded_at);

CREATE TABLE sirene_messages (
    id               TEXT PRIMARY KEY,
    case_id          TEXT NOT NULL REFERENCES sirene_cases (id),
    scope            TEXT NOT NULL,
    form             TEXT NOT NULL,
    priority         TEXT NOT NULL,
    language         TEXT NOT NULL,
    from_state       TEXT NOT NULL,
    to_state         TEXT NOT NULL,
    sender           TEXT NOT NULL,
    sent_at          TEXT NOT NULL,
    reply_to         TEXT,
    reply_due        TEXT,
    answered_at      TEXT,
    escalation_level INTEGER NOT NULL DEFAULT 0,
    body             BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX sirene_messages_by_case ON sirene_messages (case_id, sent_at);
CREATE INDEX sirene_messages_inbox ON sirene_messages (to_state, reply_due);

CREATE TABLE sirene_attachments (
    id         TEXT PRIMARY KEY,
    message_id TEXT NOT NULL REFERENCES sirene_messages (id),
    position   INTEGER NOT NULL,
    scope      TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size       INTEGER NOT NULL,
    sha256     TEXT NOT NULL,
    content    BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX sirene_attachments_by_message ON sirene_attachments (message_id, position);

CREATE TABLE feed_positions (
    name       TEXT PRIMARY KEY,
    seq        INTEGER NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;

-- Multiple-identity links (issue 20, Regulation (EU) 2019/817 Arts 25-36): two person
-- alerts whose identity data agree. `alert_id` is the alert whose issue or update made
-- the link, and its issuing state's SIRENE bureau (`resolver_state`) checks a yellow link by
-- hand before `due_at` and makes it green (different persons), red (identity fraud) or
-- white (the same person, legitimately). The categories let the service decide who may
-- see a link by its colour without opening either alert. No identity data is stored here:
-- ids, states, categories, the colour, times and who resolved it.
CREATE TABLE identity_links (
    id              TEXT PRIMARY KEY,
    alert_id        TEXT NOT NULL,
    other_id        TEXT NOT NULL,
    alert_category  TEXT NOT NULL,
    other_category  TEXT NOT NULL,
    resolver_state  TEXT NOT NULL,
    other_state     TEXT NOT NULL,
    colour          TEXT NOT NULL CHECK (colour IN ('yellow', 'green', 'red', 'white')),
    score           REAL NOT NULL,
    created_at      TEXT NOT NULL,
    due_at          TEXT NOT NULL,
    resolved_at     TEXT,
    resolved_by     TEXT,
    CHECK (alert_id <> other_id)
);
CREATE UNIQUE INDEX identity_links_pair ON identity_links (
    MIN(alert_id, other_id), MAX(alert_id, other_id)
);
CREATE INDEX identity_links_alert ON identity_links (alert_id);
CREATE INDEX identity_links_other ON identity_links (other_id);
CREATE INDEX identity_links_open ON identity_links (colour, due_at);

-- Every colour a link has had, who gave it and when: the link's history, append-only.
CREATE TABLE identity_link_history (
    link_id TEXT NOT NULL REFERENCES identity_links (id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    colour  TEXT NOT NULL,
    at      TEXT NOT NULL,
    by_whom TEXT NOT NULL,
    PRIMARY KEY (link_id, seq)
) WITHOUT ROWID;

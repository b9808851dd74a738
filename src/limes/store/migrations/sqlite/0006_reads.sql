-- Bounded reading (docs/security.md, "Bulk extraction is stopped"): which alerts each
-- principal, and each authority, has opened in the last 24 hours, and the blocks raised
-- when one read past its bound. Shared by every worker process and every door, so that a
-- bound holds however the reads are spread. `scope` is `principal:<user@AUTH/STATE>` or
-- `authority:<AUTH/STATE>`. A row is the first time the scope opened the alert within the
-- day (older rows count as unread and are pruned).
CREATE TABLE read_ledger (
    scope         TEXT NOT NULL,
    alert_id      TEXT NOT NULL,
    first_read_at TEXT NOT NULL,
    PRIMARY KEY (scope, alert_id)
) WITHOUT ROWID;
CREATE INDEX read_ledger_by_time ON read_ledger (scope, first_read_at);

CREATE TABLE read_blocks (
    id           TEXT PRIMARY KEY,
    scope        TEXT NOT NULL,
    member_state TEXT NOT NULL,
    principal    TEXT NOT NULL,
    bound        TEXT NOT NULL,
    reads        INTEGER NOT NULL,
    blocked_at   TEXT NOT NULL,
    lifted_by    TEXT,
    lifted_at    TEXT,
    lift_reason  TEXT
) WITHOUT ROWID;
-- at most one block in force per scope
CREATE UNIQUE INDEX read_blocks_in_force ON read_blocks (scope) WHERE lifted_at IS NULL;
CREATE INDEX read_blocks_by_state ON read_blocks (member_state, blocked_at);

-- The backup site (issue 17): who may write at the centre. One row: the term (it only
-- grows) and the site (a PostgreSQL cluster_name) that holds it, every writer checks it
-- under the writer lock (store/central.py, the fencing rule). No row: term 0, the one
-- primary writes. An embedded (SQLite) store has no standby and never checks it.
CREATE TABLE central_fence (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    term   BIGINT NOT NULL CHECK (term > 0),
    site   TEXT NOT NULL,
    since  TEXT NOT NULL
);

-- The feed filter enforced at the centre (issue 17): each replicating system client is
-- bound to its copy's filter (CopyFilter as JSON), GET /v1/feed refuses a client bound
-- to none, and any page asked beyond its binding (service/replication.py).
CREATE TABLE feed_bindings (
    client    TEXT PRIMARY KEY,
    filter    TEXT NOT NULL,
    bound_at  TEXT NOT NULL,
    bound_by  TEXT NOT NULL,
    audit_key TEXT
);

-- A copy's audit records forwarded to the centre (issue 17): each as the copy's log
-- wrote it (canonical JSON), with the batch it came in and the copy's signature over
-- that batch (service/audit_forwarding.py), so anyone can verify it later. At the
-- centre. At a copy, `copy_audit_sent` (one row) says how far its records were sent.
CREATE TABLE forwarded_audit (
    client       TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    record       TEXT NOT NULL,
    batch_first  INTEGER NOT NULL,
    batch_sha256 TEXT NOT NULL,
    signature    TEXT NOT NULL,
    key_id       TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    PRIMARY KEY (client, seq)
);

CREATE TABLE copy_audit_sent (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    upto  INTEGER NOT NULL
);

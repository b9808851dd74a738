-- The backup site (issue 17): who may write at the centre. One row: the term (it only
-- grows) and the site (a PostgreSQL cluster_name) that holds it; every writer checks it
-- under the writer lock (store/central.py, the fencing rule). No row: term 0, the one
-- primary writes. An embedded (SQLite) store has no standby and never checks it.
CREATE TABLE central_fence (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    term   BIGINT NOT NULL CHECK (term > 0),
    site   TEXT NOT NULL,
    since  TIMESTAMPTZ NOT NULL
);

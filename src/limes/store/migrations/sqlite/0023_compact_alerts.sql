-- Compact alert rows (issue 15): the alerts table is rebuilt with its timestamps as
-- integers, microseconds since 1970-01-01 UTC (8 bytes instead of 32 characters of
-- ISO 8601 text), and the expiry index holds active alerts only, by expiry alone
-- (the expiry run asks for nothing else). No table refers to alerts by a foreign key.
CREATE TABLE alerts_compact (
    id            TEXT PRIMARY KEY,
    category      TEXT NOT NULL,
    object_type   TEXT,
    subject       TEXT NOT NULL,
    issuing_state TEXT NOT NULL,
    status        TEXT NOT NULL,
    version       INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    warned_at     INTEGER,
    body          BLOB,
    extensions    BLOB
) WITHOUT ROWID;
INSERT INTO alerts_compact
SELECT id, category, object_type, subject, issuing_state, status, version,
       CAST(strftime('%s', created_at) AS INTEGER) * 1000000 + CAST(substr(created_at, 21, 6) AS INTEGER),
       CAST(strftime('%s', updated_at) AS INTEGER) * 1000000 + CAST(substr(updated_at, 21, 6) AS INTEGER),
       CAST(strftime('%s', expires_at) AS INTEGER) * 1000000 + CAST(substr(expires_at, 21, 6) AS INTEGER),
       CASE WHEN warned_at IS NULL THEN NULL
            ELSE CAST(strftime('%s', warned_at) AS INTEGER) * 1000000 + CAST(substr(warned_at, 21, 6) AS INTEGER)
       END,
       body, extensions
FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_compact RENAME TO alerts;
CREATE INDEX alerts_by_expiry ON alerts (expires_at) WHERE status = 'active';
CREATE INDEX alerts_by_category ON alerts (category, id);
CREATE INDEX alerts_by_state ON alerts (issuing_state, id);

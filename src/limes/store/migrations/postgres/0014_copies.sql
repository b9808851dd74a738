-- National copies (issue 17). At a copy: `copy_state` (one row) names the centre it
-- follows, its filter, how far it has come and when it last knew itself current;
-- `copy_alerts` remembers, per alert held, the centre's feed position of the sealed row
-- applied last, so an older row never overwrites a newer one. At the centre:
-- `feed_digests` keeps the signed digests of the alert set (Merkle roots per partition).
CREATE TABLE copy_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    centre      TEXT NOT NULL,
    filter      TEXT NOT NULL,
    position    BIGINT NOT NULL,
    centre_at   TIMESTAMPTZ,
    checked_at  TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE copy_alerts (
    alert_id TEXT COLLATE "C" PRIMARY KEY,
    seq      BIGINT NOT NULL
);

CREATE TABLE feed_digests (
    seq       BIGINT PRIMARY KEY,
    at        TIMESTAMPTZ NOT NULL,
    body      TEXT NOT NULL,
    signature TEXT NOT NULL
);

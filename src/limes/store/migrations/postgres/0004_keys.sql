-- Encryption at rest: the data keys, one per member state (scope) and version, stored only
-- wrapped by the key-encryption key (which the database never holds), and the position of
-- a running re-encryption, so that it resumes where it stopped.
-- A retired key keeps its row (versions are never reused) without its key material.
CREATE TABLE data_keys (
    scope      TEXT NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1),
    status     TEXT NOT NULL CHECK (status IN ('active', 'retiring', 'retired')),
    kek_id     TEXT,
    wrapped    BYTEA,
    created_at TIMESTAMPTZ NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (scope, version),
    CHECK ((status = 'retired') = (wrapped IS NULL)),
    CHECK ((kek_id IS NULL) = (wrapped IS NULL))
);
CREATE UNIQUE INDEX data_keys_one_active ON data_keys (scope) WHERE status = 'active';

CREATE TABLE key_jobs (
    name       TEXT PRIMARY KEY,
    position   TEXT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- Fewer bytes per alert in PostgreSQL (issue 15: 525 B an object alert before, 450 aimed at).
-- 1. alerts_by_state and alerts_by_category_<n> index an alert by its id's first 6 bytes
--    (a ULID's millisecond; any other id's 0xFF and first 5 bytes), not its 17: an entry
--    is 24 bytes, not 32, and the alerts of one millisecond (a bulk load makes dozens)
--    share one entry (B-tree deduplication: 6 bytes a further alert). The prefix sorts
--    as the id does, so list() asks for ORDER BY substr(id, 1, 6), id and its cursor as
--    substr(id, 1, 6) >= the cursor's prefix AND id > the cursor (store/alerts.py): the
--    index gives the order of the millisecond, an incremental sort that of its few ids.
--    alerts_pkey keeps the whole id (get, get_many, the scans of every alert in id order).
-- 2. A change event of an alert whose row holds the same issuing state and category stores
--    neither (NULL, NULL): its row is 40 bytes of data, not 48, and the feed reads both from
--    the alert's row (an alert's state and category never change, and its row is never
--    deleted). Any other event (no such alert row: a link, a request) keeps both. The table
--    is rebuilt once, seq and its sequence kept; its primary key full as in 0029.
-- 3. An alert's updated_at is NULL while it is its created_at (store/alerts.py's updated_in;
--    a read takes created_at back): 8 bytes of most rows.
-- The alerts table is rebuilt for 3, its indexes made before its rows are copied in id
-- order: a GIN index built over existing rows splits its pages in halves (66 B an alert,
-- not the 45 it has grown to with the loads; see 0029), and the B-trees fill as they do
-- while alerts are issued.
ALTER TABLE alerts RENAME TO alerts_old;
ALTER INDEX alerts_pkey RENAME TO alerts_old_pkey;
DROP INDEX alerts_by_expiry;
DROP INDEX alerts_by_key;
DROP INDEX alerts_by_state;
DO $$
BEGIN
    FOR code IN 0..13 LOOP
        EXECUTE format('DROP INDEX alerts_by_category_%s', code);
    END LOOP;
END
$$;
CREATE TABLE alerts (LIKE alerts_old);  -- the columns of 0028, in its order, NOT NULL kept
ALTER TABLE alerts ALTER COLUMN updated_at DROP NOT NULL,
    ADD CONSTRAINT alerts_pkey PRIMARY KEY (id);
CREATE INDEX alerts_by_expiry ON alerts (expires_at) WHERE status = 0;
CREATE INDEX alerts_by_key ON alerts USING gin (limes_key_hashes(keys)) WITH (fastupdate = off);
CREATE INDEX alerts_by_state ON alerts (issuing_state, substr(id, 1, 6));
DO $$
BEGIN
    FOR code IN 0..13 LOOP
        EXECUTE format('CREATE INDEX alerts_by_category_%s ON alerts (substr(id, 1, 6)) '
                       'WHERE category = %s', code, code);
    END LOOP;
END
$$;
INSERT INTO alerts (created_at, updated_at, expires_at, warned_at, version, category,
                    object_type, subject, status, id, issuing_state, body, extensions, keys)
SELECT created_at, NULLIF(updated_at, created_at), expires_at, warned_at, version, category,
       object_type, subject, status, id, issuing_state, body, extensions, keys
FROM alerts_old ORDER BY id;
DROP TABLE alerts_old;

ALTER SEQUENCE change_events_seq_seq OWNED BY NONE;
ALTER TABLE change_events RENAME TO change_events_old;
ALTER INDEX change_events_pkey RENAME TO change_events_old_pkey;
CREATE TABLE change_events (
    seq           BIGINT NOT NULL DEFAULT nextval('change_events_seq_seq'),
    at            TIMESTAMPTZ NOT NULL,
    type          SMALLINT NOT NULL,
    alert_id      BYTEA NOT NULL,
    issuing_state TEXT,
    category      TEXT,
    version       INTEGER NOT NULL,
    detail        JSONB,
    CONSTRAINT change_events_pkey PRIMARY KEY (seq) WITH (fillfactor = 100),
    CONSTRAINT change_events_as_their_alert CHECK ((issuing_state IS NULL) = (category IS NULL))
);
INSERT INTO change_events (seq, at, type, alert_id, issuing_state, category, version, detail)
SELECT e.seq, e.at, e.type, e.alert_id,
       CASE WHEN a.id IS NULL THEN e.issuing_state END,
       CASE WHEN a.id IS NULL THEN e.category END,
       e.version, e.detail
FROM change_events_old e
LEFT JOIN alerts a
    ON a.id = e.alert_id AND a.issuing_state = e.issuing_state AND a.category::text = e.category
ORDER BY e.seq;
DROP TABLE change_events_old;
ALTER SEQUENCE change_events_seq_seq OWNED BY change_events.seq;


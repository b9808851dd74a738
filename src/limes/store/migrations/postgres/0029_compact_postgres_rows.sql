-- Compact PostgreSQL rows (issue 15): fewer heap tuples and narrower ones, each of which
-- costs a 24-byte header and a 4-byte line pointer here.
-- 1. No alert_keys table: the lookup by match key goes by a GIN index over the alert
--    row's own packed keys (0026, store/match_key_bytes.py), through limes_key_hashes:
--    8 bytes a key (a token's first 8 of its 16 bytes, a text key's first 8 bytes of the
--    SHA-256 of its text), which the query rechecks against the keys themselves
--    (store/alerts.py), so that two keys sharing 8 bytes find no wrong alert. GIN keeps
--    each hash once with its alerts; fastupdate is off, so that a lookup never reads a
--    pending list.
-- 2. One partial index of ids per category (alerts_by_category_<number>, one for each
--    number of CATEGORY_CODES: a category appended there needs its index), not one
--    index by (category, id): ids arrive in order within each category, so each partial
--    index grows at its right end and its pages fill (to 90 %), where (category, id) split
--    its pages in halves that stayed half full (69.5 B an alert at 50,000, 44 B this
--    way). list() writes the number out (store/alerts.py), so the planner can choose it.
-- 3. change_events name their type by number (store/event_codes.py, frozen: the array
--    below is EVENT_CODES; a type without a number stops the migration) and their
--    category by its number's digits, or by its name where it has none (a national
--    copy's, say: a name of digits alone stops the migration), and hold no detail when
--    it is empty (NULL, not '{}'). The table is rewritten once, seq and its sequence kept;
--    its primary key is rebuilt full (fillfactor 100): seq only grows, so no page of it
--    ever takes a row again once it is left behind.
CREATE FUNCTION limes_key_hashes(keys BYTEA) RETURNS BIGINT[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    at INTEGER := 0;
    n INTEGER;
    found BIGINT[] := '{}';
BEGIN
    WHILE at < length(keys) LOOP
        IF get_byte(keys, at) = 1 THEN
            found := found || ('x' || encode(substr(keys, at + 2, 8), 'hex'))::bit(64)::bigint;
            at := at + 17;
        ELSE
            n := get_byte(keys, at + 1) * 256 + get_byte(keys, at + 2);
            found := found
                || ('x' || encode(substr(sha256(substr(keys, at + 4, n)), 1, 8), 'hex'))::bit(64)::bigint;
            at := at + 3 + n;
        END IF;
    END LOOP;
    RETURN found;
END
$$;
CREATE INDEX alerts_by_key ON alerts USING gin (limes_key_hashes(keys)) WITH (fastupdate = off);
DROP TABLE alert_keys;
DROP INDEX alerts_by_category;
DO $$
BEGIN
    FOR code IN 0..13 LOOP
        EXECUTE format('CREATE INDEX alerts_by_category_%s ON alerts (id) WHERE category = %s',
                       code, code);
    END LOOP;
END
$$;

CREATE FUNCTION pg_temp.type_code(value TEXT) RETURNS SMALLINT
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    found INTEGER := array_position(ARRAY[
        'alert.issued', 'alert.updated', 'alert.deleted', 'alert.extended', 'alert.expired',
        'alert.expiry_warning', 'alert.linked', 'alert.unlinked', 'alert.misused_identity_set',
        'alert.misused_identity_removed', 'alert.biometrics_enrolled', 'flag.requested',
        'flag.granted', 'flag.refused', 'flag.withdrawn', 'hit.recorded', 'sirene.message',
        'sirene.overdue', 'screening.hit', 'identity.link_created', 'identity.link_resolved',
        'identity.link_overdue', 'subject.overdue', 'subject.extended'
    ], value);
BEGIN
    IF found IS NULL THEN
        RAISE EXCEPTION 'migration 0029: event type "%" has no number (store/event_codes.py)', value;
    END IF;
    RETURN found - 1;
END
$$;
CREATE FUNCTION pg_temp.category_text(value TEXT) RETURNS TEXT
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    found INTEGER := array_position(ARRAY[
        'arrest', 'missing_protection', 'missing_whereabouts', 'child_abduction_risk',
        'child_travel_prevention', 'vulnerable_adult_travel_prevention',
        'judicial_procedure', 'person_check', 'unknown_wanted', 'refusal_of_entry',
        'travel_ban', 'return_decision', 'object_seizure', 'object_check'
    ], value);
BEGIN
    IF found IS NOT NULL THEN
        RETURN (found - 1)::text;
    END IF;
    IF value ~ '^[0-9]+$' THEN
        RAISE EXCEPTION 'migration 0029: category "%" would read as a number', value;
    END IF;
    RETURN value;
END
$$;
ALTER INDEX change_events_pkey SET (fillfactor = 100);
ALTER TABLE change_events
    ALTER COLUMN detail DROP NOT NULL,
    ALTER COLUMN type TYPE SMALLINT USING pg_temp.type_code(type),
    ALTER COLUMN category TYPE TEXT USING pg_temp.category_text(category),
    ALTER COLUMN detail TYPE JSONB USING NULLIF(detail, '{}'::jsonb);

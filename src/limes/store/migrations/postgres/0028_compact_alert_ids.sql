-- Compact alert rows (issue 15): an alert's id is stored as its ULID's 16 bytes, not 26
-- characters (store/alert_ids.py; any other id as 0xFF and its text), in alerts,
-- alert_keys, change_events and copy_alerts, and so in every index entry that carries
-- it; an alert's category, object type, subject and status as smallint numbers
-- (store/event_codes.py, frozen: the arrays below are those tuples, and a value without
-- a number stops the migration). The alerts table is rebuilt with its fixed-width
-- columns first, widest first, so that no byte is lost to alignment. limes_alert_id
-- stays: the sealed tables join their alert by it (store/sealed.py).
-- limes_alert_id: a ULID's 26 characters, 5 bits each, 2 then 6 times 4 (20 bits, 5 hex
-- digits), each character's value read from a table by its code point (minus 48); with
-- no sub-select nor stable function in either, PostgreSQL inlines both (about 15 µs an
-- id, several times faster than a function it calls). Any other id: 0xFF and its text.
CREATE FUNCTION limes_crockford(c TEXT) RETURNS INTEGER
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT get_byte('\x00010203040506070809000000000000000a0b0c0d0e0f101100121300141500161718191a001b1c1d1e1f'::bytea, ascii(c) - 48)
$$;
CREATE FUNCTION limes_alert_id(id TEXT) RETURNS BYTEA
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE
    WHEN id ~ '^[0-7][0-9A-HJKMNP-TV-Z]{25}$' AND left(id, 2) <> '7Z' THEN decode(
        lpad(to_hex(
            limes_crockford(substr(id, 1, 1)) * 32
            + limes_crockford(substr(id, 2, 1))
        ), 2, '0') ||
        lpad(to_hex(
            limes_crockford(substr(id, 3, 1)) * 32768
            + limes_crockford(substr(id, 4, 1)) * 1024
            + limes_crockford(substr(id, 5, 1)) * 32
            + limes_crockford(substr(id, 6, 1))
        ), 5, '0') ||
        lpad(to_hex(
            limes_crockford(substr(id, 7, 1)) * 32768
            + limes_crockford(substr(id, 8, 1)) * 1024
            + limes_crockford(substr(id, 9, 1)) * 32
            + limes_crockford(substr(id, 10, 1))
        ), 5, '0') ||
        lpad(to_hex(
            limes_crockford(substr(id, 11, 1)) * 32768
            + limes_crockford(substr(id, 12, 1)) * 1024
            + limes_crockford(substr(id, 13, 1)) * 32
            + limes_crockford(substr(id, 14, 1))
        ), 5, '0') ||
        lpad(to_hex(
            limes_crockford(substr(id, 15, 1)) * 32768
            + limes_crockford(substr(id, 16, 1)) * 1024
            + limes_crockford(substr(id, 17, 1)) * 32
            + limes_crockford(substr(id, 18, 1))
        ), 5, '0') ||
        lpad(to_hex(
            limes_crockford(substr(id, 19, 1)) * 32768
            + limes_crockford(substr(id, 20, 1)) * 1024
            + limes_crockford(substr(id, 21, 1)) * 32
            + limes_crockford(substr(id, 22, 1))
        ), 5, '0') ||
        lpad(to_hex(
            limes_crockford(substr(id, 23, 1)) * 32768
            + limes_crockford(substr(id, 24, 1)) * 1024
            + limes_crockford(substr(id, 25, 1)) * 32
            + limes_crockford(substr(id, 26, 1))
        ), 5, '0'),
        'hex'
    )
    ELSE '\xff'::bytea || id::bytea
END
$$;
CREATE FUNCTION pg_temp.code_of(names TEXT[], value TEXT) RETURNS SMALLINT
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF value IS NULL THEN
        RETURN NULL;
    END IF;
    IF array_position(names, value) IS NULL THEN
        RAISE EXCEPTION 'migration 0028: "%" has no number (store/event_codes.py)', value;
    END IF;
    RETURN array_position(names, value) - 1;
END
$$;

ALTER TABLE alerts RENAME TO alerts_old;
ALTER INDEX alerts_pkey RENAME TO alerts_old_pkey;
DROP INDEX alerts_by_expiry;
DROP INDEX alerts_by_category;
DROP INDEX alerts_by_state;
CREATE TABLE alerts (
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    warned_at     TIMESTAMPTZ,
    version       INTEGER NOT NULL,
    category      SMALLINT NOT NULL,
    object_type   SMALLINT,
    subject       SMALLINT NOT NULL,
    status        SMALLINT NOT NULL,
    id            BYTEA NOT NULL,
    issuing_state TEXT NOT NULL,
    body          BYTEA,
    extensions    BYTEA,
    keys          BYTEA,
    CONSTRAINT alerts_pkey PRIMARY KEY (id)
);
INSERT INTO alerts (created_at, updated_at, expires_at, warned_at, version, category,
                    object_type, subject, status, id, issuing_state, body, extensions, keys)
SELECT created_at, updated_at, expires_at, warned_at, version,
       pg_temp.code_of(ARRAY[
           'arrest', 'missing_protection', 'missing_whereabouts', 'child_abduction_risk',
           'child_travel_prevention', 'vulnerable_adult_travel_prevention',
           'judicial_procedure', 'person_check', 'unknown_wanted', 'refusal_of_entry',
           'travel_ban', 'return_decision', 'object_seizure', 'object_check'
       ], category),
       pg_temp.code_of(ARRAY[
           'motor_vehicle', 'trailer', 'caravan', 'boat', 'boat_engine', 'container',
           'aircraft', 'aircraft_engine', 'firearm', 'blank_document', 'issued_document',
           'registration_certificate', 'number_plate', 'banknote', 'means_of_payment',
           'it_equipment', 'vehicle_component', 'industrial_equipment', 'high_value_object'
       ], object_type),
       pg_temp.code_of(ARRAY['person', 'object'], subject),
       pg_temp.code_of(ARRAY['active', 'expired', 'deleted'], status),
       limes_alert_id(id), issuing_state, body, extensions, keys
FROM alerts_old;
DROP TABLE alerts_old;
CREATE INDEX alerts_by_expiry ON alerts (expires_at) WHERE status = 0;
CREATE INDEX alerts_by_category ON alerts (category, id);
CREATE INDEX alerts_by_state ON alerts (issuing_state, id);

ALTER TABLE alert_keys ALTER COLUMN alert_id TYPE BYTEA USING limes_alert_id(alert_id);
ALTER TABLE change_events ALTER COLUMN alert_id TYPE BYTEA USING limes_alert_id(alert_id);
ALTER TABLE copy_alerts ALTER COLUMN alert_id TYPE BYTEA USING limes_alert_id(alert_id);

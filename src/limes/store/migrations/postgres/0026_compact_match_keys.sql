-- Compact match keys (issue 15): a blind-index token is stored as 17 bytes (a tag and
-- its 16 bytes), not 25 characters, and each alert's row carries its keys packed
-- (store/match_key_bytes.py, whose forms these expressions reproduce), so the index
-- of alert_keys by alert is dropped: an alert's keys are read from its row, and
-- alert_keys serves the lookup by key alone.
ALTER TABLE alerts ADD COLUMN keys BYTEA;
CREATE TEMPORARY TABLE compact_keys ON COMMIT DROP AS
SELECT alert_id, key,
       CASE WHEN key ~ '^i1\.[A-Za-z0-9_-]{21}[AQgw]$'
            THEN '\x01'::bytea || decode(translate(substr(key, 4), '-_', '+/') || '==', 'base64')
            ELSE '\x00'::bytea || convert_to(key, 'UTF8')
       END AS stored,
       CASE WHEN key ~ '^i1\.[A-Za-z0-9_-]{21}[AQgw]$'
            THEN '\x01'::bytea || decode(translate(substr(key, 4), '-_', '+/') || '==', 'base64')
            ELSE '\x00'::bytea || int2send(octet_length(convert_to(key, 'UTF8'))::int2)
                 || convert_to(key, 'UTF8')
       END AS packed
FROM alert_keys;
UPDATE alerts a SET keys = p.keys
FROM (SELECT alert_id, string_agg(packed, ''::bytea ORDER BY key) AS keys
      FROM compact_keys GROUP BY alert_id) p
WHERE p.alert_id = a.id;
DROP TABLE alert_keys;
CREATE TABLE alert_keys (
    key      BYTEA NOT NULL,
    alert_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (key, alert_id)
);
INSERT INTO alert_keys (key, alert_id) SELECT stored, alert_id FROM compact_keys;

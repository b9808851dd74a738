-- Compact match keys (issue 15): a blind-index token is stored as 17 bytes (a tag and
-- its 16 bytes), not 25 characters, and each alert's row carries its keys packed
-- (store/match_key_bytes.py), so the index of alert_keys by alert is dropped: an
-- alert's keys are read from its row, and alert_keys serves the lookup by key alone.
-- limes_key_bytes and limes_pack_keys are the store's own functions (sqlite.py
-- registers them on every connection), the very code that writes new rows.
ALTER TABLE alerts ADD COLUMN keys BLOB;
UPDATE alerts SET keys = (
    SELECT limes_pack_keys(k.key) FROM alert_keys k WHERE k.alert_id = alerts.id
) WHERE id IN (SELECT alert_id FROM alert_keys);
CREATE TABLE alert_keys_compact (
    key      BLOB NOT NULL,
    alert_id TEXT NOT NULL,
    PRIMARY KEY (key, alert_id)
) WITHOUT ROWID;
INSERT INTO alert_keys_compact SELECT limes_key_bytes(key), alert_id FROM alert_keys;
DROP TABLE alert_keys;
ALTER TABLE alert_keys_compact RENAME TO alert_keys;

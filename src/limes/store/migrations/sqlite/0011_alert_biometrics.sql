-- Fingerprints enrolled on person alerts (issue 16): one row per alert and finger
-- position (1-10, ISO/IEC 19794-2), the template an ISO/IEC 19794-2 record of that one
-- finger, sealed by the service under the issuing state's data key. Erasing the alert
-- (deletion, expiry) deletes its rows in the same transaction.
CREATE TABLE alert_biometrics (
    alert_id    TEXT NOT NULL,
    position    INTEGER NOT NULL CHECK (position BETWEEN 1 AND 10),
    template    BLOB NOT NULL,
    quality     INTEGER NOT NULL CHECK (quality BETWEEN 0 AND 100),
    enrolled_at TEXT NOT NULL,
    PRIMARY KEY (alert_id, position)
) WITHOUT ROWID;

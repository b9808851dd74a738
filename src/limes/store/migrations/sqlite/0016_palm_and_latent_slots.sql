-- Palm prints and latents (issue 16): a row of alert_biometrics holds a finger
-- (position 1-10), a palm (its ANSI/NIST-ITL palm code, 21-38) or, on an alert on an
-- unknown wanted person, a latent at slot 100 plus its number on the alert (100-199).
-- SQLite cannot change a CHECK constraint, so the table is built again with the wider
-- one and its rows copied over.
CREATE TABLE alert_biometrics_0016 (
    alert_id    TEXT NOT NULL,
    position    INTEGER NOT NULL
                CHECK (position BETWEEN 1 AND 10 OR position BETWEEN 21 AND 38
                     OR position BETWEEN 100 AND 199),
    template    BLOB NOT NULL,
    quality     INTEGER NOT NULL CHECK (quality BETWEEN 0 AND 100),
    enrolled_at TEXT NOT NULL,
    PRIMARY KEY (alert_id, position)
) WITHOUT ROWID;
INSERT INTO alert_biometrics_0016 (alert_id, position, template, quality, enrolled_at)
    SELECT alert_id, position, template, quality, enrolled_at FROM alert_biometrics;
DROP TABLE alert_biometrics;
ALTER TABLE alert_biometrics_0016 RENAME TO alert_biometrics;

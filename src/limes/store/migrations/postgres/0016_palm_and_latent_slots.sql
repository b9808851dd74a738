-- Palm prints and latents (issue 16): a row of alert_biometrics holds a finger
-- (position 1-10), a palm (its ANSI/NIST-ITL palm code, 21-38) or, on an alert on an
-- unknown wanted person, a latent at slot 100 plus its number on the alert (100-199).
ALTER TABLE alert_biometrics DROP CONSTRAINT alert_biometrics_position_check;
ALTER TABLE alert_biometrics ADD CONSTRAINT alert_biometrics_position_check
    CHECK (position BETWEEN 1 AND 10 OR position BETWEEN 21 AND 38 OR position BETWEEN 100 AND 199);

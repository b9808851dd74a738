-- Faces enrolled on person alerts (issue 16): one row per alert and face number (1-5).
-- ``face`` holds the facial image and its 128-d template, sealed together by the service
-- under the issuing state's data key: the plain columns say only what kind of image it
-- was and how it passed the gate. Erasing the alert (deletion, expiry) deletes its rows
-- in the same transaction.
CREATE TABLE alert_faces (
    alert_id     TEXT NOT NULL,
    number       INTEGER NOT NULL CHECK (number BETWEEN 1 AND 5),
    face         BLOB NOT NULL,
    media_type   TEXT NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png')),
    eye_distance INTEGER NOT NULL CHECK (eye_distance > 0),
    enrolled_at  TEXT NOT NULL,
    PRIMARY KEY (alert_id, number)
) WITHOUT ROWID;

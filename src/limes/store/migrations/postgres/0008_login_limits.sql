-- Login limits (service/login_limits.py): recent login attempts per client address and
-- per username, shared by every server process. ``subject`` is a keyed hash (HMAC) of
-- the address or username, never the value itself. Rows are forgotten an hour after
-- their last attempt (the account sweep prunes them).
CREATE TABLE login_limits (
    scope      TEXT NOT NULL CHECK (scope IN ('address', 'username')),
    subject    TEXT COLLATE "C" NOT NULL,
    attempts   INTEGER NOT NULL CHECK (attempts >= 0),
    last_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (scope, subject)
);
CREATE INDEX login_limits_by_time ON login_limits (last_at);

-- Compact alert rows (issue 15): the expiry index holds active alerts only, by expiry
-- alone (the expiry run asks for nothing else). Timestamps are timestamptz already
-- (8 bytes); SQLite's 0023 makes its text timestamps integers.
DROP INDEX alerts_by_expiry;
CREATE INDEX alerts_by_expiry ON alerts (expires_at) WHERE status = 'active';

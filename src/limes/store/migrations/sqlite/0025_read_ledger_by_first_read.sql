-- The read ledger's pruning (issue 13): `DELETE FROM read_ledger WHERE first_read_at <= ?`
-- (store/reading.py, run every job interval by `limes serve`) could use no index, as
-- `read_ledger_by_time` begins with the scope, so it read the whole ledger holding the
-- write lock: 0.3 s over 600,000 rows, more as the day's reads grow, a stall of every
-- search and alert read waiting to count its hits. With this index it reads only the
-- rows it deletes.
CREATE INDEX read_ledger_by_first_read ON read_ledger (first_read_at);

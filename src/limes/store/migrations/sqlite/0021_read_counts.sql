-- Counted bounded reading (issue 13): per scope of the read ledger, how many of its rows
-- lie after two marks, so that a request reads its counts from one row instead of
-- counting the day's ledger rows. `hour_count` is the number of the scope's ledger rows
-- with `first_read_at > hour_mark`, `day_count` those after `day_mark`. A reader moves
-- them to its own hour and day ago by counting only the rows between a mark and that
-- moment (store/reading.py). Kept in the transaction that writes the ledger, so shared
-- by every worker and door like the ledger itself. No row: counted from the ledger.
CREATE TABLE read_counts (
    scope      TEXT NOT NULL PRIMARY KEY,
    hour_mark  TEXT NOT NULL,
    hour_count INTEGER NOT NULL CHECK (hour_count >= 0),
    day_mark   TEXT NOT NULL,
    day_count  INTEGER NOT NULL CHECK (day_count >= 0)
) WITHOUT ROWID;

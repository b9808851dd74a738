"""The two SQL dialects: queries written once with ``?``, timestamps always back in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from limes.store.dialect import POSTGRES, SQLITE, Dialect

CEST = timezone(timedelta(hours=2))
MOMENT = datetime(2026, 7, 1, 12, 0, 0, 999999, tzinfo=CEST)


def test_placeholders_are_written_once_and_adapted() -> None:
    query = "SELECT id FROM alerts WHERE id = ? AND status = ?"
    assert SQLITE.sql(query) == query
    assert POSTGRES.sql(query) == "SELECT id FROM alerts WHERE id = %s AND status = %s"


def test_sqlite_keeps_timestamps_as_utc_text_with_microseconds() -> None:
    assert SQLITE.ts_in(MOMENT) == "2026-07-01T10:00:00.999999+00:00"
    assert SQLITE.ts_out(SQLITE.ts_in(MOMENT)) == MOMENT
    assert POSTGRES.ts_in(MOMENT) is MOMENT  # the driver sends a timestamptz as it is


@pytest.mark.parametrize("dialect", [SQLITE, POSTGRES], ids=["sqlite", "postgres"])
def test_timestamps_come_back_in_utc(dialect: Dialect) -> None:
    out = dialect.ts(MOMENT)
    assert out == MOMENT and out.tzinfo is UTC
    assert dialect.ts_in(None) is None and dialect.ts_out(None) is None


@pytest.mark.parametrize("dialect", [SQLITE, POSTGRES], ids=["sqlite", "postgres"])
def test_what_is_no_timestamp_is_refused(dialect: Dialect) -> None:
    with pytest.raises(TypeError, match="expected a timestamp, got int"):
        dialect.ts_out(1_700_000_000)
    with pytest.raises(ValueError, match="NULL in a NOT NULL timestamp column"):
        dialect.ts(None)


def test_binary_columns_come_back_as_bytes() -> None:
    assert SQLITE.bytes_out(memoryview(b"\x00\xff")) == b"\x00\xff"
    assert POSTGRES.bytes_out(None) is None

"""What every query of the store builds on: the two SQL dialects and the ``Tables`` seam.

SQLite and PostgreSQL differ here only in placeholders, timestamps, row locks and the
lookup by match key, so the queries are written once with ``?`` placeholders and a
``Dialect`` adapts them. ``Tables`` runs such queries on one transaction's cursor;
every repository of ``store/`` is a ``Tables``, and nothing outside ``store/`` sees one
but the tests' ``store_peek.py`` (the service layer sees the repositories' Protocols in
``port.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Protocol

Row = Sequence[Any]


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Any: ...

    def executemany(self, sql: str, params: Iterable[Sequence[Any]], /) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


@dataclass(frozen=True, slots=True)
class Dialect:
    placeholder: str
    for_update: str
    timestamps_as_text: bool
    postgres_indexes: bool
    """PostgreSQL's own indexes (migration 0029): match keys looked up through a GIN index
    over each alert row's keys, not ``alert_keys``, and alerts listed by category through
    one partial index of ids per category, which a query names by its number written
    out, not one index by (category, id); since 0030 these and ``alerts_by_state`` hold
    an id's first 6 bytes (``alerts.list_query``), and a change event as its alert's row
    holds no state nor category (``outbox.py``)."""

    def sql(self, text: str) -> str:
        return text if self.placeholder == "?" else text.replace("?", self.placeholder)

    def ts_in(self, value: datetime | None) -> Any:
        if value is None or not self.timestamps_as_text:
            return value
        return _iso(value)

    def ts_out(self, value: Any) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            return datetime.fromisoformat(value)
        if not isinstance(value, datetime):
            raise TypeError(f"expected a timestamp, got {type(value).__name__}")
        return value.astimezone(UTC)

    def ts(self, value: Any) -> datetime:
        """A timestamp from a NOT NULL column."""
        out = self.ts_out(value)
        if out is None:
            raise ValueError("NULL in a NOT NULL timestamp column")
        return out

    def bytes_out(self, value: Any) -> bytes | None:
        return None if value is None else bytes(value)


@lru_cache(maxsize=256)
def _iso(value: datetime) -> str:
    # bulk loads write the same few timestamps thousands of times
    return value.astimezone(UTC).isoformat(timespec="microseconds")


SQLITE = Dialect(placeholder="?", for_update="", timestamps_as_text=True, postgres_indexes=False)
POSTGRES = Dialect(
    placeholder="%s", for_update=" FOR UPDATE", timestamps_as_text=False, postgres_indexes=True
)


class Tables:
    """Queries over some tables, run on the cursor of one open transaction."""

    def __init__(self, cursor: Cursor, dialect: Dialect) -> None:
        self._cur = cursor
        self._d = dialect

    def _exec(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._cur.execute(self._d.sql(sql), params)

    @property
    def dialect(self) -> Dialect:
        return self._d

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Run a query written with ``?`` placeholders; return every row."""
        self._exec(sql, params)
        return self._cur.fetchall()

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement written with ``?`` placeholders; return the rows it changed."""
        self._exec(sql, params)
        return int(self._cur.rowcount)

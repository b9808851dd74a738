"""SQLite only: what the contract suite cannot see (how each connection is set up, and
how a database file no store has open is examined)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from limes.store.sqlite import SqliteStore, examine


def test_every_connection_is_durable_and_checks_its_keys(sqlite_store: SqliteStore) -> None:
    conn = sqlite_store._connection()
    settings = [
        conn.execute(f"PRAGMA {name}").fetchone()[0]
        for name in ("journal_mode", "synchronous", "foreign_keys", "secure_delete")
    ]
    assert settings == ["wal", 2, 1, 1]  # synchronous 2 is FULL: a commit is on disk


def test_a_closed_database_file_is_examined(sqlite_store: SqliteStore) -> None:
    sqlite_store.close()
    path = Path(sqlite_store.path)
    assert examine(path, data_keys=True) == ("ok", [])
    assert examine(path, data_keys=False) == ("ok", [])


def test_a_file_that_is_no_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "not-a.db"
    path.write_bytes(b"this is not a database, not even a small one" * 100)
    with pytest.raises(sqlite3.DatabaseError):
        examine(path, data_keys=True)

"""The SQLite audit store: append-only by trigger, every commit durable."""

import sqlite3
from pathlib import Path

import pytest
from tests.audit.conftest import PUBLIC_KEY, entry

from limes.audit.log import AuditLog
from limes.audit.verify import verify


def test_the_file_is_append_only(file_log: AuditLog, tmp_path: Path) -> None:
    file_log.append([entry(0), entry(1)])
    file_log.checkpoint()
    conn = sqlite3.connect(tmp_path / "audit.db", isolation_level=None)
    for statement in (
        "UPDATE audit_records SET user_id = 'x'",
        "DELETE FROM audit_records WHERE seq = 1",
        "DELETE FROM audit_alerts",
        "UPDATE audit_nodes SET hash = x'00'",
        "DELETE FROM audit_nodes",
        "DELETE FROM audit_heads",
        "UPDATE audit_heads SET size = 9",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(statement)
    conn.close()
    assert verify(file_log.store, [PUBLIC_KEY]).ok


def test_the_pragmas_make_every_commit_durable(file_log: AuditLog, tmp_path: Path) -> None:
    file_log.record(entry(0))
    conn = file_log.store._connection()  # type: ignore[attr-defined]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL

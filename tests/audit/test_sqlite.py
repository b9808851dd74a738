"""The SQLite audit store: append-only by trigger, every commit durable."""

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from tests.audit.conftest import PUBLIC_KEY, entry

from limes.audit.log import AuditLog
from limes.audit.record import Outcome
from limes.audit.verify import verify


def test_the_file_is_append_only(file_log: AuditLog, tmp_path: Path) -> None:
    file_log.append([entry(0), replace(entry(1), attempt=0)])
    file_log.checkpoint()
    conn = sqlite3.connect(tmp_path / "audit.db", isolation_level=None)
    for statement in (
        "UPDATE audit_records SET user_id = 'x'",
        "DELETE FROM audit_records WHERE seq = 1",
        "DELETE FROM audit_alerts",
        "DELETE FROM audit_outcomes",
        "UPDATE audit_outcomes SET attempt = 1",
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


def test_a_log_made_before_the_outcome_index_gets_it_from_its_records(
    file_log: AuditLog, tmp_path: Path
) -> None:
    """Migration 0002 fills ``audit_outcomes`` from the outcomes kept so far."""
    attempt = replace(entry(0), outcome=Outcome.ATTEMPTED)
    seqs = file_log.append([attempt, entry(1), replace(entry(0), attempt=0), entry(2)])
    file_log.checkpoint()
    file_log.close()
    conn = sqlite3.connect(tmp_path / "audit.db", isolation_level=None)  # as before 0002
    conn.execute("DROP TABLE audit_outcomes")
    conn.execute("DELETE FROM audit_schema WHERE version = '0002_audit_outcomes'")
    conn.close()
    assert file_log.store.migrate() == ["0002_audit_outcomes"]
    with file_log.store.read() as tx:
        assert list(tx.all_outcome_rows()) == [(seqs[2], seqs[0])]
    found = verify(file_log.store, [PUBLIC_KEY])
    assert found.ok, found.findings

"""The audit log's PostgreSQL schema: an insert-only role, and triggers for its owner.

Skipped like the other PostgreSQL cases when no server is reachable (failed on CI).
"""

from __future__ import annotations

from dataclasses import replace

import psycopg
import pytest
from psycopg import sql as pgsql
from tests.audit.conftest import PUBLIC_KEY, entry

from limes.audit.log import AuditLog
from limes.audit.postgres import WRITER_ROLE
from limes.audit.record import Outcome
from limes.audit.verify import verify

pytestmark = pytest.mark.postgres


def _connect(url: str, schema: str) -> psycopg.Connection[tuple[object, ...]]:
    conn = psycopg.connect(url, autocommit=True)
    conn.execute(pgsql.SQL("SET search_path TO {}").format(pgsql.Identifier(schema)))
    return conn


def test_the_writer_role_may_insert_and_read_only(
    pg_log: AuditLog, postgres_url: str, pg_schema: str
) -> None:
    pg_log.append([entry(0), entry(1)])
    pg_log.checkpoint()
    with _connect(postgres_url, pg_schema) as conn:
        grants = conn.execute(
            "SELECT table_name, privilege_type FROM information_schema.role_table_grants "
            "WHERE grantee = %s AND table_schema = %s",
            (WRITER_ROLE, pg_schema),
        ).fetchall()
        held = {(t, p) for t, p in grants}
        assert {p for _, p in held} == {"INSERT", "SELECT"}
        assert ("audit_retention", "INSERT") not in held
        for statement in (
            "UPDATE audit_records SET user_id = 'x'",
            "DELETE FROM audit_records",
            "DELETE FROM audit_outcomes",
            "TRUNCATE audit_nodes",
            "UPDATE audit_heads SET size = 9",
        ):
            conn.execute("BEGIN")
            conn.execute(pgsql.SQL("SET LOCAL ROLE {}").format(pgsql.Identifier(WRITER_ROLE)))
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
                conn.execute(statement.encode())
            conn.execute("ROLLBACK")


def test_even_the_owner_is_refused_by_the_triggers(
    pg_log: AuditLog, postgres_url: str, pg_schema: str
) -> None:
    pg_log.append([entry(0), replace(entry(1), attempt=0)])
    pg_log.checkpoint()
    with _connect(postgres_url, pg_schema) as conn:
        for statement in (
            "UPDATE audit_records SET user_id = 'x'",
            "DELETE FROM audit_records WHERE seq = 0",
            "DELETE FROM audit_alerts",
            "DELETE FROM audit_outcomes",
            "UPDATE audit_outcomes SET attempt = 0",
            "TRUNCATE audit_records CASCADE",
            "DELETE FROM audit_nodes",
            "UPDATE audit_heads SET root = '\\x00'",
            "TRUNCATE audit_retention",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                conn.execute(statement.encode())
    assert verify(pg_log.store, [PUBLIC_KEY]).ok


def test_tampering_by_a_superuser_is_detected(
    pg_log: AuditLog, postgres_url: str, pg_schema: str
) -> None:
    pg_log.append([entry(n) for n in range(5)])
    pg_log.checkpoint()
    with _connect(postgres_url, pg_schema) as conn:
        conn.execute("SET session_replication_role = replica")  # triggers off
        conn.execute(
            "UPDATE audit_records SET data = set_byte(data, 12, get_byte(data, 12) # 1) "
            "WHERE seq = 0"
        )
        conn.execute("DELETE FROM audit_records WHERE seq = 3")
    findings = [str(f) for f in verify(pg_log.store, [PUBLIC_KEY]).findings]
    assert "record 0: its bytes do not match its leaf hash: the record was altered" in findings
    assert "record 3: is missing, and no retention run deleted it" in findings


@pytest.mark.parametrize("tampered", [False, True])
def test_a_log_made_before_the_outcome_index_gets_it_from_its_records(
    pg_log: AuditLog, postgres_url: str, pg_schema: str, tampered: bool
) -> None:
    """Migration 0002 fills ``audit_outcomes`` from the outcomes kept so far (in one
    statement); a record an intruder made unreadable gets no row (one record at a time
    then), and the migration still runs."""
    attempt = replace(entry(0), outcome=Outcome.ATTEMPTED)
    seqs = pg_log.append([attempt, entry(1), replace(entry(0), attempt=0), entry(2)])
    pg_log.checkpoint()
    pg_log.close()
    with _connect(postgres_url, pg_schema) as conn:  # as the log was before 0002
        conn.execute("DROP TABLE audit_outcomes")
        conn.execute("DELETE FROM audit_schema WHERE version = '0002_audit_outcomes'")
        if tampered:
            conn.execute("SET session_replication_role = replica")  # triggers off
            conn.execute(
                "UPDATE audit_records SET data = %s WHERE seq = %s",
                (b'\xff"attempt":1', seqs[3]),
            )
    assert pg_log.store.migrate() == ["0002_audit_outcomes"]
    with pg_log.store.read() as tx:
        assert list(tx.all_outcome_rows()) == [(seqs[2], seqs[0])]
    found = {f.subject for f in verify(pg_log.store, [PUBLIC_KEY]).findings}
    assert found == ({f"record {seqs[3]}"} if tampered else set())

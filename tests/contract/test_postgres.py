"""PostgreSQL only: what the contract suite cannot see (session settings, a failed
statement, a broken connection).
"""

from __future__ import annotations

import contextlib

import psycopg
import pytest
from tests.contract.test_alerts import record

from limes.store.postgres import PostgresStore


@pytest.mark.postgres
def test_postgres_session_settings(postgres_store: PostgresStore) -> None:
    conn = postgres_store._connection()
    row = conn.execute(
        "SELECT current_setting('synchronous_commit'), current_setting('TimeZone'), "
        "current_schemas(false)"
    ).fetchone()
    assert row == ("on", "UTC", [postgres_store.schema])
    tables = conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
        (postgres_store.schema,),
    ).fetchall()
    assert {"alerts", "change_events", "schema_migrations"} <= {t for (t,) in tables}


@pytest.mark.postgres
def test_postgres_never_commits_a_transaction_with_a_failed_statement(
    postgres_store: PostgresStore,
) -> None:
    with pytest.raises(psycopg.errors.InFailedSqlTransaction), postgres_store.transaction() as tx:
        tx.alerts.insert(record("A1"))
        with contextlib.suppress(psycopg.errors.UniqueViolation):
            tx.alerts.insert(record("A1"))
    assert postgres_store.count() == 0


@pytest.mark.postgres
def test_postgres_replaces_a_broken_connection(
    postgres_store: PostgresStore, postgres_url: str
) -> None:
    pid = postgres_store._connection().info.backend_pid
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(psycopg.OperationalError):
        postgres_store.count()
    assert postgres_store.count() == 0

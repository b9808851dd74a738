"""Stores at the schema of an earlier version, for the tests of the migrations after it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from psycopg import sql as pgsql

from limes.store import migrations
from limes.store.postgres import PostgresStore


@contextmanager
def old_postgres_store(
    url: str, before: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[PostgresStore]:
    """A PostgreSQL store migrated up to (not including) ``before``, in a schema of its
    own, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex}"
    store = PostgresStore(url, schema)
    try:
        with monkeypatch.context() as old:
            old.setattr(
                "limes.store.postgres.scripts",
                lambda dialect: [(v, s) for v, s in migrations.scripts(dialect) if v < before],
            )
            store.migrate()
        yield store
    finally:
        store.close()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(pgsql.SQL("DROP SCHEMA {} CASCADE").format(pgsql.Identifier(schema)))

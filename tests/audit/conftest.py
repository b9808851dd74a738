"""Audit logs to test: on a file, on PostgreSQL, with a fixed signing key and clock.

* ``SIGNER`` signs with a fixed Ed25519 key (``PUBLIC_KEY`` checks it).
* ``file_log`` is a log in ``<tmp>/audit.db``; ``pg_log`` one in a schema of its own on
  the test server (dropped afterwards; skipped like the ``postgres_store`` cases);
  ``each_log`` is each in turn.
* ``entry(n)`` is a plain record entry; ``tamper(path)`` opens an audit file the way an
  intruder with the file would: its triggers dropped; ``rebuild`` then rewrites its
  records with every hash and node recomputed.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from psycopg import sql as pgsql
from tests.conftest import FixedClock

from limes.audit.heads import KeySigner
from limes.audit.log import AuditLog
from limes.audit.merkle import Frontier, leaf_hash
from limes.audit.postgres import PostgresAuditStore
from limes.audit.record import Actor, AlertRef, Entry, Outcome, parse
from limes.audit.sqlite import SqliteAuditStore

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
SIGNER = KeySigner(KEY)
PUBLIC_KEY = KEY.public_key()
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33))).public_key()


def entry(n: int, user: str = "officer-1", state: str = "DE") -> Entry:
    """The record of reading alert ``A<n>`` (as ``user`` of ``state``)."""
    return Entry(
        action="alert:read",
        outcome=Outcome.ALLOWED,
        actor=Actor(user, f"SIRENE {state}", state, ("sirene_operator",)),
        purpose="sirene",
        alerts=(AlertRef(f"A{n:025d}", 1, "DE"),),
        rules=("sirene-all",),
        categories=("arrest",),
    )


def tamper(path: Path) -> sqlite3.Connection:
    """A connection to an audit file with its append-only triggers dropped."""
    conn = sqlite3.connect(path, isolation_level=None)
    names = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
    for name in names:
        conn.execute(f'DROP TRIGGER "{name}"')
    return conn


def rebuild(conn: sqlite3.Connection, datas: list[bytes]) -> None:
    """Rewrite records, indexes, leaves and nodes consistently from ``datas``; keep the heads."""
    for table in ("audit_records", "audit_alerts", "audit_outcomes", "audit_nodes"):
        conn.execute(f"DELETE FROM {table}")  # noqa: S608 - constant table names
    frontier = Frontier()
    for seq, data in enumerate(datas):
        try:
            d = parse(data)
        except ValueError:
            d = {}
        conn.execute(
            "INSERT INTO audit_records VALUES (?, ?, ?, ?, ?, ?)",
            (seq, d.get("at", ""), d.get("action", ""), d.get("user"), d.get("member_state"), data),
        )
        for ref in d.get("alerts") or []:
            if isinstance(ref, dict):
                conn.execute(
                    "INSERT OR IGNORE INTO audit_alerts VALUES (?, ?, ?)",
                    (str(ref.get("id")), seq, ref.get("state")),
                )
        if isinstance(d.get("attempt"), int):
            conn.execute("INSERT INTO audit_outcomes VALUES (?, ?)", (seq, d["attempt"]))
        for node in frontier.append(leaf_hash(data)):
            conn.execute(
                "INSERT INTO audit_nodes VALUES (?, ?, ?)", (node.level, node.index, node.hash)
            )


@pytest.fixture
def file_log(tmp_path: Path, clock: FixedClock) -> Iterator[AuditLog]:
    log = AuditLog(SqliteAuditStore(tmp_path / "audit.db"), clock=clock, signer=SIGNER)
    yield log
    log.close()


@pytest.fixture
def pg_schema(postgres_url: str) -> Iterator[str]:
    schema = f"t_{uuid.uuid4().hex}_audit"
    yield schema
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(pgsql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(pgsql.Identifier(schema)))


@pytest.fixture
def pg_log(postgres_url: str, pg_schema: str, clock: FixedClock) -> Iterator[AuditLog]:
    log = AuditLog(PostgresAuditStore(postgres_url, pg_schema), clock=clock, signer=SIGNER)
    yield log
    log.close()


@pytest.fixture(params=["file", pytest.param("pg", marks=pytest.mark.postgres)])
def each_log(request: pytest.FixtureRequest) -> AuditLog:
    found: AuditLog = request.getfixturevalue(f"{request.param}_log")
    return found

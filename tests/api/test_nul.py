"""Issue 11, finding 8: U+0000 is refused at the door as invalid input, on every store.

PostgreSQL refuses NUL in text, so a NUL that reached it answered 500 and left no
record. Each case runs on SQLite (store and audit log in files) and on PostgreSQL
(store and audit log in schemas of their own).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql as pgsql
from tests.api.helpers import TestClient, assert_problem
from tests.audit.conftest import SIGNER
from tests.conftest import FixedClock

from limes.api.app import create_app
from limes.audit.log import AuditLog
from limes.audit.postgres import PostgresAuditStore
from limes.audit.sqlite import SqliteAuditStore
from limes.bootstrap import Limes, build
from limes.config import AuthMode, Environment, Settings
from limes.identity.tokens import ensure_signing_key

DPO = "dpo-1@BfDI/DE;roles=data_protection_officer"
Door = Callable[[AuthMode], tuple[TestClient, Limes]]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def door(request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock) -> Iterator[Door]:
    """Builds the application on this store, with the audit log on the same kind of store."""
    schema = f"t_{uuid.uuid4().hex}_audit"
    if request.param == "sqlite":
        store = request.getfixturevalue("sqlite_store")
        log = AuditLog(SqliteAuditStore(tmp_path / "audit.db"), clock=clock, signer=SIGNER)
    else:
        store = request.getfixturevalue("postgres_store")
        url = request.getfixturevalue("postgres_url")
        log = AuditLog(PostgresAuditStore(url, schema), clock=clock, signer=SIGNER)

    def make(auth: AuthMode) -> tuple[TestClient, Limes]:
        settings = Settings(
            var_dir=tmp_path / "var",
            environment=Environment.DEVELOPMENT,
            auth=auth,
            test_only_weak_password_hashing=True,
            test_only_fixed_keyring=True,
        )
        ensure_signing_key(settings.token_key_path)
        limes = build(settings, store=store, clock=clock, audit=log)
        return TestClient(create_app(limes), raise_server_exceptions=False), limes

    yield make
    log.close()
    if request.param == "postgres":
        with psycopg.connect(request.getfixturevalue("postgres_url"), autocommit=True) as conn:
            drop = pgsql.SQL("DROP SCHEMA IF EXISTS {} CASCADE")
            conn.execute(drop.format(pgsql.Identifier(schema)))


def test_a_nul_in_a_login_username_is_invalid_input(door: Door) -> None:
    api, limes = door(AuthMode.TOKENS)
    before = limes.audit.size()
    body = {"username": "guard\u00001", "password": "correct horse battery", "totp": "123456"}
    answer = api.post("/v1/auth/login", json=body)
    problem = assert_problem(answer, 400, "invalid-input")
    assert problem["errors"] == [{"pointer": "/username", "detail": "holds U+0000 (NUL)"}]
    assert limes.audit.size() == before


def test_a_nul_in_the_audit_query_is_invalid_input(door: Door) -> None:
    api, _ = door(AuthMode.UNSAFE_DEV_HEADERS)
    headers = {"X-Limes-Unsafe-Principal": DPO, "X-Limes-Purpose": "data_protection"}
    answer = api.get("/v1/audit/records", params={"user": "guard\u00001"}, headers=headers)
    problem = assert_problem(answer, 400, "invalid-input")
    assert problem["errors"] == [{"pointer": "/query/user", "detail": "holds U+0000 (NUL)"}]
    good = api.get("/v1/audit/records", params={"user": "guard-1"}, headers=headers)
    assert good.status_code in (200, 404), good.text  # the door still answers after it


def test_a_nul_in_a_key_or_a_nested_string_is_found_where_it_is() -> None:
    from limes import codec
    from limes.api.routes.auth import LoginRequest
    from limes.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        codec.parse(LoginRequest, b'{"user\\u0000": 1, "totp": ["a", "\\u0000"]}')
    assert [e.pointer for e in refused.value.errors] == ["/totp/1", "/user\x00"]
    # an escaped backslash before u0000 is not a NUL
    with pytest.raises(InvalidInput) as other:
        codec.parse(LoginRequest, b'{"username": "a\\\\u0000"}')
    assert "U+0000" not in other.value.detail

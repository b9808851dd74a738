"""Fixtures shared by the whole suite: stores, a clock the test controls, principals.

* ``store`` runs a test once per adapter (``sqlite``, ``postgres``); ``sqlite_store``
  and ``postgres_store`` give one of them. Each is migrated, empty and private to the
  test function.
* PostgreSQL is reached at ``LIMES_TEST_POSTGRES_URL`` (default: the local server as
  user ``postgres``). Each test gets a schema ``t_<uuid>`` of its own, dropped
  afterwards. Without a reachable server the postgres cases are skipped with the
  reason, except where ``CI=true``: CI has the server, so there they fail.
* ``clock`` is a ``FixedClock``: pass it to a service and time moves only when the
  test says so.
* ``fixed_crypto(store)`` is the encryption at rest of a store under the published
  test-only keyring (``TEST_KEYRING``): real AES-GCM and HMAC with fixed keys, for
  services built by hand; ``build(..., keyring=TEST_KEYRING)`` for whole applications.
  ``memory_audit(clock)`` is an audit log in memory for services built by hand.
* ``service`` is the account service on SQLite with a fixed clock; ``each_store`` the
  same on each store adapter in turn, for the cases whose outcome depends on the store
  (time windows, bulk updates, rollback).
* ``built(store, clock, **settings)`` is the whole application as ``bootstrap.build``
  wires it (``dev_settings(**settings)``, the fixed keyring, an audit log in memory
  unless ``audit`` is given): use cases are tested through it, not wired by hand.
* ``var``, ``run`` and ``initialised`` drive the CLI through click's runner on a
  private var folder: ``run("alert", "get", …, input=…, env=…)``, in development with
  every other ``LIMES_*`` setting unset; ``initialised`` has run ``limes init``.
* ``ctx_factory("FR", Role.POLICE_OFFICER, purpose=Purpose.POLICE_CHECK)`` builds the
  ``Context`` a use case takes; with no arguments, a SIRENE operator of DE. The
  principal holds the purposes the policy table names for its roles and
  ``CLEARANCE`` (valid until 2100), unless ``purposes`` or ``clearance`` say otherwise.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner, Result
from psycopg import sql as pgsql
from tests.cli.helpers import Run
from tests.identity.helpers import WEAK

from limes.audit.log import AuditLog
from limes.audit.sqlite import SqliteAuditStore
from limes.bootstrap import Limes, build
from limes.cli.main import cli
from limes.config import AuthMode, Environment, Settings
from limes.crypto import Crypto, open_crypto
from limes.crypto.keyring import test_only_fixed_keyring
from limes.domain.roles import Clearance, Purpose, Role
from limes.policy.permissions import Context, Principal
from limes.policy.policy import Policy
from limes.policy.table import default_table
from limes.service.accounts import AccountService
from limes.service.breakglass import BreakGlassService
from limes.setting_texts import redacted
from limes.store.port import Store
from limes.store.postgres import PostgresStore
from limes.store.sqlite import SqliteStore

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
CLEARANCE = Clearance("SECRET", "VET-TEST-0001", datetime(2100, 1, 1, tzinfo=UTC))
_DEFAULT_CLEARANCE = object()
TEST_KEYRING = test_only_fixed_keyring()


def fixed_crypto(store: Store) -> Crypto:
    """Encryption at rest for ``store`` under ``TEST_KEYRING``."""
    return open_crypto(store, TEST_KEYRING)


def memory_audit(clock: Callable[[], datetime] | None = None) -> AuditLog:
    """An audit log in memory (real records and tree, no signing key) for services built
    by hand; ``tests/audit`` tests the log itself on files and both databases."""
    return AuditLog(SqliteAuditStore(":memory:"), clock=clock or (lambda: datetime.now(UTC)))


def break_glass(store: Store, clock: Callable[[], datetime]) -> BreakGlassService:
    """Break-glass by hand under the real policy table (operators ask, the DPO decides),
    sealing its reasons under the fixed test keys as the server does."""
    return BreakGlassService(
        store,
        Policy(clock=clock).require,
        clock,
        audit=memory_audit(clock),
        fields=fixed_crypto(store).fields,
    )


class FixedClock:
    """A ``limes.clock.Clock`` for services and tests that stands still.

    It starts at ``START`` (microseconds included, so that tests notice when a store
    drops them) and moves only with ``set`` and ``advance``. Always UTC.
    """

    START = datetime(2026, 6, 1, 8, 30, 0, 123456, tzinfo=UTC)
    now: datetime

    def __init__(self, now: datetime = START) -> None:
        self.set(now)

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.now = moment.astimezone(UTC)
        return self.now

    def advance(self, delta: timedelta = timedelta(0), /, **parts: float) -> datetime:
        """Move forward by ``delta`` and/or ``timedelta(**parts)``; return the new time."""
        self.now += delta + timedelta(**parts)
        return self.now


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


def make_ctx(
    state: str = "DE",
    *roles: Role,
    purpose: Purpose = Purpose.SIRENE,
    user: str = "officer-1",
    authority: str | None = None,
    purposes: frozenset[Purpose] | None = None,
    clearance: Clearance | object | None = _DEFAULT_CLEARANCE,
) -> Context:
    """A principal of ``state`` with ``roles`` (default: SIRENE operator) acting for ``purpose``.

    It holds ``purposes`` (default: those the policy table names for its roles) and
    ``clearance`` (default: ``CLEARANCE``; None for none).
    """
    held = frozenset(roles or (Role.SIRENE_OPERATOR,))
    principal = Principal(
        user_id=user,
        member_state=state,
        authority=authority or f"SIRENE {state}",
        roles=held,
        purposes=default_table().purposes_of(held) if purposes is None else purposes,
        clearance=CLEARANCE if clearance is _DEFAULT_CLEARANCE else clearance,  # type: ignore[arg-type]
    )
    return Context(principal, purpose)


CtxFactory = Callable[..., Context]


@pytest.fixture
def ctx_factory() -> CtxFactory:
    """``make_ctx`` as a fixture: ``ctx_factory(state, *roles, purpose=…, user=…)``."""
    return make_ctx


# -- stores ------------------------------------------------------------------------------


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SqliteStore]:
    store = SqliteStore(tmp_path / "limes.db")
    store.migrate()
    yield store
    store.close()


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The test server's URL, checked once per session (skip, or fail on CI, if down)."""
    url = os.environ.get("LIMES_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    try:
        with psycopg.connect(url, connect_timeout=3):
            pass
    except psycopg.Error as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        message = f"PostgreSQL is not reachable at {redacted(url)}: {reason}"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return url


@pytest.fixture
def postgres_store(postgres_url: str) -> Iterator[PostgresStore]:
    schema = f"t_{uuid.uuid4().hex}"
    store = PostgresStore(postgres_url, schema)
    try:
        store.migrate()
        yield store
    finally:
        stop_followers()
        store.close()
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(
                pgsql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(pgsql.Identifier(schema))
            )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> Store:
    """Each store adapter in turn, migrated and empty."""
    found: Store = request.getfixturevalue(f"{request.param}_store")
    return found


# -- services built by hand ----------------------------------------------------------------


@pytest.fixture
def service(sqlite_store: SqliteStore, clock: FixedClock) -> AccountService:
    secrets, audit = fixed_crypto(sqlite_store).fields, memory_audit(clock)
    return AccountService(
        sqlite_store, Policy(clock=clock), WEAK, clock, secrets=secrets, audit=audit
    )


@pytest.fixture
def each_store(store: Store, clock: FixedClock) -> AccountService:
    """The account service on each store adapter in turn (the ``store`` fixture)."""
    secrets, audit = fixed_crypto(store).fields, memory_audit(clock)
    return AccountService(store, Policy(clock=clock), WEAK, clock, secrets=secrets, audit=audit)


# -- the application as bootstrap.build wires it ------------------------------------------


def dev_settings(**changes: object) -> Settings:
    """Development settings with the fixed test keyring and the unsafe principal header,
    and ``changes`` (``Settings`` fields) on top."""
    fields: dict[str, object] = {
        "var_dir": Path("unused"),
        "environment": Environment.DEVELOPMENT,
        "auth": AuthMode.UNSAFE_DEV_HEADERS,
        "test_only_fixed_keyring": True,
        "search_snapshot_seconds": 0,  # no snapshot file unless a test asks for one
    }
    return Settings(**(fields | changes))  # type: ignore[arg-type]  # fields by name


def built(
    store: Store,
    clock: Callable[[], datetime],
    *,
    audit: AuditLog | None = None,
    crypto: Crypto | None = None,
    **settings: object,
) -> Limes:
    """Every service over ``store`` and ``clock``, wired by ``bootstrap.build`` as the server
    does, under ``TEST_KEYRING`` (or ``crypto``) and with ``audit`` (default: in memory)."""
    limes = build(
        dev_settings(**settings),
        store=store,
        clock=clock,
        keyring=TEST_KEYRING,
        crypto=crypto,
        audit=audit or memory_audit(clock),
    )
    _BUILT.append(limes)
    return limes


# Every ``Limes`` a test built by hand; its search index may follow the change feed in a
# thread of its own, which must stop before the test's store goes (a follower left running
# on a dropped PostgreSQL schema logs "relation change_events does not exist" into later
# tests). The store itself belongs to its fixture, which closes it.
_BUILT: list[Limes] = []


def stop_followers() -> None:
    while _BUILT:
        _BUILT.pop().search.engine.stop()


@pytest.fixture(autouse=True)
def _followers_stop_with_their_test() -> Iterator[None]:
    yield
    stop_followers()


# -- the CLI through click's runner -----------------------------------------------------


@pytest.fixture
def var(tmp_path: Path) -> Path:
    return tmp_path / "var"


@pytest.fixture
def run(var: Path) -> Run:
    """Invoke ``limes --var <tmp> ARGS…``; ``input`` feeds stdin, ``env`` adds variables.

    In development (the alert commands take the asserted ``--as`` principal as given;
    tests/cli/test_proof.py covers production), every other ``LIMES_*``
    variable of this process unset.
    """
    unset = dict.fromkeys(name for name in os.environ if name.startswith("LIMES_"))
    runner = CliRunner(env={**unset, "LIMES_ENV": "development"})

    def invoke(
        *args: str, input: str | bytes | None = None, env: dict[str, str] | None = None
    ) -> Result:
        return runner.invoke(cli, ["--var", str(var), *args], input=input, env=env)

    return invoke


@pytest.fixture
def initialised(run: Run) -> Run:
    result = run("init")
    assert result.exit_code == 0, result.output
    return run

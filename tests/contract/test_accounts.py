"""``tx.accounts`` behaves the same on every store (run once per adapter via ``store``).

The repository keeps an account as it is given, TOTP secret included: sealing it is
the service's job (``tests/service/test_account_records.py``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from limes.domain.accounts import Account, AccountKind, AccountState, Session
from limes.domain.roles import Clearance, Purpose, Role
from limes.errors import Conflict
from limes.store.port import Accounts, Store

T0 = datetime(2026, 6, 1, 8, 30, 0, 123456, tzinfo=UTC)
US = timedelta(microseconds=1)
CONSTRAINT = (sqlite3.IntegrityError, psycopg.errors.CheckViolation)


def account(account_id: str = "A1", username: str = "guard-1", **changes: object) -> Account:
    base = Account(
        id=account_id,
        username=username,
        kind=AccountKind.USER,
        member_state="DE",
        authority="BPOL",
        roles=frozenset({Role.BORDER_GUARD, Role.POLICE_OFFICER}),
        purposes=frozenset({Purpose.BORDER_CHECK, Purpose.POLICE_CHECK}),
        state=AccountState.ACTIVE,
        state_changed_at=T0,
        created_at=T0,
        last_used_at=T0,
        password_hash="$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA",
        totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def client(account_id: str = "C1", username: str = "gateway", **changes: object) -> Account:
    return account(
        account_id,
        username,
        kind=AccountKind.CLIENT,
        roles=frozenset({Role.SYSTEM_CLIENT}),
        password_hash=None,
        totp_secret=None,
        **changes,
    )


class AccountStore:
    """``tx.accounts`` of a write transaction or of a read snapshot."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @contextmanager
    def write(self) -> Iterator[Accounts]:
        with self.store.transaction() as tx:
            yield tx.accounts

    @contextmanager
    def read(self) -> Iterator[Accounts]:
        with self.store.read() as tx:
            yield tx.accounts


@pytest.fixture
def accounts(store: Store) -> AccountStore:
    return AccountStore(store)


def insert(accounts: AccountStore, *items: Account) -> None:
    with accounts.write() as tx:
        for a in items:
            tx.insert(a)


def test_round_trip_keeps_every_field(accounts: AccountStore) -> None:
    full = account(
        clearance=Clearance("SECRET", "BfV-2026-1", T0 + timedelta(days=400, microseconds=7)),
        totp_last_step=59_000_123_456,
        oidc_issuer="https://idp.example.de",
        oidc_subject="f:1234",
        state=AccountState.LOCKED,
        state_reason="5 failed logins",
        last_used_at=T0 + US,
    )
    gateway = client(certificate_sha256="ab" * 32)
    insert(accounts, full, gateway)

    with accounts.read() as tx:
        assert tx.get("A1") == full
        assert tx.by_username("guard-1") == full
        assert tx.by_oidc("https://idp.example.de", "f:1234") == full
        assert tx.by_certificate("ab" * 32) == gateway
        assert tx.get("missing") is None
        assert tx.by_oidc("https://idp.example.de", "other") is None
        assert [a.username for a in tx.list()] == ["gateway", "guard-1"]
        assert tx.list("FR") == []


def test_the_totp_secret_is_kept_as_given(accounts: AccountStore) -> None:
    sealed = "not-a-secret-but-an-envelope-the-store-does-not-open"
    insert(accounts, account(totp_secret=sealed))
    with accounts.read() as tx:
        found = tx.get("A1")
    assert found is not None and found.totp_secret == sealed


@pytest.mark.parametrize(
    ("second", "message"),
    [
        (account("A2", "guard-1"), "username guard-1 is taken"),
        (client("C2", "other", certificate_sha256="ab" * 32), "certificate"),
        (account("A3", "x", oidc_issuer="https://i", oidc_subject="s"), "provider subject"),
    ],
)
def test_unique_values_conflict(accounts: AccountStore, second: Account, message: str) -> None:
    insert(
        accounts,
        account(oidc_issuer="https://i", oidc_subject="s"),
        client(certificate_sha256="ab" * 32),
    )
    with pytest.raises(Conflict, match=message):
        insert(accounts, second)
    with accounts.read() as tx:
        assert len(tx.list()) == 2


def test_the_schema_refuses_a_user_without_second_factor(accounts: AccountStore) -> None:
    with pytest.raises(CONSTRAINT, match=r"(?i)check"):
        insert(accounts, account(totp_secret=None))
    with pytest.raises(CONSTRAINT, match=r"(?i)check"):
        insert(accounts, replace(client(), password_hash="$argon2id$x"))
    with accounts.read() as tx:
        assert tx.list() == []


def test_replace_and_touch(accounts: AccountStore) -> None:
    insert(accounts, account())
    changed = account(roles=frozenset({Role.VISA_OFFICER}), purposes=frozenset({Purpose.VISA}))
    with accounts.write() as tx:
        tx.replace(changed)
        tx.touch("A1", T0 + timedelta(seconds=40))
        tx.touch("A1", T0 + timedelta(seconds=10))  # earlier: ignored
    with accounts.read() as tx:
        found = tx.get("A1")
    assert found == replace(changed, last_used_at=T0 + timedelta(seconds=40))


def test_a_failed_transaction_writes_nothing(accounts: AccountStore) -> None:
    with pytest.raises(RuntimeError), accounts.write() as tx:
        tx.insert(account())
        tx.add_failure("A1", T0)
        raise RuntimeError("boom")
    with accounts.read() as tx:
        assert tx.get("A1") is None


def test_failures_are_counted_strictly_after_a_moment(accounts: AccountStore) -> None:
    insert(accounts, account(), account("A2", "other"))
    with accounts.write() as tx:
        for minutes in (0, 5, 10):
            tx.add_failure("A1", T0 + timedelta(minutes=minutes))
        tx.add_failure("A2", T0)
    with accounts.read() as tx:
        assert tx.failures_after("A1", T0 - US) == 3
        assert tx.failures_after("A1", T0) == 2
        assert tx.failures_after("A2", T0 - US) == 1
    with accounts.write() as tx:
        assert tx.prune_failures(T0 + timedelta(minutes=5)) == 3
        tx.clear_failures("A1")
    with accounts.read() as tx:
        assert tx.failures_after("A1", T0 - US) == 0


def test_sessions(accounts: AccountStore) -> None:
    insert(accounts, account())
    first = Session("S1", "A1", T0, T0)
    second = Session("S2", "A1", T0 + US, T0 + US)
    with accounts.write() as tx:
        tx.insert_session(first)
        tx.insert_session(second)
        tx.touch_session("S1", T0 + timedelta(seconds=31))
    with accounts.read() as tx:
        assert tx.session("S1") == replace(first, last_seen_at=T0 + timedelta(seconds=31))
        assert tx.session("nope") is None
    with accounts.write() as tx:
        assert tx.end_session("S1", T0 + timedelta(minutes=1), "logout") is True
        assert tx.end_session("S1", T0 + timedelta(minutes=2), "logout") is False
        tx.touch_session("S1", T0 + timedelta(minutes=3))  # an ended session stays ended
    with accounts.read() as tx:
        ended = tx.session("S1")
        assert ended is not None
        assert (ended.ended_at, ended.end_reason) == (T0 + timedelta(minutes=1), "logout")
        assert ended.last_seen_at == T0 + timedelta(seconds=31)
    with accounts.write() as tx:
        assert tx.end_sessions("A1", T0 + timedelta(minutes=5), "disabled") == 1
    with accounts.read() as tx:
        assert [s.end_reason for s in tx.sessions("A1")] == ["logout", "disabled"]


def test_idle_sessions_end_in_bulk(accounts: AccountStore) -> None:
    insert(accounts, account())
    with accounts.write() as tx:
        tx.insert_session(Session("S1", "A1", T0, T0))
        tx.insert_session(Session("S2", "A1", T0, T0 + timedelta(minutes=1)))
    with accounts.write() as tx:
        assert tx.end_idle_sessions(T0, T0 + timedelta(minutes=15)) == 1
    with accounts.read() as tx:
        assert [s.end_reason for s in tx.sessions("A1")] == ["idle", None]


def test_unused_since_skips_disabled_accounts(accounts: AccountStore) -> None:
    insert(
        accounts,
        account("A1", "old", last_used_at=T0),
        account("A2", "older-locked", last_used_at=T0 - US, state=AccountState.LOCKED),
        account("A3", "old-disabled", last_used_at=T0 - US, state=AccountState.DISABLED),
        account("A4", "recent", last_used_at=T0 + US),
    )
    with accounts.read() as tx:
        assert [a.username for a in tx.unused_since(T0)] == ["old", "older-locked"]

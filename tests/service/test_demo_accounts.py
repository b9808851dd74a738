"""Demo console accounts: made on a development installation, new credentials at each
issue, refused in production, the TOTP secret sealed at rest."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import FixedClock, dev_settings

from limes.audit.heads import ensure_audit_key
from limes.bootstrap import Limes, build
from limes.config import Environment, SettingsError
from limes.domain.accounts import AccountKind, NewAccount
from limes.domain.roles import Purpose, Role
from limes.errors import Unauthenticated
from limes.identity import totp
from limes.service.demo_accounts import DEMO_USERS, DemoAccounts


@pytest.fixture
def limes(tmp_path: Path, clock: FixedClock) -> Iterator[Limes]:
    settings = dev_settings(var_dir=tmp_path / "var", test_only_weak_password_hashing=True)
    settings.var_dir.mkdir(mode=0o700)
    ensure_audit_key(settings.audit_key_path)
    found = build(settings, clock=clock)
    found.store.migrate()
    yield found
    found.close()


def _login(limes: Limes, username: str, password: str, secret: str) -> None:
    code = totp.code_at(secret, limes.accounts.clock())
    limes.accounts.login(username, password, code, None)


def test_demo_users_are_made_and_log_in_with_their_credentials(limes: Limes) -> None:
    issued = DemoAccounts(limes.accounts, Environment.DEVELOPMENT).issue_all()
    assert [c.user.username for c in issued] == [u.username for u in DEMO_USERS]
    assert all(c.created for c in issued)
    roles = {c.user.role for c in issued}
    assert {Role.BORDER_GUARD, Role.SIRENE_OPERATOR, Role.DATA_PROTECTION_OFFICER} <= roles
    for c in issued:
        _login(limes, c.user.username, c.password, c.totp_secret)
        with limes.accounts.accounts.read() as tx:
            account = tx.by_username(c.user.username)
        assert account is not None and account.clearance is not None
        assert account.clearance.vetting_reference.startswith("none: development demo")
        assert account.member_state == c.user.member_state


def test_issuing_again_replaces_the_credentials(limes: Limes) -> None:
    demo = DemoAccounts(limes.accounts, Environment.DEVELOPMENT)
    guard = DEMO_USERS[0]
    first = demo.issue(guard)
    second = demo.issue(guard)
    assert not second.created
    assert (first.password, first.totp_secret) != (second.password, second.totp_secret)
    with pytest.raises(Unauthenticated):
        _login(limes, guard.username, first.password, second.totp_secret)
    _login(limes, guard.username, second.password, second.totp_secret)
    assert demo.totp_code(guard.username) == totp.code_at(
        second.totp_secret, limes.accounts.clock()
    )


def test_production_is_refused_and_nothing_is_written(limes: Limes) -> None:
    demo = DemoAccounts(limes.accounts, Environment.PRODUCTION)
    with pytest.raises(SettingsError, match="development installations only"):
        demo.issue_all()
    with pytest.raises(SettingsError):
        demo.totp_code(DEMO_USERS[0].username)
    with limes.accounts.accounts.read() as tx:
        assert all(tx.by_username(u.username) is None for u in DEMO_USERS)


def test_an_account_that_is_not_the_demos_is_left_alone(limes: Limes) -> None:
    from tests.identity.helpers import CLEARANCE, admit, enrol, founders

    founders(limes.accounts, "DE")
    new = NewAccount(
        "demo-guard",
        AccountKind.USER,
        "DE",
        "SIRENE",
        frozenset({Role.SIRENE_OPERATOR}),
        frozenset({Purpose.SIRENE}),
        CLEARANCE,
    )
    enrol(limes.accounts, admit(limes.accounts, "op-de", "op-de-2", new), "demo-guard")
    with pytest.raises(SettingsError, match="not the demo's"):
        DemoAccounts(limes.accounts, Environment.DEVELOPMENT).issue(DEMO_USERS[0])


def test_the_totp_secret_is_sealed_at_rest(limes: Limes, tmp_path: Path) -> None:
    issued = DemoAccounts(limes.accounts, Environment.DEVELOPMENT).issue_all()
    limes.close()
    stored = b"".join(p.read_bytes() for p in (tmp_path / "var").glob("limes.db*"))
    assert stored, "the store is a file in the var folder"
    for c in issued:
        assert c.totp_secret.encode() not in stored
        assert c.password.encode() not in stored

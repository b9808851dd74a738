"""Logging in and the sessions it opens: idle and absolute limits, logout, and tokens
that must name their session (``service/sessions.py``), on each store where it matters."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.conftest import FixedClock
from tests.identity.helpers import CLEARANCE, PASSWORD, add_client, code, seed

from limes.domain.roles import Purpose, Role
from limes.identity.tokens import TokenRefused
from limes.service.accounts import AccountService
from limes.service.sessions import LOGIN_REFUSED, LoginRefused


def test_login_opens_a_session(service: AccountService, clock: FixedClock) -> None:
    _, user = seed(service)
    done = service.login("guard-1", PASSWORD, code(user, clock.now))

    assert done.account.id == user.id
    assert done.session.account_id == user.id
    assert done.session.last_seen_at == clock.now
    principal = service.principal_for_token(user.id, done.session.id)
    assert principal.session_id == done.session.id
    assert principal.clearance == CLEARANCE
    assert principal.purposes == {Purpose.BORDER_CHECK}


def test_every_refusal_reads_the_same(service: AccountService, clock: FixedClock) -> None:
    _, user = seed(service)
    add_client(service)
    good_code = code(user, clock.now)
    causes = []
    for username, password, totp_code in [
        ("guard-1", "wrong password 123", good_code),  # wrong password
        ("guard-1", PASSWORD, "123456" if good_code != "123456" else "654321"),  # wrong code
        ("nobody", PASSWORD, good_code),  # unknown user
        ("eu-lisa-gw", PASSWORD, good_code),  # a system client does not log in
    ]:
        with pytest.raises(LoginRefused) as refused:
            service.login(username, password, totp_code)
        assert refused.value.detail == LOGIN_REFUSED
        causes.append(refused.value.cause)
    assert causes == [
        "wrong password",
        "wrong, old or reused TOTP code",
        "no such user",
        "no such user",
    ]


def test_a_code_is_accepted_once(each_store: AccountService, clock: FixedClock) -> None:
    _, user = seed(each_store)
    each_store.login("guard-1", PASSWORD, code(user, clock.now))

    with pytest.raises(LoginRefused, match="not accepted") as replayed:
        each_store.login("guard-1", PASSWORD, code(user, clock.now))
    assert replayed.value.cause == "wrong, old or reused TOTP code"
    clock.advance(seconds=30)
    each_store.login("guard-1", PASSWORD, code(user, clock.now))  # the next step is fine


def test_a_session_ends_12_hours_after_login_however_busy(
    each_store: AccountService, clock: FixedClock
) -> None:
    _, user = seed(each_store)
    session = each_store.login("guard-1", PASSWORD, code(user, clock.now)).session
    for _ in range(12 * 6 - 1):
        clock.advance(minutes=10)
        each_store.principal_for_token(user.id, session.id)
    clock.advance(minutes=10, microseconds=-1)
    each_store.principal_for_token(user.id, session.id)  # 1 µs short of 12 hours
    clock.advance(microseconds=1)
    with pytest.raises(TokenRefused, match="limit of 12 hours"):
        each_store.principal_for_token(user.id, session.id)
    with pytest.raises(TokenRefused, match=r"ended \(lifetime\)"):
        each_store.principal_for_token(user.id, session.id)


def test_the_sweep_ends_sessions_past_their_lifetime(
    service: AccountService, clock: FixedClock
) -> None:
    _, user = seed(service)
    service.session_lifetime = timedelta(hours=1)  # as LIMES_SESSION_MAX_HOURS=1 sets it
    session = service.login("guard-1", PASSWORD, code(user, clock.now)).session
    for _ in range(5):
        clock.advance(minutes=10)
        service.principal_for_token(user.id, session.id)
    clock.advance(minutes=10)
    assert service.sweep(clock.now).sessions_ended == 1
    with service.accounts.read() as tx:
        assert tx.session(session.id).end_reason == "lifetime"  # type: ignore[union-attr]


def test_a_session_ends_after_exactly_15_idle_minutes(
    each_store: AccountService, clock: FixedClock
) -> None:
    _, user = seed(each_store)
    session = each_store.login("guard-1", PASSWORD, code(user, clock.now)).session

    clock.advance(minutes=15, microseconds=-1)
    each_store.principal_for_token(user.id, session.id)  # seen: idle time starts again
    clock.advance(minutes=15, microseconds=-1)
    each_store.principal_for_token(user.id, session.id)
    clock.advance(minutes=15)
    with pytest.raises(TokenRefused, match="15 minutes without a request"):
        each_store.principal_for_token(user.id, session.id)
    clock.advance(seconds=1)
    with pytest.raises(TokenRefused, match=r"session has ended \(idle\)"):
        each_store.principal_for_token(user.id, session.id)


def test_last_seen_is_written_at_most_every_30_seconds(
    each_store: AccountService, clock: FixedClock
) -> None:
    _, user = seed(each_store)
    start = clock.now
    session = each_store.login("guard-1", PASSWORD, code(user, clock.now)).session

    clock.advance(seconds=29)
    each_store.principal_for_token(user.id, session.id)
    with each_store.accounts.read() as tx:
        assert tx.session(session.id).last_seen_at == start  # type: ignore[union-attr]
    clock.advance(seconds=1)
    each_store.principal_for_token(user.id, session.id)
    with each_store.accounts.read() as tx:
        assert tx.session(session.id).last_seen_at == start + timedelta(seconds=30)  # type: ignore[union-attr]


def test_logout_ends_the_session(service: AccountService, clock: FixedClock) -> None:
    _, user = seed(service)
    session = service.login("guard-1", PASSWORD, code(user, clock.now)).session
    service.logout(service.principal_for_token(user.id, session.id))

    with pytest.raises(TokenRefused, match=r"ended \(logout\)"):
        service.principal_for_token(user.id, session.id)
    with pytest.raises(TokenRefused):
        service.live_session(session.id)


def test_sessions_and_accounts_must_match(service: AccountService, clock: FixedClock) -> None:
    op, user = seed(service)
    session = service.login("guard-1", PASSWORD, code(user, clock.now)).session
    gateway = add_client(service)

    with pytest.raises(TokenRefused, match="must name its session"):
        service.principal_for_token(user.id, None)
    with pytest.raises(TokenRefused, match="session is not known"):
        service.principal_for_token(op.id, session.id)
    with pytest.raises(TokenRefused, match="names no session"):
        service.principal_for_token(gateway.id, session.id)
    with pytest.raises(TokenRefused, match="no account"):
        service.principal_for_token("01J0000000000000000000000", None)
    assert service.principal_for_token(gateway.id, None).roles == {Role.SYSTEM_CLIENT}

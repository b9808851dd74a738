"""Failed logins are slowed, never locked: the limits answer before any password hash,
one hash runs at a time, and the holder of a guessed username still gets in
(``service/login_limits.py``)."""

from __future__ import annotations

import pytest
from tests.conftest import FixedClock
from tests.identity.helpers import PASSWORD, code, fail, seed, stored
from tests.store_peek import peek

from limes.domain.accounts import AccountState
from limes.errors import RateLimited
from limes.service.accounts import AccountService
from limes.service.login_limits import ADDRESS_FREE, USERNAME_FREE, HashGate
from limes.service.sessions import LoginRefused


def test_failed_logins_never_lock_the_account_nor_end_its_sessions(
    each_store: AccountService, clock: FixedClock
) -> None:
    _, user = seed(each_store)
    session = each_store.login("guard-1", PASSWORD, code(user, clock.now), "192.0.2.1").session
    for i in range(40):  # from 40 addresses: no address limit applies
        with pytest.raises((LoginRefused, RateLimited)):
            each_store.login("guard-1", "wrong password, sorry", "000000", f"198.51.100.{i}")
        clock.advance(seconds=20)

    assert stored(each_store, "guard-1").state is AccountState.ACTIVE
    each_store.principal_for_token(user.id, session.id)  # the holder's session lives on
    each_store.login("guard-1", PASSWORD, code(user, clock.now), "192.0.2.1")


def test_login_limits_answer_before_any_hash_on_each_store(
    each_store: AccountService, clock: FixedClock
) -> None:
    _, user = seed(each_store)
    address = "203.0.113.9"
    for i in range(ADDRESS_FREE):
        with pytest.raises(LoginRefused):
            each_store.login(f"nobody-{i}", "wrong password 123", "000000", address)
    with pytest.raises(RateLimited) as waiting:  # even with the right credentials
        each_store.login("guard-1", PASSWORD, code(user, clock.now), address)
    assert waiting.value.retry_after == 1
    clock.advance(seconds=1)
    each_store.login("guard-1", PASSWORD, code(user, clock.now), address)

    for i in range(USERNAME_FREE):
        with pytest.raises(LoginRefused):
            each_store.login("guard-1", "wrong password 123", "000000", f"198.51.100.{i}")
    with pytest.raises(RateLimited, match="only an attempt with a valid code"):
        each_store.login("guard-1", PASSWORD, "000000", "198.51.100.99")
    clock.advance(seconds=30)
    each_store.login("guard-1", PASSWORD, code(user, clock.now), "192.0.2.1")

    clock.advance(hours=1)
    each_store.sweep(clock.now)
    with each_store.accounts.store.read() as tx:
        assert peek(tx).rows("SELECT count(*) FROM login_limits")[0][0] == 0


def test_one_password_check_at_a_time_and_the_rest_answered_at_once(
    service: AccountService, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, user = seed(service)
    hashed: list[str] = []
    monkeypatch.setattr(service.passwords, "verify", lambda stored, pw: hashed.append(pw) or False)
    for waiting, wait_seconds in ((0, 5.0), (1, 0.01)):  # no queue; a queue that times out
        service.limits.gate = HashGate(at_once=1, waiting=waiting, wait_seconds=wait_seconds)
        with service.limits.gate.slot():  # another login is checking its password
            with pytest.raises(RateLimited, match="checking other logins"):
                service.login("guard-1", PASSWORD, code(user, clock.now), "192.0.2.1")
    assert hashed == []
    with pytest.raises(LoginRefused):  # the slot is free again
        service.login("guard-1", PASSWORD, code(user, clock.now), "192.0.2.1")
    assert hashed == [PASSWORD]


def test_five_failures_over_16_minutes_do_not_lock(
    each_store: AccountService, clock: FixedClock
) -> None:
    _, user = seed(each_store)
    for minute in range(5):  # at 0, 4, 8, 12 and 16 minutes
        fail(each_store)
        if minute < 4:
            clock.advance(minutes=4)

    assert stored(each_store, "guard-1").state is AccountState.ACTIVE
    each_store.login("guard-1", PASSWORD, code(user, clock.now))


def test_a_good_login_forgets_earlier_failures(service: AccountService, clock: FixedClock) -> None:
    _, user = seed(service)
    for _ in range(4):
        fail(service)
    service.login("guard-1", PASSWORD, code(user, clock.now))
    for _ in range(4):
        fail(service)
    assert stored(service, "guard-1").state is AccountState.ACTIVE

"""Account use cases on each store: release, disuse, changes that apply at once, rules,
and the other doors (certificates, identity providers). Logging in and sessions are
``test_sessions.py``; the limits on failed logins ``test_login_limits.py``."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from tests.conftest import FixedClock
from tests.identity.helpers import (
    PASSWORD,
    add_client,
    admit,
    agree,
    client,
    code,
    fail,
    guard,
    operator,
    seed,
    stored,
)

from limes.domain.accounts import AccountState
from limes.domain.roles import Clearance, Purpose, Role
from limes.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from limes.identity.oidc import OidcIdentity
from limes.identity.tokens import TokenRefused
from limes.policy.permissions import Context, Principal
from limes.service.accounts import AccountService
from limes.service.sessions import LoginRefused

US = timedelta(microseconds=1)


# -- lockout and release -----------------------------------------------------------------


def lock(service: AccountService, username: str = "guard-1") -> None:
    """Lock an account as failed logins did before the login limits (they no longer do)."""
    with service.accounts.write() as tx:
        account = tx.by_username(username, for_update=True)
        assert account is not None
        tx.replace(replace(account, state=AccountState.LOCKED, state_reason="locked"))


def test_an_operator_of_the_same_state_releases(service: AccountService, clock: FixedClock) -> None:
    _, user = seed(service)
    lock(service)

    released = agree(service, service.release(service.acting("op-de"), "guard-1")).accounts[0]
    assert released.state is AccountState.ACTIVE
    assert released.state_reason == "released by op-de, approved by op-de-2"
    fail(service)  # the old failures are forgotten: one more does not lock again
    service.login("guard-1", PASSWORD, code(user, clock.now))


def test_only_an_operator_of_the_same_state_releases(service: AccountService) -> None:
    seed(service)
    service.bootstrap_operator(operator("FR"), PASSWORD)
    lock(service)

    with pytest.raises(Forbidden, match="accounts of DE are run by the operators of DE"):
        service.release(service.acting("op-fr"), "guard-1")
    admit(service, "op-de", "op-de-2", guard("guard-2"))
    with pytest.raises(Forbidden, match="account:manage"):
        service.release(
            Context(Principal.of(stored(service, "guard-2")), Purpose.BORDER_CHECK), "guard-1"
        )
    with pytest.raises(Forbidden):  # an operator acting for another purpose
        service.release(
            Context(Principal.of(stored(service, "op-de")), Purpose.BORDER_CHECK), "guard-1"
        )
    assert stored(service, "guard-1").state is AccountState.LOCKED
    with pytest.raises(Conflict, match="not locked"):
        service.release(service.acting("op-de"), "op-de-2")


def test_a_locked_operator_cannot_act(service: AccountService) -> None:
    seed(service)
    lock(service, "op-de")
    with pytest.raises(Unauthenticated, match="locked"):
        service.acting("op-de")


# -- disuse ------------------------------------------------------------------------------


def test_90_days_unused_disable_at_login(each_store: AccountService, clock: FixedClock) -> None:
    _, user = seed(each_store)
    clock.advance(days=90, microseconds=-1)
    each_store.login("guard-1", PASSWORD, code(user, clock.now))  # 1 µs short: fine, and used

    clock.advance(days=90)
    with pytest.raises(LoginRefused) as refused:
        each_store.login("guard-1", PASSWORD, code(user, clock.now))
    assert "90 days" in refused.value.cause
    assert stored(each_store, "guard-1").state is AccountState.DISABLED


def test_90_days_unused_disable_a_client_at_its_next_request(
    service: AccountService, clock: FixedClock
) -> None:
    seed(service)
    gateway = add_client(service)
    clock.advance(days=90)
    with pytest.raises(TokenRefused, match="unused for 90 days"):
        service.principal_for_token(gateway.id, None)
    assert stored(service, "eu-lisa-gw").state is AccountState.DISABLED


def test_sweep(each_store: AccountService, clock: FixedClock) -> None:
    _, user = seed(each_store)
    add_client(each_store)
    fail(each_store, "op-de")
    clock.advance(days=45)
    session = each_store.login("guard-1", PASSWORD, code(user, clock.now)).session

    clock.advance(days=45)  # the operators and the client: 90 days unused; the guard: 45
    report = each_store.sweep(clock.now)

    assert report.disabled == ("eu-lisa-gw", "op-de", "op-de-2")
    assert (report.sessions_ended, report.failures_pruned) == (1, 1)
    assert stored(each_store, "guard-1").state is AccountState.ACTIVE
    assert stored(each_store, "op-de").state_reason == "unused for 90 days"
    with pytest.raises(TokenRefused, match="ended"):
        each_store.principal_for_token(user.id, session.id)
    assert each_store.sweep(clock.now).disabled == ()


def test_enable_restarts_the_90_days(service: AccountService, clock: FixedClock) -> None:
    seed(service)
    add_client(service)
    clock.advance(days=89)
    service.acting("op-de")  # the operators' use counts
    service.acting("op-de-2")
    clock.advance(days=1)
    service.sweep(clock.now)
    enabled = agree(service, service.enable(service.acting("op-de"), "eu-lisa-gw")).accounts[0]
    assert (enabled.state, enabled.last_used_at) == (AccountState.ACTIVE, clock.now)
    assert service.sweep(clock.now).disabled == ()


# -- changes take effect on the next request --------------------------------------------


def test_role_and_clearance_changes_apply_to_the_next_request(
    service: AccountService, clock: FixedClock
) -> None:
    _, user = seed(service)
    session = service.login("guard-1", PASSWORD, code(user, clock.now)).session
    op = service.acting("op-de")

    agree(
        service,
        service.set_roles(op, "guard-1", frozenset({Role.VISA_OFFICER}), frozenset({Purpose.VISA})),
    )
    now = service.principal_for_token(user.id, session.id)
    assert (now.roles, now.purposes) == (frozenset({Role.VISA_OFFICER}), frozenset({Purpose.VISA}))

    agree(service, service.set_clearance(op, "guard-1", None))
    assert service.principal_for_token(user.id, session.id).clearance is None


def test_disable_ends_sessions_and_client_access(
    service: AccountService, clock: FixedClock
) -> None:
    _, user = seed(service)
    gateway = add_client(service)
    session = service.login("guard-1", PASSWORD, code(user, clock.now)).session
    for username in ("guard-1", "eu-lisa-gw"):
        service.disable(service.acting("op-de"), username, "left the service")

    with pytest.raises(TokenRefused):
        service.principal_for_token(user.id, session.id)
    with pytest.raises(TokenRefused, match="disabled"):
        service.principal_for_token(gateway.id, None)
    assert stored(service, "guard-1").state_reason == "left the service (op-de@OPS/DE)"


# -- rules on accounts -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "pointer", "message"),
    [
        ({"roles": frozenset({Role.SYSTEM_OPERATOR, Role.SIRENE_OPERATOR})}, "/roles", "alone"),
        ({"roles": frozenset({Role.SYSTEM_OPERATOR, Role.KEY_CUSTODIAN})}, "/roles", "alone"),
        ({"roles": frozenset({Role.SYSTEM_CLIENT})}, "/roles", "system clients"),
        ({"roles": frozenset()}, "/roles", "at least one role"),
        ({"purposes": frozenset()}, "/purposes", "at least one purpose"),
        ({"username": "Guard 1"}, "/username", "a-z 0-9"),
        ({"member_state": "US"}, "/member_state", "not a member state"),
        ({"authority": "B POL"}, "/authority", "1-64"),
        (
            {"clearance": Clearance("COSMIC", "x", datetime(2030, 1, 1, tzinfo=UTC))},
            "/clearance/level",
            "one of",
        ),
    ],
)
def test_account_rules(
    service: AccountService, changes: dict[str, object], pointer: str, message: str
) -> None:
    seed(service)
    with pytest.raises(InvalidInput) as refused:
        new = replace(guard("guard-9"), **changes)  # type: ignore[arg-type]
        service.add(service.acting("op-de"), new)
    assert any(e.pointer == pointer and message in e.detail for e in refused.value.errors)


def test_clients_hold_no_administrative_role(service: AccountService) -> None:
    seed(service)
    admin_client = replace(client(), roles=frozenset({Role.SYSTEM_OPERATOR}))
    with pytest.raises(InvalidInput, match="problem"):
        service.add(service.acting("op-de"), admin_client)


def test_bootstrap_only_the_first_two_operators(service: AccountService) -> None:
    seed(service)
    with pytest.raises(Forbidden, match="has its system operators"):
        service.bootstrap_operator(operator("DE", "op-de-3"), PASSWORD)
    with pytest.raises(InvalidInput, match="only a system operator"):
        service.bootstrap_operator(guard(state="FR"), PASSWORD)
    service.bootstrap_operator(operator("FR"), PASSWORD)


def test_an_operator_does_not_change_their_own_roles(service: AccountService) -> None:
    seed(service)
    with pytest.raises(Forbidden, match="their own account"):
        service.set_roles(service.acting("op-de"), "op-de", frozenset({Role.KEY_CUSTODIAN}))


def test_accounts_of_other_states_are_not_added(service: AccountService) -> None:
    seed(service)
    with pytest.raises(Forbidden, match="operators of FR"):
        service.add(service.acting("op-de"), guard("guard-fr", state="FR"))
    with pytest.raises(NotFound):
        service.release(service.acting("op-de"), "nobody")


# -- other doors -------------------------------------------------------------------------


def test_certificates_map_to_clients(service: AccountService, clock: FixedClock) -> None:
    seed(service)
    add_client(service)
    fingerprint = "AB:" * 31 + "CD"
    agree(service, service.set_certificate(service.acting("op-de"), "eu-lisa-gw", fingerprint))

    principal = service.client_for_certificate(fingerprint.replace(":", "").lower())
    assert principal.user_id == "eu-lisa-gw"
    with pytest.raises(TokenRefused, match="not known"):
        service.client_for_certificate("00" * 32)
    with pytest.raises(InvalidInput, match="system clients"):
        service.set_certificate(service.acting("op-de"), "guard-1", "11" * 32)
    service.disable(service.acting("op-de"), "eu-lisa-gw", "rotated")
    with pytest.raises(TokenRefused, match="disabled"):
        service.client_for_certificate(fingerprint)


def test_provider_subjects_map_to_linked_accounts_of_the_provider_state(
    service: AccountService,
) -> None:
    seed(service)
    issuer = "https://idp.example.de"
    agree(service, service.link_oidc(service.acting("op-de"), "guard-1", issuer, "sub-42"))

    assert service.principal_for_oidc(OidcIdentity("DE", issuer, "sub-42")).user_id == "guard-1"
    with pytest.raises(TokenRefused, match="no account is linked"):
        service.principal_for_oidc(OidcIdentity("DE", issuer, "sub-43"))
    with pytest.raises(TokenRefused, match="belongs to DE, not to the provider's FR"):
        service.principal_for_oidc(OidcIdentity("FR", issuer, "sub-42"))
    agree(service, service.link_oidc(service.acting("op-de"), "guard-1", issuer, None))
    with pytest.raises(TokenRefused):
        service.principal_for_oidc(OidcIdentity("DE", issuer, "sub-42"))

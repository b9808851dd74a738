"""What the audit records of the account use cases name (``service/audited.py``).

An account by its username (and, once known, its id and state); a new account by its
kind, place, roles, purposes and clearance; a clearance by its level and end. Never a
password, a TOTP code or secret, an enrolment code or a reason's text.
"""

from __future__ import annotations

from typing import Any

from limes.domain.accounts import Account, NewAccount
from limes.domain.roles import Clearance, Purpose, Role
from limes.service.audited import Description, Refs, about


def clearance_ref(clearance: Clearance | None) -> dict[str, Any] | None:
    if clearance is None:
        return None
    return {"level": clearance.level, "valid_until": clearance.valid_until}


def new_account(new: NewAccount) -> Description:
    """A proposed or bootstrapped account (its clearance named even when it has none)."""
    return Description(
        refs={
            "account": new.username,
            "kind": new.kind,
            "member_state": new.member_state,
            "authority": new.authority,
            "roles": new.roles,
            "purposes": new.purposes,
            "clearance": clearance_ref(new.clearance),
        }
    )


def proposed(_service: object, ctx: object, new: NewAccount) -> Description:
    return new_account(new)


def bootstrapped(_service: object, new: NewAccount, password: str) -> Description:
    return new_account(new)


def of_account(
    _service: object, ctx: object, username: str, *_: object, **__: object
) -> Description:
    """A use case on the account ``username``; nothing else it takes is recorded."""
    return about(account=username)


def roles_change(
    _service: object,
    ctx: object,
    username: str,
    roles: frozenset[Role],
    purposes: frozenset[Purpose] | None = None,
) -> Description:
    return about(account=username, roles=roles, purposes=purposes)


def clearance_change(
    _service: object, ctx: object, username: str, clearance: Clearance | None
) -> Description:
    return about(account=username, clearance=clearance_ref(clearance))


def provider_link(
    _service: object, ctx: object, username: str, issuer: str, subject: str | None
) -> Description:
    return about(account=username, oidc_issuer=issuer, oidc_subject=subject)


def certificate_pin(
    _service: object, ctx: object, username: str, fingerprint: str | None
) -> Description:
    return about(account=username, certificate_sha256=fingerprint)


def account_refs(account: Account) -> Refs:
    """An account answered or changed: its username, id and state."""
    return (), {
        "account": account.username,
        "account_id": account.id,
        "account_state": account.state,
    }

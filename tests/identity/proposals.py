"""Accounts proposed by one operator for another to approve: the holders the four-eyes
tests propose, and what is stored meanwhile."""

from __future__ import annotations

from tests.identity.helpers import (
    guard,
)

from limes.domain.accounts import NewAccount
from limes.domain.roles import Purpose, Role
from limes.service.accounts import AccountService
from limes.service.approvals import ApprovalService

REGISTER = "username,level,vetting_reference,valid_until\n"


def holder(username: str, authority: str, role: Role, purpose: Purpose) -> NewAccount:
    return guard(
        username,
        authority=authority,
        roles=frozenset({role}),
        purposes=frozenset({purpose}),
        clearance=None,
    )


def sirene(username: str = "sirene-1") -> NewAccount:
    return holder(username, "SIRENE", Role.SIRENE_OPERATOR, Purpose.SIRENE)


def dpo(username: str) -> NewAccount:
    return holder(username, "BfDI", Role.DATA_PROTECTION_OFFICER, Purpose.DATA_PROTECTION)


def approvals(service: AccountService) -> ApprovalService:
    return ApprovalService(service)


def stored_or_none(service: AccountService, username: str) -> object:
    with service.accounts.read() as tx:
        return tx.by_username(username)

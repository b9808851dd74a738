"""The policy's vocabulary: permissions as ``resource:action`` tags, the content ones, and a
principal as its account is now."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from tests.identity.helpers import CLEARANCE

from limes.domain.accounts import Account, AccountKind, AccountState
from limes.domain.roles import Purpose, Role
from limes.policy.permissions import (
    CATEGORY_SCOPED,
    CONTENT_PERMISSIONS,
    WRITES,
    Permission,
    Principal,
)

AT = datetime(2026, 5, 2, tzinfo=UTC)


def test_every_permission_is_a_resource_action_tag() -> None:
    for permission in Permission:
        assert re.fullmatch(r"[a-z-]+:[a-z]+", permission.value), permission


def test_permissions_decided_per_category_touch_content() -> None:
    assert CATEGORY_SCOPED < CONTENT_PERMISSIONS
    assert CONTENT_PERMISSIONS - CATEGORY_SCOPED == {
        Permission.AUDIT_READ,
        Permission.CASE_READ,
        Permission.CASE_WRITE,
        Permission.IDENTITY_LINK_READ,  # a link names two alerts on one identity
        Permission.IDENTITY_LINK_RESOLVE,
        Permission.SUBJECT_REQUEST_WRITE,
        Permission.SUBJECT_REQUEST_READ,
        Permission.SUBJECT_REQUEST_ANSWER,
    }
    assert Permission.ACCOUNT_MANAGE not in CONTENT_PERMISSIONS


def test_a_principal_is_its_account_as_stored() -> None:
    account = Account(
        "id-1",
        "guard-1",
        AccountKind.USER,
        "DE",
        "BPOL",
        frozenset({Role.BORDER_GUARD}),
        frozenset({Purpose.BORDER_CHECK}),
        AccountState.ACTIVE,
        AT,
        AT,
        AT,
        clearance=CLEARANCE,
    )
    principal = Principal.of(account, session_id="s-1")
    assert principal == Principal(
        "guard-1",
        "DE",
        "BPOL",
        frozenset({Role.BORDER_GUARD}),
        frozenset({Purpose.BORDER_CHECK}),
        CLEARANCE,
        session_id="s-1",
    )
    assert str(principal) == "guard-1@BPOL/DE"


def test_every_permission_that_changes_the_register_is_refused_on_a_copy() -> None:
    """A permission named for a change (issue, write, resolve, answer …) is one of
    ``WRITES``, so that a national copy refuses it: a new one added without thought fails."""
    changing = (
        "issue",
        "update",
        "delete",
        "extend",
        "link",
        "decide",
        "write",
        "enrol",
        "record",
        "run",
        "escalate",
        "rotate",
        "resolve",
        "answer",
        "query",
    )
    named_for_a_change = {
        p for p in Permission if p.value.split(":")[1].split("-")[-1] in changing
    }  # fmt: skip
    assert named_for_a_change - WRITES == set()

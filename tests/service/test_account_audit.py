"""What the account use cases' records name: the account, a new account's place and
rights, a clearance by level and end; never a password or a secret."""

from __future__ import annotations

from tests.identity.helpers import CLEARANCE, PASSWORD, guard

from limes.service.account_audit import (
    bootstrapped,
    clearance_change,
    clearance_ref,
    of_account,
    proposed,
)

NEW = guard("guard-7")


def test_a_new_account_is_named_by_its_place_rights_and_clearance() -> None:
    refs = {
        "account": "guard-7",
        "kind": NEW.kind,
        "member_state": "DE",
        "authority": "BPOL",
        "roles": NEW.roles,
        "purposes": NEW.purposes,
        "clearance": {"level": CLEARANCE.level, "valid_until": CLEARANCE.valid_until},
    }
    assert proposed(None, None, NEW).refs == refs
    described = bootstrapped(None, NEW, PASSWORD)
    assert described.refs == refs
    assert PASSWORD not in repr(described)


def test_a_clearance_is_named_by_level_and_end_only() -> None:
    assert clearance_ref(None) is None
    assert clearance_change(None, None, "guard-7", CLEARANCE).refs == {
        "account": "guard-7",
        "clearance": {"level": CLEARANCE.level, "valid_until": CLEARANCE.valid_until},
    }
    assert CLEARANCE.vetting_reference not in repr(clearance_change(None, None, "g", CLEARANCE))


def test_a_use_case_on_an_account_records_the_username_alone() -> None:
    described = of_account(None, None, "guard-7", "a reason's text", code="12345")
    assert described.refs == {"account": "guard-7"}
    assert "reason" not in repr(described) and "12345" not in repr(described)

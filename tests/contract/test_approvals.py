"""``tx.account_changes`` and ``tx.enrolment_codes`` behave alike on every store:
four-eyes changes decided once, with their custodians, and enrolment codes
(``tests/identity/test_four_eyes.py`` holds the rules built on them).
"""

from __future__ import annotations

import pytest
from tests.contract.test_accounts import account
from tests.contract.test_grants import MINUTE, T0

from limes.store.port import APPLIED, PENDING, ChangeRow, CodeRow, Store


def test_changes_are_decided_once_and_name_their_custodians(store: Store) -> None:
    create = ChangeRow("C1", "DE", "create", ("guard-1",), {"roles": ["x"]}, "op1", T0, T0 + MINUTE)
    roles = ChangeRow("C2", "DE", "roles", ("guard-1",), {}, "op3", T0 + MINUTE, T0 + 2 * MINUTE)
    with store.transaction() as tx:
        tx.accounts.insert(account())
        tx.account_changes.insert(create)
        tx.account_changes.insert(roles)
        tx.account_changes.insert(ChangeRow("C3", "FR", "create", ("x",), {}, "op9", T0, T0))
        tx.account_changes.decide("C1", APPLIED, "op2", T0 + MINUTE)
        with pytest.raises(LookupError):
            tx.account_changes.decide("C1", APPLIED, "op2", T0 + MINUTE)
        tx.enrolment_codes.put(CodeRow("A1", "ab" * 32, "C1", T0, T0 + MINUTE))
        tx.enrolment_codes.put(CodeRow("A1", "cd" * 32, "C1", T0, T0 + 2 * MINUTE))
    with store.read() as tx:
        decided = tx.account_changes.get("C1")
        assert decided is not None and (decided.status, decided.approver) == (APPLIED, "op2")
        assert decided.payload == {"roles": ["x"]} and decided.accounts == ("guard-1",)
        assert tx.account_changes.get("nope") is None
        assert [c.id for c in tx.account_changes.of_state("DE")] == ["C1", "C2"]
        assert [c.id for c in tx.account_changes.of_state("DE", PENDING)] == ["C2"]
        assert tx.account_changes.custodians("guard-1", "create") == {"op1", "op2"}
    with store.transaction() as tx:
        tx.account_changes.decide("C2", APPLIED, "op4", T0 + 2 * MINUTE)
        assert tx.account_changes.custodians("guard-1", "create") == {"op1", "op2", "op3", "op4"}
        assert tx.enrolment_codes.of("A1") == CodeRow("A1", "cd" * 32, "C1", T0, T0 + 2 * MINUTE)
        tx.enrolment_codes.drop("A1")
        assert tx.enrolment_codes.of("A1") is None

"""The field names sealed values are bound to: one name per flagging state and reason,
one per break-glass reason, and no reason outside the two."""

from __future__ import annotations

import pytest

from limes.domain.sealed_fields import Reason, SealedField, breakglass_reason, flag_reason


def test_a_flag_reason_is_bound_to_its_state() -> None:
    assert flag_reason("FR", Reason.REASON) == "flag/FR/reason"
    assert flag_reason("BE", "decision_reason") == "flag/BE/decision_reason"
    assert flag_reason("FR", Reason.REASON) != flag_reason("BE", Reason.REASON)


def test_a_breakglass_reason_has_its_own_name() -> None:
    assert breakglass_reason(Reason.REASON) == "breakglass/reason"
    assert breakglass_reason("decision_reason") == "breakglass/decision_reason"


@pytest.mark.parametrize("bind", [breakglass_reason, lambda r: flag_reason("FR", r)])
def test_no_other_reason_is_named(bind: object) -> None:
    with pytest.raises(ValueError, match="is not a valid Reason"):
        bind("motive")  # type: ignore[operator]


def test_field_names_are_unique_and_plain() -> None:
    values = [field.value for field in SealedField]
    assert len(values) == len(set(values))
    assert all(value.isidentifier() and value.islower() for value in values)

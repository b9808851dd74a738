"""The compatibility matrix, as a table of cases."""

from __future__ import annotations

import pytest

from limes.domain.categories import CategoryCode as C
from limes.domain.compatibility import ExistingAlert, check, refusal_reason

MATRIX = [
    # new category, new state, existing category, existing state, refused?
    (C.ARREST, "DE", C.ARREST, "DE", True),
    (C.ARREST, "DE", C.ARREST, "FR", False),
    (C.ARREST, "DE", C.PERSON_CHECK, "DE", True),
    (C.PERSON_CHECK, "DE", C.ARREST, "DE", True),
    (C.JUDICIAL_PROCEDURE, "DE", C.ARREST, "DE", True),
    (C.REFUSAL_OF_ENTRY, "DE", C.RETURN_DECISION, "DE", False),
    (C.OBJECT_CHECK, "IT", C.OBJECT_SEIZURE, "IT", True),
    (C.OBJECT_CHECK, "IT", C.OBJECT_SEIZURE, "AT", False),
    (C.MISSING_PROTECTION, "PL", C.ARREST, "PL", False),
]


@pytest.mark.parametrize(("new", "state", "old", "old_state", "refused"), MATRIX)
def test_matrix(new: C, state: str, old: C, old_state: str, refused: bool) -> None:
    existing = ExistingAlert("01ABC", old, old_state)
    assert (refusal_reason(new, state, existing) is not None) is refused
    verdict = check(new, state, [existing])
    assert len(verdict.refused) == int(refused)
    assert len(verdict.reported) == int(not refused)

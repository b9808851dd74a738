"""Match keys and the compatibility matrix, as tables of cases."""

from __future__ import annotations

from datetime import date

import pytest
from tests.factories import PERSON, VEHICLE, content

from limes.domain.categories import CategoryCode as C
from limes.domain.compatibility import ExistingAlert, check, refusal_reason
from limes.domain.ids import is_id, new_id
from limes.domain.match_keys import content_keys, fold
from limes.domain.validation import validate_content


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Müller", "muller"),
        ("  O'Brien-Smith ", "o brien smith"),
        ("ÉLODIE", "elodie"),
        ("ǅ", "dz"),
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_keys_of_a_person_and_of_a_vehicle() -> None:
    person = validate_content(content(PERSON), date(2026, 11, 30))
    assert content_keys(person) == {
        "person:ivanova|olga|1984-03-17",
        "document_number:UA:L898902C3",
    }
    vehicle = validate_content(content(VEHICLE), date(2026, 11, 30))
    assert content_keys(vehicle) == {"vin::1M8GDM9AXKP042788", "plate:FR:AB123CD"}


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


def test_ids_are_ulids_ordered_by_time() -> None:
    a, b = new_id(1_000), new_id(2_000)
    assert is_id(a) and is_id(b) and a < b
    assert len({new_id() for _ in range(1000)}) == 1000
    assert not is_id("not-an-id") and not is_id("0" * 25 + "U")

"""Match keys: the folded form of a name, and the keys of a person and of a vehicle."""

from __future__ import annotations

from datetime import date

import pytest
from tests.factories import PERSON, VEHICLE, content

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

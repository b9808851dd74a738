"""Semantic validation: a table of documents and the pointer each must be refused at."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from tests.factories import PERSON, VEHICLE, content, doc

from limes.domain.validation import (
    _forbidden,
    normalize_partial_date,
    text_field,
    validate_content,
)
from limes.errors import FieldError, InvalidInput

TODAY = date(2026, 11, 30)


def person(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(PERSON)
    data["person"].update(changes)
    return data


def vehicle(identifiers: list[dict[str, Any]] | None = None, **attrs: Any) -> dict[str, Any]:
    data = copy.deepcopy(VEHICLE)
    if identifiers is not None:
        data["object"]["identifiers"] = identifiers
    data["object"]["attributes"].update(attrs)
    return data


def test_valid_documents_pass_and_come_back_canonical() -> None:
    result = validate_content(
        content(vehicle([{"kind": "vin", "value": "1m8gdm9a-xkp042788"}])), TODAY
    )
    assert result.object is not None
    assert result.object.identifiers[0].value == "1M8GDM9AXKP042788"
    assert validate_content(content(PERSON), TODAY).person is not None


REFUSED = [
    ("action not allowed", doc(PERSON, action="seize"), "/action"),
    ("warning not allowed", doc(PERSON, warnings=["armed", "armed"]), "/warnings"),
    ("object on a person category", doc(PERSON, object=VEHICLE["object"]), "/object"),
    ("person category without person", doc(PERSON, person=None), "/person"),
    ("arrest without decision", doc(PERSON, national_decision=None), "/national_decision"),
    (
        "future decision",
        doc(
            PERSON,
            national_decision={"authority": "AG", "reference": "1", "decided_on": "2027-01-01"},
        ),
        "/national_decision/decided_on",
    ),
    ("impossible date of birth", person(date_of_birth="1984-02-30"), "/person/date_of_birth"),
    ("future date of birth", person(date_of_birth="2027"), "/person/date_of_birth"),
    ("day without month", person(date_of_birth="1984-00-12"), "/person/date_of_birth"),
    ("alpha-3 nationality", person(nationalities=["UKR"]), "/person/nationalities/0"),
    ("unassigned country", person(nationalities=["XX"]), "/person/nationalities/0"),
    ("nationality twice", person(nationalities=["UA", "UA"]), "/person/nationalities"),
    (
        "Latin field in Cyrillic",
        person(surnames=[{"latin": "Иванова"}]),
        "/person/surnames/0/latin",
    ),
    ("digits in a name", person(surnames=[{"latin": "Ivan0va"}]), "/person/surnames/0/latin"),
    (
        "original without script",
        person(surnames=[{"latin": "Ivanova", "original": "Иванова"}]),
        "/person/surnames/0/script",
    ),
    (
        "unknown script",
        person(surnames=[{"latin": "Ivanova", "original": "Иванова", "script": "Abcd"}]),
        "/person/surnames/0/script",
    ),
    (
        "bad ICAO check digit",
        person(
            documents=[
                {
                    "type": "passport",
                    "number": "L898902C3",
                    "issuing_state": "UA",
                    "check_digit": "7",
                }
            ]
        ),
        "/person/documents/0/number",
    ),
    (
        "document valid until before from",
        person(
            documents=[
                {
                    "type": "passport",
                    "number": "X1",
                    "issuing_state": "UA",
                    "valid_from": "2020-01-01",
                    "valid_until": "2019-01-01",
                }
            ]
        ),
        "/person/documents/0/valid_until",
    ),
    ("control character", doc(PERSON, reason="robbery\u0007"), "/reason"),
    (
        "bad VIN check digit (North America)",
        vehicle([{"kind": "vin", "value": "1M8GDM9A1KP042788"}]),
        "/object/identifiers/0/value",
    ),
    (
        "VIN with O",
        vehicle([{"kind": "vin", "value": "WVWZZZ1JZXW0O0001"}]),
        "/object/identifiers/0/value",
    ),
    (
        "plate without country",
        vehicle(
            [{"kind": "vin", "value": "1M8GDM9AXKP042788"}, {"kind": "plate", "value": "AB123CD"}]
        ),
        "/object/identifiers/1/country",
    ),
    (
        "identifier kind foreign to the type",
        vehicle(
            [
                {"kind": "vin", "value": "1M8GDM9AXKP042788"},
                {"kind": "imei", "value": "490154203237518"},
            ]
        ),
        "/object/identifiers/1/kind",
    ),
    (
        "vehicle without VIN",
        vehicle([{"kind": "plate", "value": "AB123CD", "country": "FR"}]),
        "/object/identifiers",
    ),
    (
        "same identifier twice",
        vehicle(
            [
                {"kind": "vin", "value": "1M8GDM9AXKP042788"},
                {"kind": "vin", "value": "1M8GDM9AXKP042788"},
            ]
        ),
        "/object/identifiers",
    ),
    ("attribute foreign to the type", vehicle(calibre="9mm"), "/object/attributes/calibre"),
    ("person on an object category", doc(VEHICLE, person=PERSON["person"]), "/person"),
]


@pytest.mark.parametrize(("case", "data", "pointer"), REFUSED, ids=[c[0] for c in REFUSED])
def test_refused_with_a_pointer(case: str, data: dict[str, Any], pointer: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        validate_content(content(data), TODAY)
    pointers = [e.pointer for e in exc.value.errors]
    assert pointer in pointers, (case, exc.value.errors)


def test_every_problem_is_reported_at_once() -> None:
    data = person(date_of_birth="1984-13-01", nationalities=["XX"])
    data["action"] = "seize"
    with pytest.raises(InvalidInput) as exc:
        validate_content(content(data), TODAY)
    assert {e.pointer for e in exc.value.errors} >= {
        "/action",
        "/person/date_of_birth",
        "/person/nationalities/0",
    }


CATEGORY_RULES = [
    (
        "refusal of entry needs nationalities",
        doc(PERSON, category="refusal_of_entry", action="refuse_entry", warnings=[]),
        "/person/nationalities",
        {"nationalities": []},
    ),
    (
        "return needs return details",
        doc(PERSON, category="return_decision", action="verify_departure"),
        "/return_details",
        {},
    ),
    (
        "unknown wanted needs biometrics",
        doc(
            PERSON,
            category="unknown_wanted",
            action="identify",
            national_decision=None,
            person={"gender": "male"},
        ),
        "/biometrics",
        None,
    ),
    (
        "unknown wanted has no names",
        doc(
            PERSON,
            category="unknown_wanted",
            action="identify",
            biometrics=[
                {"modality": "fingerprint", "format": "ISO/IEC 19794-2", "reference": "latent-1"}
            ],
        ),
        "/person/surnames",
        {},
    ),
    (
        "missing child needs date of birth",
        doc(PERSON, category="child_abduction_risk", action="prevent_travel", warnings=[]),
        "/person/date_of_birth",
        {"date_of_birth": None},
    ),
]


@pytest.mark.parametrize(
    ("case", "data", "pointer", "person_changes"),
    CATEGORY_RULES,
    ids=[c[0] for c in CATEGORY_RULES],
)
def test_category_rules(
    case: str, data: dict[str, Any], pointer: str, person_changes: dict[str, Any] | None
) -> None:
    if person_changes:
        for key, value in person_changes.items():
            if value is None:
                data["person"].pop(key, None)
            else:
                data["person"][key] = value
    with pytest.raises(InvalidInput) as exc:
        validate_content(content(data), TODAY)
    assert pointer in [e.pointer for e in exc.value.errors], (case, exc.value.errors)


def test_return_decision_accepted_with_its_details() -> None:
    data = doc(
        PERSON,
        category="return_decision",
        action="verify_departure",
        warnings=[],
        return_details={"decision_date": "2026-10-01", "voluntary_departure_end": "2026-10-31"},
    )
    assert validate_content(content(data), TODAY).return_details is not None
    data["return_details"]["voluntary_departure_end"] = "2026-09-01"
    with pytest.raises(InvalidInput):
        validate_content(content(data), TODAY)


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("1980", "1980"),
        ("1980-05", "1980-05"),
        ("1980-05-17", "1980-05-17"),
        ("1980-00-00", "1980"),
        ("1980-05-00", "1980-05"),
        ("2000-02-29", "2000-02-29"),
    ],
)
def test_partial_dates(given: str, canonical: str) -> None:
    assert normalize_partial_date(given) == (canonical, None)


@pytest.mark.parametrize(
    "bad", ["80", "1980-5-1", "1980-13", "1900-02-29", "1899", "1980/05/17", "١٩٨٠"]
)
def test_partial_dates_refused(bad: str) -> None:
    value, error = normalize_partial_date(bad)
    assert value is None and error


def _slow_text(value: str) -> list[FieldError]:
    """``text_field``'s verdict by the general rule alone, without the ASCII fast path."""
    errors = [FieldError("/t", p) for p in [_forbidden(value)] if p is not None]
    if not errors and value != value.strip():
        errors.append(FieldError("/t", "may not start or end with white space"))
    return errors


@pytest.mark.parametrize("code", range(128))
def test_free_text_of_every_ascii_character_is_judged_as_by_the_general_rule(code: int) -> None:
    """The bulk path's fast path for printable ASCII (issue 15) refuses and keeps exactly
    what the general rule does: control characters, DEL, and outer white space."""
    for value in (f"a{chr(code)}b", f"{chr(code)}ab", f"ab{chr(code)}", chr(code)):
        errors: list[FieldError] = []
        kept = text_field(value, "/t", errors)
        assert errors == _slow_text(value), repr(value)
        assert kept == value


def test_object_attributes_are_checked_by_name_in_their_order() -> None:
    """Every attribute an object type does not have is named, in the order of its fields."""
    data = vehicle(payment_type="cash", calibre="9 mm", denomination=5)
    with pytest.raises(InvalidInput) as refused:
        validate_content(content(data), TODAY)
    assert [e.pointer for e in refused.value.errors] == [
        "/object/attributes/calibre",
        "/object/attributes/denomination",
        "/object/attributes/payment_type",
    ]

"""Identifiers of vehicles and craft: tables of real-world VINs, plates, hull
identification numbers and aircraft registrations that must pass and values that
must be refused.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from limes.domain.identifiers import IdentifierError
from limes.domain.vehicle_identifiers import (
    validate_aircraft_registration,
    validate_hull_id,
    validate_plate,
    validate_vin,
    vin_check_digit,
)


@pytest.mark.parametrize(
    ("vin", "check_digit"),
    [
        ("1M8GDM9AXKP042788", "X"),
        ("11111111111111111", "1"),
        ("1HGCM82633A004352", "3"),
        ("JH4KA7561PC008269", "1"),
    ],
)
def test_vin_check_digit(vin: str, check_digit: str) -> None:
    assert vin_check_digit(vin) == check_digit


@pytest.mark.parametrize(
    ("value", "require_check_digit", "expected"),
    [
        ("1M8GDM9AXKP042788", None, "1M8GDM9AXKP042788"),  # North America: checked
        ("1m8-gdm9ax-kp042788", None, "1M8GDM9AXKP042788"),
        ("1HGCM82633A004352", None, "1HGCM82633A004352"),
        ("11111111111111111", True, "11111111111111111"),
        ("JH4KA7561PC008269", True, "JH4KA7561PC008269"),
        ("LSVAU033612345678", None, "LSVAU033612345678"),  # China: checked
        ("WVWZZZ1JZXW000001", None, "WVWZZZ1JZXW000001"),  # Europe: position 9 is free
        ("WVWZZZ1JZXW000001", False, "WVWZZZ1JZXW000001"),
        ("1M8GDM9A5KP042788", False, "1M8GDM9A5KP042788"),
    ],
)
def test_validate_vin_accepts(value: str, require_check_digit: bool | None, expected: str) -> None:
    assert validate_vin(value, require_check_digit=require_check_digit) == expected


@pytest.mark.parametrize(
    ("value", "require_check_digit", "message"),
    [
        ("1M8GDM9A5KP042788", None, "VIN check digit is 'X' but position 9 holds '5'"),
        ("LSVAU033512345678", None, "VIN check digit is '6' but position 9 holds '5'"),
        ("WVWZZZ1JZXW000001", True, "VIN check digit is '0' but position 9 holds 'Z'"),
        ("WVWZZZ1JZXW00000", None, "VIN must be 17 characters, got 16"),
        ("WVWZZZ1JZXW0000011", None, "VIN must be 17 characters, got 18"),
        ("WVWZZZ1JZXW00000O", None, "VIN may not contain I, O or Q; position 17 holds 'O'"),
        ("IVWZZZ1JZXW000001", None, "VIN may not contain I, O or Q; position 1 holds 'I'"),
        ("WVWZZZ1JZXW00000#", None, "position 17 holds '#'"),
        ("", None, "identifier is empty"),
    ],
)
def test_validate_vin_refuses(value: str, require_check_digit: bool | None, message: str) -> None:
    with pytest.raises(IdentifierError, match=message):
        validate_vin(value, require_check_digit=require_check_digit)


@given(st.text(alphabet="ABCDEFGHJKLMNPRSTUVWXYZ0123456789", min_size=17, max_size=17))
def test_vin_check_digit_makes_valid_vins(body: str) -> None:
    vin = body[:8] + vin_check_digit(body) + body[9:]
    assert validate_vin(vin, require_check_digit=True) == vin


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("B-MW 1234", "BMW1234"),
        ("ab 123 cd", "AB123CD"),
        ("ΙΚΝ-1234", "IKN1234"),  # Greek
        ("СА 1234 ВН", "CA1234BH"),  # Bulgarian Cyrillic
        ("ＡＢ１２３", "AB123"),
        ("1", "1"),
        ("A" * 12, "A" * 12),
    ],
)
def test_validate_plate_accepts(value: str, expected: str) -> None:
    assert validate_plate(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("M-ÖA 12", r"plate contains 'Ö' \(U\+00D6\), which is neither a letter A-Z"),
        ("Ж 123", "plate contains 'Ж'"),
        ("A" * 13, "plate must be 1 to 12 characters, got 13"),
        ("AB#1", "plate may only contain letters A-Z and digits; position 3 holds '#'"),
        ("", "identifier is empty"),
    ],
)
def test_validate_plate_refuses(value: str, message: str) -> None:
    with pytest.raises(IdentifierError, match=message):
        validate_plate(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("FR-ABC12345A606", "FRABC12345A606"),
        ("ABC12345A606", "ABC12345A606"),  # US HIN
        ("abc-67890-l899", "ABC67890L899"),
        ("DE-1A2B3C4DL424", "DE1A2B3C4DL424"),
    ],
)
def test_validate_hull_id_accepts(value: str, expected: str) -> None:
    assert validate_hull_id(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ABC12345M606", "month of production must be a letter A to L, got 'M'"),
        ("ABC1234OA606", "serial '1234O' may not contain I, O or Q"),
        ("ABC12345A6X6", "must end in the year of production and model year, got '6X6'"),
        ("ZZ-ABC12345A606", "'ZZ' is not an assigned ISO 3166-1 alpha-2 code"),
        ("12ABC12345A606", "'12' is not an ISO 3166-1 alpha-2 code"),
        ("ABC12345A6061", "must be 12 characters, or 14 with a country code, got 13"),
        ("ABC12#45A606", "position 6 holds '#'"),
    ],
)
def test_validate_hull_id_refuses(value: str, message: str) -> None:
    with pytest.raises(IdentifierError, match=message):
        validate_hull_id(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("D-ABCD", "D-ABCD"),
        ("d-abcd", "D-ABCD"),
        ("DABCD", "DABCD"),  # no dash given, none added
        ("G-EUPT", "G-EUPT"),
        ("F-GKXA", "F-GKXA"),
        ("EI-DVM", "EI-DVM"),
        ("OE-LBA", "OE-LBA"),
        ("9H-AEK", "9H-AEK"),
        ("4X-EKA", "4X-EKA"),
        ("A9C-BXA", "A9C-BXA"),
        ("B-1234", "B-1234"),
        ("JA8089", "JA8089"),
        ("D\u2013ABCD", "D-ABCD"),  # en dash
        ("N12345", "N12345"),
        ("N123AB", "N123AB"),
        ("N1", "N1"),
        ("N-1A", "N-1A"),
    ],
)
def test_validate_aircraft_registration_accepts(value: str, expected: str) -> None:
    assert validate_aircraft_registration(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("N0123", "US aircraft registration 'N0123' must be 'N' and 1 to 5 characters"),
        ("N123456", "US aircraft registration 'N123456'"),
        ("N12I", "other than I and O"),
        ("N1ABC", "US aircraft registration 'N1ABC'"),
        ("1X-ABC", "nationality mark '1X' must be a letter, or 2 to 3"),
        ("ABCD-EFG", "nationality mark 'ABCD'"),
        ("0ABC", "never starts with 0 or 1"),
        ("D-AB-CD", "at most one dash"),
        ("D-", "needs a nationality mark before the dash and a registration mark after it"),
        ("-ABCD", "needs a nationality mark before the dash"),
        ("DA", "aircraft registration must be 3 to 10 characters, got 2"),
        ("ABCDEFGHIJK", "aircraft registration must be 3 to 10 characters, got 11"),
        ("D-ABCDEFG", "aircraft registration mark must be 1 to 6 characters, got 7"),
        ("D-AB#D", "position 3 holds '#'"),
    ],
)
def test_validate_aircraft_registration_refuses(value: str, message: str) -> None:
    with pytest.raises(IdentifierError, match=message):
        validate_aircraft_registration(value)

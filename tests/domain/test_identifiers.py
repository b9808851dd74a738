"""Identifiers: tables of real-world values that must pass and values that must be refused.

Known-good values come from the standards' own examples (ICAO Doc 9303 specimens, the
ISO 13616 and ISO 6346 examples) or from real vehicles and devices.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from tests.domain.test_identifier_forms import IDENTIFIER_TEXT

from limes.domain.identifiers import (
    VALIDATORS,
    IdentifierError,
    IdentifierKind,
    canonical,
    icao_check_digit,
    validate,
    validate_container_number,
    validate_document_number,
    validate_iban,
    validate_imei,
    validate_serial,
)
from limes.domain.vehicle_identifiers import vin_check_digit

# --- ICAO Doc 9303 --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "check_digit"),
    [
        ("L898902C3", "6"),  # Doc 9303 part 4 TD3 specimen: document number
        ("740812", "2"),  # its date of birth
        ("120415", "9"),  # its date of expiry
        ("ZE184226B", "1"),  # its optional data
        ("D23145890", "7"),  # Doc 9303 part 5 TD1 specimen: document number
        ("340712", "7"),
        ("950712", "2"),
        ("<<<<<<<<<", "0"),
        ("", "0"),
    ],
)
def test_icao_check_digit(field: str, check_digit: str) -> None:
    assert icao_check_digit(field) == check_digit


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("l898902C3", "position 1 holds 'l'"),
        ("L898-902C3", "may only contain A-Z, 0-9 and '<'; position 5 holds '-'"),
    ],
)
def test_icao_check_digit_refuses(field: str, message: str) -> None:
    with pytest.raises(IdentifierError, match=message):
        icao_check_digit(field)


@pytest.mark.parametrize(
    ("value", "check_digit", "expected"),
    [
        ("L898902C3", None, "L898902C3"),
        ("L898902C3", "6", "L898902C3"),
        ("l898 902c3", "6", "L898902C3"),
        ("D23145890", "7", "D23145890"),
        ("X1", None, "X1"),
        ("D23145890123", "3", "D23145890123"),  # overflows a TD1 field
        ("A" * 20, None, "A" * 20),
    ],
)
def test_validate_document_number_accepts(
    value: str, check_digit: str | None, expected: str
) -> None:
    assert validate_document_number(value, check_digit) == expected


@pytest.mark.parametrize(
    ("value", "check_digit", "message"),
    [
        ("L898902C3", "5", "document number check digit is '6' but '5' was given"),
        ("L898902C3", "X", "must be one digit 0-9, got 'X'"),
        ("L898902C3", "66", "must be one digit 0-9, got '66'"),
        ("L898902C3", "", "must be one digit 0-9, got ''"),
        ("A" * 21, None, "document number must be 1 to 20 characters, got 21"),
        ("L898902C<", None, "position 9 holds '<'"),
        ("", None, "identifier is empty"),
    ],
)
def test_validate_document_number_refuses(
    value: str, check_digit: str | None, message: str
) -> None:
    with pytest.raises(IdentifierError, match=message):
        validate_document_number(value, check_digit)


# --- IBAN, IMEI, container numbers ----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("DE89370400440532013000", "DE89370400440532013000"),
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432"),
        ("NO9386011117947", "NO9386011117947"),  # the shortest
        ("FR1420041010050500013M02606", "FR1420041010050500013M02606"),
        ("BE68539007547034", "BE68539007547034"),
    ],
)
def test_validate_iban_accepts(value: str, expected: str) -> None:
    assert validate_iban(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("DE89370400440532013001", r"IBAN check digits '89' do not match .*MOD 97-10"),
        ("DE88370400440532013000", "IBAN check digits '88' do not match"),
        ("DE8937040044053201300", "an IBAN from DE has 22 characters, got 21"),
        ("ZZ89370400440532013000", "IBAN country 'ZZ' does not issue IBANs"),
        ("DE8937040044053201300A", "does not have the format of DE: 8 digits, 10 digits"),
        ("1234", "IBAN must be two letters"),
        ("DE89", "IBAN must be two letters"),
    ],
)
def test_validate_iban_refuses(value: str, message: str) -> None:
    with pytest.raises(IdentifierError, match=message):
        validate_iban(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("490154203237518", "490154203237518"),
        ("35-209900-176148-1", "352099001761481"),
        ("3520990017614823", "3520990017614823"),  # IMEISV: no check digit
        ("4901542032375181", "4901542032375181"),
    ],
)
def test_validate_imei_accepts(value: str, expected: str) -> None:
    assert validate_imei(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("490154203237519", "IMEI check digit is '8' but position 15 holds '9'"),
        ("49015420323751", r"IMEI must be 15 digits \(16 for an IMEISV\), got 14"),
        ("49015420323751A", "IMEI may only contain digits"),
        ("4901542032375181234", "got 19"),
    ],
)
def test_validate_imei_refuses(value: str, message: str) -> None:
    with pytest.raises(IdentifierError, match=message):
        validate_imei(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("CSQU3054383", "CSQU3054383"),
        ("csqu 305438 3", "CSQU3054383"),
        ("TASU 117000 0", "TASU1170000"),
    ],
)
def test_validate_container_number_accepts(value: str, expected: str) -> None:
    assert validate_container_number(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("CSQU3054384", "container number check digit is '3' but position 11 holds '4'"),
        ("CSQX3054383", r"must be 3 letters \(owner\), U, J, Z or R"),
        ("CSQU305438", "got 'CSQU305438'"),
        ("C5QU3054383", "got 'C5QU3054383'"),
    ],
)
def test_validate_container_number_refuses(value: str, message: str) -> None:
    with pytest.raises(IdentifierError, match=message):
        validate_container_number(value)


# --- serials --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("ab-123.456/7", "AB1234567"), ("1", "1"), ("X" * 30, "X" * 30)],
)
def test_validate_serial_accepts(value: str, expected: str) -> None:
    assert validate_serial(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("X" * 31, "serial number must be 1 to 30 characters, got 31"),
        ("AB_12", "serial number may only contain letters A-Z and digits; position 3 holds '_'"),
        ("", "identifier is empty"),
    ],
)
def test_validate_serial_refuses(value: str, message: str) -> None:
    with pytest.raises(IdentifierError, match=message):
        validate_serial(value)


# --- dispatch -------------------------------------------------------------------------


def test_every_kind_has_a_validator() -> None:
    assert set(VALIDATORS) == set(IdentifierKind)


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        (IdentifierKind.VIN, "1m8gdm9axkp042788", "1M8GDM9AXKP042788"),
        (IdentifierKind.PLATE, "B-MW 1234", "BMW1234"),
        (IdentifierKind.DOCUMENT_NUMBER, "L898902C3", "L898902C3"),
        (IdentifierKind.FIREARM_SERIAL, "ab-1234", "AB1234"),
        (IdentifierKind.HULL_ID, "FR-ABC12345A606", "FRABC12345A606"),
        (IdentifierKind.AIRCRAFT_REGISTRATION, "D-ABCD", "D-ABCD"),
        (IdentifierKind.IBAN, "DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        (IdentifierKind.IMEI, "490154203237518", "490154203237518"),
        (IdentifierKind.CONTAINER_NUMBER, "CSQU3054383", "CSQU3054383"),
        (IdentifierKind.SERIAL, "x1", "X1"),
        (IdentifierKind.BANKNOTE_SERIAL, "EA1234567890", "EA1234567890"),
        (IdentifierKind.ENGINE_NUMBER, "1.9 TDI 123", "19TDI123"),
    ],
)
def test_validate_dispatches(kind: IdentifierKind, value: str, expected: str) -> None:
    assert validate(kind, value) == expected


def test_validate_accepts_the_kind_as_its_string() -> None:
    assert validate(IdentifierKind("vin"), "1M8GDM9AXKP042788") == "1M8GDM9AXKP042788"


def test_validate_refuses_an_unknown_kind() -> None:
    with pytest.raises(IdentifierError, match="unknown identifier kind 'shoe_size'"):
        validate("shoe_size", "42")  # type: ignore[arg-type]  # what an untyped caller sends


# --- properties -----------------------------------------------------------------------

_ALL_CHECKS: list[Callable[[str], str]] = [
    canonical,
    icao_check_digit,
    vin_check_digit,
    *VALIDATORS.values(),
]


@pytest.mark.parametrize("check", _ALL_CHECKS, ids=lambda check: check.__name__)
@given(value=IDENTIFIER_TEXT)
def test_checks_return_text_or_refuse_with_identifier_error(
    check: Callable[[str], str], value: str
) -> None:
    try:
        result = check(value)
    except IdentifierError:
        return
    assert isinstance(result, str)
    assert result


@given(value=IDENTIFIER_TEXT)
def test_validators_return_canonical_text(value: str) -> None:
    for kind, check in VALIDATORS.items():
        try:
            result = check(value)
        except IdentifierError:
            continue
        if kind is not IdentifierKind.AIRCRAFT_REGISTRATION:  # keeps a given dash
            assert canonical(result) == result

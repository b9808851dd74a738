"""Identifiers: tables of real-world values that must pass and values that must be refused.

Known-good values come from the standards' own examples (ICAO Doc 9303 specimens, the
ISO 13616 and ISO 6346 examples) or from real vehicles and devices.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
from limes.domain.vehicle_identifiers import (
    validate_aircraft_registration,
    validate_hull_id,
    validate_plate,
    validate_vin,
    vin_check_digit,
)

# --- canonical ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (" wvw-zzz 1jz.xw/000001 ", "WVWZZZ1JZXW000001"),
        ("ＡＢ１２３", "AB123"),  # full-width forms, NFKC
        ("AB\u00a0123", "AB123"),  # no-break space, NFKC
        ("AB\u2013123", "AB123"),  # en dash from a word processor
        ("AB123\n", "AB123"),  # a pasted line end
        ("a#b", "A#B"),  # kind-specific checks refuse what is not theirs
    ],
)
def test_canonical(value: str, expected: str) -> None:
    assert canonical(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "identifier is empty"),
        (" -./ ", "identifier is empty"),
        ("AB\x00C", r"control character U\+0000"),
        ("A\tB", r"control character U\+0009"),
        ("x\u200by", r"invisible character U\+200B"),
        ("ÄB", r"contains 'Ä' \(U\+00C4\); only ASCII"),
        ("straße", r"contains 'ß' \(U\+00DF\)"),  # upper-casing would make it 'SS'
        ("ıD", r"contains 'ı' \(U\+0131\)"),  # upper-casing would make it 'I'
    ],
)
def test_canonical_refuses(value: str, message: str) -> None:
    with pytest.raises(IdentifierError, match=message):
        canonical(value)


# --- VIN ------------------------------------------------------------------------------


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


# --- plates ---------------------------------------------------------------------------


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


# --- hull identification numbers ------------------------------------------------------


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


# --- aircraft registrations -----------------------------------------------------------


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

# Text that looks like identifiers as well as any text at all.
_TEXT = st.one_of(
    st.text(),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz0123456789 -./<#ΙΚΝСАВЖÖß\u2013"),
)


@pytest.mark.parametrize("check", _ALL_CHECKS, ids=lambda check: check.__name__)
@given(value=_TEXT)
def test_checks_return_text_or_refuse_with_identifier_error(
    check: Callable[[str], str], value: str
) -> None:
    try:
        result = check(value)
    except IdentifierError:
        return
    assert isinstance(result, str)
    assert result


@given(value=_TEXT)
def test_canonical_is_idempotent(value: str) -> None:
    try:
        once = canonical(value)
    except IdentifierError:
        return
    assert canonical(once) == once
    assert once.isascii()
    assert once == once.upper()


@given(value=_TEXT)
def test_validators_return_canonical_text(value: str) -> None:
    for kind, check in VALIDATORS.items():
        try:
            result = check(value)
        except IdentifierError:
            continue
        if kind is not IdentifierKind.AIRCRAFT_REGISTRATION:  # keeps a given dash
            assert canonical(result) == result

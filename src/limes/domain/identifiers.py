"""Object and document identifiers, each checked against the standard that defines it.

Every identifier first goes through `canonical` (one spelling for one identifier), then
through the check of its kind. Each check is a small pure function whose docstring names
its standard; each refusal is an `IdentifierError` that says what is wrong and where.
These functions run for every record of a bulk load: the accepting path is a compiled
regular expression or a table lookup, and only a refusal pays for a detailed diagnosis.
"""

from __future__ import annotations

import functools
import operator
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from itertools import cycle
from types import MappingProxyType

import stdnum.imei
import stdnum.iso6346
from stdnum import luhn, numdb
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.iso7064 import mod_97_10

from limes.domain.countries import CountryError, country

__all__ = [
    "VALIDATORS",
    "IdentifierError",
    "IdentifierKind",
    "canonical",
    "icao_check_digit",
    "validate",
    "validate_aircraft_registration",
    "validate_container_number",
    "validate_document_number",
    "validate_hull_id",
    "validate_iban",
    "validate_imei",
    "validate_plate",
    "validate_serial",
    "validate_vin",
    "vin_check_digit",
]


class IdentifierError(ValueError):
    """An identifier does not conform to its standard; the message says how."""


class IdentifierKind(StrEnum):
    """The kinds of identifier an object or document record can carry."""

    VIN = "vin"
    PLATE = "plate"
    DOCUMENT_NUMBER = "document_number"
    FIREARM_SERIAL = "firearm_serial"
    HULL_ID = "hull_id"
    AIRCRAFT_REGISTRATION = "aircraft_registration"
    IBAN = "iban"
    IMEI = "imei"
    CONTAINER_NUMBER = "container_number"
    SERIAL = "serial"
    BANKNOTE_SERIAL = "banknote_serial"
    ENGINE_NUMBER = "engine_number"


# --- canonical form -------------------------------------------------------------------

# Word processors put these dashes where '-' was typed, and NFKC leaves them alone, so
# they become '-' before separators are removed.
_UNICODE_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))


def canonical(value: str) -> str:
    """Return the one spelling of an identifier that every check and index uses.

    Rule: Unicode NFKC (full-width and compatibility forms become ASCII), strip, remove
    spaces, dashes, dots and slashes, upper-case. Refused: a result that is empty, or
    that holds a control character or anything not ASCII. Idempotent.
    """
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value).translate(_UNICODE_DASHES)
    # Four replaces beat one deleting translate() by about three times on short text.
    text = value.strip().replace(" ", "").replace("-", "").replace(".", "").replace("/", "")
    if text.isascii() and text.isprintable():
        if text:
            return text.upper()
        raise IdentifierError("identifier is empty")
    raise IdentifierError(_unprintable(text))


def _unprintable(text: str) -> str:
    for char in text:
        if not char.isascii() or not char.isprintable():
            category = unicodedata.category(char)
            if category == "Cc":
                return f"identifier contains control character U+{ord(char):04X}"
            if category.startswith("C"):  # format, surrogate, private use, unassigned
                return f"identifier contains invisible character U+{ord(char):04X}"
            return (
                f"identifier contains {char!r} (U+{ord(char):04X}); only ASCII letters, "
                "digits and separators are allowed"
            )
    raise AssertionError("unreachable: called only on text with such a character")


def _alnum_problem(what: str, text: str, shortest: int, longest: int) -> str:
    """Explain why canonical `text` is not `shortest`..`longest` characters A-Z, 0-9."""
    if not shortest <= len(text) <= longest:
        if shortest == longest:
            return f"{what} must be {shortest} characters, got {len(text)}"
        return f"{what} must be {shortest} to {longest} characters, got {len(text)}"
    for position, char in enumerate(text, 1):
        if not ("A" <= char <= "Z" or "0" <= char <= "9"):
            return (
                f"{what} may only contain letters A-Z and digits; "
                f"position {position} holds {char!r}"
            )
    raise AssertionError("unreachable: called only on text with such a problem")


# --- vehicles: ISO 3779 -----------------------------------------------------------------

_VIN_RE = re.compile(r"[A-HJ-NPR-Z0-9]{17}")
_VIN_VALUES: dict[str, int] = (
    {str(digit): digit for digit in range(10)}
    | dict(zip("ABCDEFGH", range(1, 9), strict=True))
    | dict(zip("JKLMN", range(1, 6), strict=True))
    | {"P": 7, "R": 9}
    | dict(zip("STUVWXYZ", range(2, 10), strict=True))
)
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
# Per position, character -> transliterated value times weight: one lookup a character.
_VIN_WEIGHTED = tuple(
    {char: value * weight for char, value in _VIN_VALUES.items()} for weight in _VIN_WEIGHTS
)
# World manufacturer identifiers whose regions make the check digit mandatory:
# 1-5 North America (49 CFR 565), L China (GB 16735).
_VIN_CHECKED_REGIONS = frozenset("12345L")


def _vin_form(vin: str) -> None:
    if _VIN_RE.fullmatch(vin):
        return
    if len(vin) != 17:
        raise IdentifierError(f"VIN must be 17 characters, got {len(vin)}")
    for position, char in enumerate(vin, 1):
        if char in "IOQ":
            raise IdentifierError(
                f"VIN may not contain I, O or Q; position {position} holds {char!r}"
            )
    raise IdentifierError(_alnum_problem("VIN", vin, 17, 17))


def _vin_check_digit(vin: str) -> str:
    total = sum(map(dict.__getitem__, _VIN_WEIGHTED, vin))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def vin_check_digit(vin: str) -> str:
    """Return the check digit for position 9 of a 17-character `vin` ('0'-'9' or 'X').

    Rule: ISO 3779 as made mandatory by 49 CFR 565.15: letters transliterate to 1-9
    (A-H 1-8, J-N 1-5, P 7, R 9, S-Z 2-9), digits stand for themselves, weights
    8 7 6 5 4 3 2 10 0 9 8 7 6 5 4 3 2, sum modulo 11, 10 written 'X'. Position 9 has
    weight 0, so whatever it holds does not change the result.
    """
    _vin_form(vin)
    return _vin_check_digit(vin)


def validate_vin(value: str, *, require_check_digit: bool | None = None) -> str:
    """Return the canonical vehicle identification number, or refuse it.

    Rule: ISO 3779, 17 characters A-Z and 0-9 without I, O and Q. The check digit at
    position 9 (see `vin_check_digit`) is verified when `require_check_digit` is True,
    or when it is None and the world manufacturer identifier is from North America
    (first character 1-5) or China ('L'), whose rules make it mandatory. Elsewhere,
    e.g. in Europe, position 9 is the manufacturer's to use.
    """
    vin = canonical(value)
    _vin_form(vin)
    if require_check_digit is None:
        require_check_digit = vin[0] in _VIN_CHECKED_REGIONS
    if require_check_digit:
        expected = _vin_check_digit(vin)
        if vin[8] != expected:
            raise IdentifierError(
                f"VIN check digit is {expected!r} but position 9 holds {vin[8]!r}"
            )
    return vin


# --- travel documents: ICAO Doc 9303 --------------------------------------------------

_ICAO_VALUES: dict[str, int] = {
    char: value for value, char in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
} | {"<": 0}
_ICAO_WEIGHTS = (7, 3, 1)
_DOCUMENT_NUMBER_RE = re.compile(r"[A-Z0-9]{1,20}")
_MRZ_DOCUMENT_NUMBER_LENGTH = 9


def icao_check_digit(field: str) -> str:
    """Return the check digit of a machine readable zone field.

    Rule: ICAO Doc 9303 part 3, section 4.9: digits count as themselves, A-Z as 10-35,
    the filler '<' as 0; weights 7, 3, 1 repeating; the sum modulo 10.
    """
    try:
        total = sum(map(operator.mul, map(_ICAO_VALUES.__getitem__, field), cycle(_ICAO_WEIGHTS)))
    except KeyError:
        position, char = next((i, c) for i, c in enumerate(field, 1) if c not in _ICAO_VALUES)
        raise IdentifierError(
            f"a machine readable zone field may only contain A-Z, 0-9 and '<'; "
            f"position {position} holds {char!r}"
        ) from None
    return str(total % 10)


def validate_document_number(value: str, check_digit: str | None = None) -> str:
    """Return the canonical travel or identity document number, or refuse it.

    Rule: ICAO Doc 9303 part 3/4/5: letters A-Z and digits. The machine readable zone
    has 9 positions for it; a longer number overflows into the optional data of a TD1
    card, so up to 20 are accepted. A given `check_digit` must be one digit equal to
    `icao_check_digit` of the number padded with '<' to 9 characters.
    """
    number = canonical(value)
    if not _DOCUMENT_NUMBER_RE.fullmatch(number):
        raise IdentifierError(_alnum_problem("document number", number, 1, 20))
    if check_digit is not None:
        if len(check_digit) != 1 or not "0" <= check_digit <= "9":
            raise IdentifierError(
                f"document number check digit must be one digit 0-9, got {check_digit!r}"
            )
        expected = icao_check_digit(number.ljust(_MRZ_DOCUMENT_NUMBER_LENGTH, "<"))
        if check_digit != expected:
            raise IdentifierError(
                f"document number check digit is {expected!r} but {check_digit!r} was given"
            )
    return number


# --- registration plates --------------------------------------------------------------

_PLATE_RE = re.compile(r"[A-Z0-9]{1,12}")
# Greek and Cyrillic plates use only letters that have a Latin twin, so that they read
# the same abroad; their Latin reading is the plate's identity.
_PLATE_LETTERS = str.maketrans(
    "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαβεζηικμνορτυχ" "АВЕКМНОРСТУХІавекмнорстухі",
    "ABEZHIKMNOPTYXABEZHIKMNOPTYX" "ABEKMHOPCTYXIABEKMHOPCTYXI",
)  # fmt: skip


def validate_plate(value: str) -> str:
    """Return the canonical vehicle registration plate, or refuse it.

    Rule: 1 to 12 letters A-Z and digits after `canonical`. Greek and Cyrillic plate
    letters (the ones with a Latin look-alike, which are the only ones plates use) are
    read as that Latin letter: Greek 'ΙΚΝ-1234' is 'IKN1234', Bulgarian 'СА 1234 ВН' is
    'CA1234BH'. Which country issued the plate is checked elsewhere.
    """
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value).translate(_PLATE_LETTERS)
        for char in value:
            if not char.isascii() and char.isalnum():
                raise IdentifierError(
                    f"plate contains {char!r} (U+{ord(char):04X}), which is neither a letter "
                    "A-Z, nor a digit, nor a Greek or Cyrillic letter with a Latin twin"
                )
    plate = canonical(value)
    if _PLATE_RE.fullmatch(plate):
        return plate
    raise IdentifierError(_alnum_problem("plate", plate, 1, 12))


# --- watercraft: ISO 10087 ------------------------------------------------------------

_HIN_BODY_RE = re.compile(r"[A-Z0-9]{3}[A-HJ-NPR-Z0-9]{5}[A-L][0-9]{3}")
_HIN_BODY_LENGTH = 12
_HIN_WITH_COUNTRY_LENGTH = 14


def validate_hull_id(value: str) -> str:
    """Return the canonical craft (hull) identification number, or refuse it.

    Rule: ISO 10087 and the US HIN of 33 CFR 181.25 share a 12-character body:
    manufacturer identification code (3 letters or digits), serial (5 letters or
    digits, not I, O or Q), month of production (A = January ... L = December), last
    digit of the year of production, model year (2 digits). ISO 10087 puts the
    issuing country's ISO 3166-1 alpha-2 code and a dash in front ('FR-ABC12345A606');
    the canonical form drops the dash, like every separator. The pre-1984 US layouts
    are not accepted.
    """
    hin = canonical(value)
    if len(hin) == _HIN_WITH_COUNTRY_LENGTH:
        try:
            country(hin[:2])
        except CountryError as error:
            raise IdentifierError(f"hull identification number: {error}") from None
        body = hin[2:]
    elif len(hin) == _HIN_BODY_LENGTH:
        body = hin
    else:
        raise IdentifierError(
            "hull identification number must be 12 characters, or 14 with a country "
            f"code, got {len(hin)}"
        )
    if _HIN_BODY_RE.fullmatch(body):
        return hin
    raise IdentifierError(_hin_problem(body))


def _hin_problem(body: str) -> str:
    what = "hull identification number"
    if not body.isalnum():
        return _alnum_problem(what, body, _HIN_BODY_LENGTH, _HIN_BODY_LENGTH)
    serial = body[3:8]
    for char in serial:
        if char in "IOQ":
            return f"{what} serial {serial!r} may not contain I, O or Q"
    if not "A" <= body[8] <= "L":
        return f"{what} month of production must be a letter A to L, got {body[8]!r}"
    if not body[9:].isdigit():
        return f"{what} must end in the year of production and model year, got {body[9:]!r}"
    raise AssertionError("unreachable: called only on a body that does not match")


# --- aircraft: ICAO Annex 7 -----------------------------------------------------------

# A nationality mark is a letter, two characters, or three characters (e.g. 'A9C'); no
# ICAO mark starts with 0 or 1.
_NATIONALITY_RE = re.compile(r"[A-Z][A-Z0-9]{0,2}|[2-9][A-Z][A-Z0-9]?")
_REGISTRATION_MARK_RE = re.compile(r"[A-Z0-9]{1,6}")
_UNDIVIDED_REGISTRATION_RE = re.compile(r"[A-Z2-9][A-Z0-9]{2,9}")
# FAA (14 CFR 47.15): 'N', a digit 1-9, then up to four more digits, or fewer digits
# and one or two final letters other than I and O; at most 5 characters after 'N'.
_US_REGISTRATION_RE = re.compile(
    r"N[1-9](?:[0-9]{0,4}|[0-9]{0,3}[A-HJ-NP-Z]|[0-9]{0,2}[A-HJ-NP-Z]{2})"
)
_AIRCRAFT_LENGTH = (3, 10)


def validate_aircraft_registration(value: str) -> str:
    """Return the canonical aircraft registration, or refuse it.

    Rule: ICAO Annex 7, chapter 2-3: a nationality mark (one letter such as 'D', 'F',
    'G', 'N'; two characters such as 'EI', 'OE', '9H', '4X'; or three such as 'A9C')
    and a registration mark of letters and digits. A dash between them is kept where
    it was given ('D-ABCD'); nothing else separates them. Checked: 3 to 10 characters
    with the dash, the shape of the nationality mark, and in full the US rule of
    14 CFR 47.15 ('N' and 1 to 5 characters starting with a digit 1-9, with at most two
    final letters, not I or O), which allows 'N1'. Not checked: whether the mark is
    assigned to a state, or each state's own rules for the registration mark.
    """
    text = value.strip()
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_UNICODE_DASHES)
    nationality, dash, mark = text.partition("-")
    if dash:
        if "-" in mark:
            raise IdentifierError("aircraft registration may contain at most one dash")
        if not nationality.strip() or not mark.strip():
            raise IdentifierError(
                "aircraft registration needs a nationality mark before the dash and a "
                "registration mark after it"
            )
        nationality, mark = canonical(nationality), canonical(mark)
        registration = f"{nationality}-{mark}"
        if nationality == "N":
            _us_registration(nationality + mark)
        elif not _NATIONALITY_RE.fullmatch(nationality):
            raise IdentifierError(
                f"aircraft nationality mark {nationality!r} must be a letter, or 2 to 3 "
                "letters and digits that do not start with 0 or 1"
            )
        elif not _REGISTRATION_MARK_RE.fullmatch(mark):
            raise IdentifierError(_alnum_problem("aircraft registration mark", mark, 1, 6))
    else:
        registration = canonical(text)
        if registration[0] == "N":
            _us_registration(registration)
        elif not _UNDIVIDED_REGISTRATION_RE.fullmatch(registration):
            if "0" <= registration[0] <= "1":
                raise IdentifierError(
                    f"aircraft registration {registration!r} must start with a "
                    "nationality mark, which never starts with 0 or 1"
                )
            raise IdentifierError(
                _alnum_problem("aircraft registration", registration, *_AIRCRAFT_LENGTH)
            )
    shortest, longest = _AIRCRAFT_LENGTH
    if registration[0] != "N" and not shortest <= len(registration) <= longest:
        raise IdentifierError(
            f"aircraft registration must be {shortest} to {longest} characters, "
            f"got {len(registration)}"
        )
    return registration


def _us_registration(registration: str) -> None:
    if not _US_REGISTRATION_RE.fullmatch(registration):
        raise IdentifierError(
            f"US aircraft registration {registration!r} must be 'N' and 1 to 5 characters: "
            "a digit 1-9, more digits, and at most two final letters other than I and O"
        )


# --- payments: ISO 13616 --------------------------------------------------------------

_IBAN_RE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
_IBAN_SHAPE = "two letters (country), two check digits, then 11 to 30 letters and digits"
_IBAN_REGISTRY = numdb.get("iban")
_BBAN_FIELD_RE = re.compile(r"([1-9][0-9]*)!([nac])")
_BBAN_FIELD_PATTERN = {"n": "[0-9]", "a": "[A-Z]", "c": "[A-Z0-9]"}
_BBAN_FIELD_NAME = {"n": "digits", "a": "letters", "c": "letters or digits"}


@dataclass(frozen=True, slots=True)
class _IbanFormat:
    length: int
    bban: re.Pattern[str]
    description: str


def validate_iban(value: str) -> str:
    """Return the canonical international bank account number, or refuse it.

    Rule: ISO 13616, with python-stdnum's copy of the SWIFT IBAN registry for each
    country's length and account format, and stdnum's ISO 7064 MOD 97-10 for the check
    digits: the checks of `stdnum.iban.validate(check_country=False)`, with the
    registry read once per country instead of once per number. National account checks
    are not applied: stdnum's tables of bank codes age faster than accounts change.
    """
    iban = canonical(value)
    if not _IBAN_RE.fullmatch(iban):
        raise IdentifierError(f"IBAN must be {_IBAN_SHAPE}, got {iban!r}")
    country_code = iban[:2]
    form = _iban_format(country_code)
    if form is None:
        raise IdentifierError(f"IBAN country {country_code!r} does not issue IBANs")
    if len(iban) != form.length:
        raise IdentifierError(
            f"an IBAN from {country_code} has {form.length} characters, got {len(iban)}"
        )
    if not form.bban.fullmatch(iban, 4):
        raise IdentifierError(
            f"IBAN account part {iban[4:]!r} does not have the format of {country_code}: "
            f"{form.description}"
        )
    try:
        mod_97_10.validate(iban[4:] + iban[:4])
    except ValidationError:
        raise IdentifierError(
            f"IBAN check digits {iban[2:4]!r} do not match the account (ISO 7064 MOD 97-10)"
        ) from None
    return iban


@functools.cache  # bounded: only two-letter codes get here
def _iban_format(country_code: str) -> _IbanFormat | None:
    """The registered IBAN format of a country, or None if it issues none."""
    ((prefix, properties), *_) = _IBAN_REGISTRY.info(country_code)
    structure = properties.get("bban") if prefix == country_code else None
    if not structure:
        return None
    fields = [(int(size), kind) for size, kind in _BBAN_FIELD_RE.findall(structure)]
    return _IbanFormat(
        length=4 + sum(size for size, _kind in fields),
        bban=re.compile("".join(f"{_BBAN_FIELD_PATTERN[k]}{{{n}}}" for n, k in fields)),
        description=", ".join(f"{n} {_BBAN_FIELD_NAME[k]}" for n, k in fields),
    )


# --- mobile equipment: 3GPP TS 23.003 -------------------------------------------------

_IMEI_RE = re.compile(r"[0-9]{15,16}")


def validate_imei(value: str) -> str:
    """Return the canonical IMEI (15 digits) or IMEISV (16 digits), or refuse it.

    Rule: 3GPP TS 23.003 via python-stdnum: an IMEI ends in a Luhn check digit; an
    IMEISV ends in a two-digit software version and has none. The 14-digit form without
    check digit that stdnum also accepts is refused: a device shows all 15.
    """
    imei = canonical(value)
    if not _IMEI_RE.fullmatch(imei):
        if not imei.isdigit():
            raise IdentifierError(f"IMEI may only contain digits, got {imei!r}")
        raise IdentifierError(f"IMEI must be 15 digits (16 for an IMEISV), got {len(imei)}")
    try:
        return stdnum.imei.validate(imei)
    except InvalidChecksum:
        expected = luhn.calc_check_digit(imei[:14])
        raise IdentifierError(
            f"IMEI check digit is {expected!r} but position 15 holds {imei[14]!r}"
        ) from None
    except ValidationError as error:
        raise IdentifierError(f"IMEI refused: {error}") from None


# --- freight containers: ISO 6346 -----------------------------------------------------

_CONTAINER_RE = re.compile(r"[A-Z]{3}[UJZR][0-9]{7}")


def validate_container_number(value: str) -> str:
    """Return the canonical freight container number, or refuse it.

    Rule: ISO 6346 via python-stdnum: owner code (3 letters), equipment category
    (U freight container, J detachable equipment, Z trailer or chassis; stdnum also
    allows R), 6-digit serial and a check digit.
    """
    number = canonical(value)
    if not _CONTAINER_RE.fullmatch(number):
        raise IdentifierError(
            "container number must be 3 letters (owner), U, J, Z or R (category), "
            f"6 digits (serial) and a check digit, got {number!r}"
        )
    try:
        return stdnum.iso6346.validate(number)
    except InvalidChecksum:
        expected = stdnum.iso6346.calc_check_digit(number[:10])
        raise IdentifierError(
            f"container number check digit is {expected!r} but position 11 holds {number[10]!r}"
        ) from None
    except ValidationError as error:
        raise IdentifierError(f"container number refused: {error}") from None


# --- everything else with a serial ----------------------------------------------------

_SERIAL_RE = re.compile(r"[A-Z0-9]{1,30}")


def validate_serial(value: str) -> str:
    """Return a canonical serial number (firearm, banknote, engine, other), or refuse it.

    Rule: no single standard governs these, so only the common shape: 1 to 30 letters
    A-Z and digits after `canonical`.
    """
    serial = canonical(value)
    if _SERIAL_RE.fullmatch(serial):
        return serial
    raise IdentifierError(_alnum_problem("serial number", serial, 1, 30))


VALIDATORS: Mapping[IdentifierKind, Callable[[str], str]] = MappingProxyType(
    {
        IdentifierKind.VIN: validate_vin,
        IdentifierKind.PLATE: validate_plate,
        IdentifierKind.DOCUMENT_NUMBER: validate_document_number,
        IdentifierKind.FIREARM_SERIAL: validate_serial,
        IdentifierKind.HULL_ID: validate_hull_id,
        IdentifierKind.AIRCRAFT_REGISTRATION: validate_aircraft_registration,
        IdentifierKind.IBAN: validate_iban,
        IdentifierKind.IMEI: validate_imei,
        IdentifierKind.CONTAINER_NUMBER: validate_container_number,
        IdentifierKind.SERIAL: validate_serial,
        IdentifierKind.BANKNOTE_SERIAL: validate_serial,
        IdentifierKind.ENGINE_NUMBER: validate_serial,
    }
)
"""The check for each kind of identifier; every kind has one."""


def validate(kind: IdentifierKind, value: str) -> str:
    """Return `value` in canonical form if it is a valid identifier of `kind`."""
    try:
        validator = VALIDATORS[kind]
    except KeyError:
        raise IdentifierError(f"unknown identifier kind {kind!r}") from None
    return validator(value)

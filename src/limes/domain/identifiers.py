"""Object and document identifiers, each checked against the standard that defines it.

Every identifier first goes through `canonical` (one spelling for one identifier), then
through the check of its kind. Each check is a small pure function whose docstring names
its standard; each refusal is an `IdentifierError` that says what is wrong and where.
These functions run for every record of a bulk load: the accepting path is a compiled
regular expression or a table lookup, and only a refusal pays for a detailed diagnosis.

Here: the kinds, travel documents, payments, equipment, containers, serials and the
table of checks; vehicles and craft are ``vehicle_identifiers.py``, the canonical form
``identifier_forms.py``.
"""

from __future__ import annotations

import functools
import operator
import re
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

from limes.domain.identifier_forms import IdentifierError, alnum_problem, canonical
from limes.domain.vehicle_identifiers import (
    validate_aircraft_registration,
    validate_hull_id,
    validate_plate,
    validate_vin,
)

__all__ = [
    "VALIDATORS",
    "IdentifierError",
    "IdentifierKind",
    "canonical",
    "icao_check_digit",
    "validate",
    "validate_container_number",
    "validate_document_number",
    "validate_iban",
    "validate_imei",
    "validate_serial",
]


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
        raise IdentifierError(alnum_problem("document number", number, 1, 20))
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
    raise IdentifierError(alnum_problem("serial number", serial, 1, 30))


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

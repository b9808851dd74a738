"""Identifiers of vehicles and craft: VINs (ISO 3779), registration plates, hull
identification numbers (ISO 10087) and aircraft registrations (ICAO Annex 7).

Each check is a small pure function of ``domain/identifiers.py``'s kind; see its docstring."""

from __future__ import annotations

import re
import unicodedata

from limes.domain.countries import CountryError, country
from limes.domain.identifier_forms import (
    UNICODE_DASHES,
    IdentifierError,
    alnum_problem,
    canonical,
)

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
    raise IdentifierError(alnum_problem("VIN", vin, 17, 17))


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
    raise IdentifierError(alnum_problem("plate", plate, 1, 12))


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
        return alnum_problem(what, body, _HIN_BODY_LENGTH, _HIN_BODY_LENGTH)
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
        text = unicodedata.normalize("NFKC", text).translate(UNICODE_DASHES)
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
            raise IdentifierError(alnum_problem("aircraft registration mark", mark, 1, 6))
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
                alnum_problem("aircraft registration", registration, *_AIRCRAFT_LENGTH)
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

"""The query mixes of the in-process part: persons, machine-readable zones, identifiers.

Half of every mix is built from what is stored (as typed at a desk: the Latin form, the
original script, a typo, a year off by one, separators and look-alike letters) and half
from a set made with another generator seed, which is absent: a border check mostly
finds nobody.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from random import Random

from limes.domain.alerts import Gender, Name, Person
from limes.domain.countries import CountryError, alpha3
from limes.domain.identifiers import icao_check_digit
from limes.search.query import PersonQuery

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Latin capitals and the Cyrillic ones printed alike: what a desk keyboard may produce.
_LOOK_ALIKES = {"A": "А", "B": "В", "E": "Е", "K": "К", "M": "М", "H": "Н", "O": "О",
                "P": "Р", "C": "С", "T": "Т", "X": "Х"}  # fmt: skip
_MRZ_SEX = {Gender.FEMALE: "F", Gender.MALE: "M"}


@dataclass(frozen=True, slots=True)
class PersonProbe:
    """A query and the stored person it was made from (None: made from an absent one)."""

    query: PersonQuery
    source: int | None
    variant: str


@dataclass(frozen=True, slots=True)
class MrzProbe:
    text: str
    source: int | None


@dataclass(frozen=True, slots=True)
class IdentifierProbe:
    value: str
    source: int | None
    variant: str


def typo(text: str, rng: Random) -> str:
    """One edit a hurried officer makes: a letter replaced, dropped, doubled or swapped."""
    if len(text) < 4:
        return text
    at = rng.randrange(1, len(text) - 1)
    edit = rng.randrange(4)
    if edit == 0:
        return text[:at] + rng.choice(_LETTERS) + text[at + 1 :]
    if edit == 1:
        return text[:at] + text[at + 1 :]
    if edit == 2:
        return text[:at] + text[at] + text[at:]
    return text[: at - 1] + text[at] + text[at - 1] + text[at + 1 :]


def _year_off(date_of_birth: str | None, rng: Random) -> str | None:
    if date_of_birth is None:
        return None
    year = int(date_of_birth[:4]) + rng.choice((-1, 1))
    rest = "-02-28" if date_of_birth[4:] == "-02-29" else date_of_birth[4:]  # no leap day then
    return f"{year:04d}{rest}"


def _latin(names: tuple[Name, ...]) -> tuple[str, ...]:
    return tuple(n.latin for n in names)


def _original(names: tuple[Name, ...]) -> tuple[str, ...]:
    return tuple(n.original or n.latin for n in names)


def person_probe(person: Person, source: int | None, rng: Random) -> PersonProbe:
    """A query for ``person`` as a desk would type it, in one of four variants."""
    surnames, forenames = _latin(person.surnames), _latin(person.forenames)
    birth, variant = person.date_of_birth, "latin"
    draw = rng.random()
    has_original = any(n.original for n in person.surnames)
    if draw < 0.2 and has_original:
        surnames, forenames, variant = (
            _original(person.surnames),
            _original(person.forenames),
            "original script",
        )
    elif draw < 0.4 and surnames:
        surnames, variant = (typo(surnames[0], rng), *surnames[1:]), "typo"
    elif draw < 0.5:
        birth, variant = _year_off(birth, rng), "year off by one"
    query = PersonQuery(
        surnames=surnames,
        forenames=forenames,
        date_of_birth=birth,
        gender=person.gender,
        nationalities=person.nationalities[:1],
    )
    return PersonProbe(query, source, variant)


def mrz_name_field(person: Person, width: int = 39) -> str:
    """``SURNAME<<GIVEN<NAMES`` in A-Z and '<', cut to ``width`` (Doc 9303 part 3, 4.6).

    Marks are dropped (é → E) rather than ICAO's national transcriptions (ü → UE): the
    figures are about time, and the search folds both.
    """

    def mrz(text: str) -> str:
        plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return "".join(c if c.isalpha() else "<" for c in plain.upper())

    surnames = "<".join(mrz(n.latin) for n in person.surnames)
    forenames = "<".join(mrz(n.latin) for n in person.forenames)
    return f"{surnames}<<{forenames}"[:width].ljust(width, "<")


def _yymmdd(iso: str | None) -> str:
    if iso is None:
        return "<<<<<<"
    parts = iso.split("-")
    return (
        parts[0][2:]
        + (parts[1] if len(parts) > 1 else "<<")
        + (parts[2] if len(parts) > 2 else "<<")
    )


def _alpha3(code: str | None) -> str:
    try:
        return alpha3(code) if code else "XXA"
    except CountryError:
        return "XXA"


def td3(person: Person, number: str, today: date) -> str:
    """The two lines of a passport's machine-readable zone (TD3) for ``person``."""
    nationality = _alpha3(person.nationalities[0] if person.nationalities else None)
    number_field = number[:9].ljust(9, "<")
    birth = _yymmdd(person.date_of_birth)
    expiry = (today + timedelta(days=5 * 365)).strftime("%y%m%d")
    optional = "<" * 14
    second = (
        number_field + icao_check_digit(number_field) + nationality
        + birth + icao_check_digit(birth) + _MRZ_SEX.get(person.gender or Gender.UNSPECIFIED, "<")
        + expiry + icao_check_digit(expiry) + optional + icao_check_digit(optional)
    )  # fmt: skip
    composite = second[0:10] + second[13:20] + second[21:43]
    first = "P<" + nationality + mrz_name_field(person)
    return f"{first}\n{second + icao_check_digit(composite)}"


def mrz_probe(person: Person, source: int | None, rng: Random, today: date) -> MrzProbe:
    """A passport zone for ``person``: its own passport number when it has one that fits."""
    numbers = [d.number for d in person.documents if d.number.isalnum() and len(d.number) <= 9]
    number = (
        numbers[0] if numbers else "".join(rng.choices("ABCDEFGHJKLMNPRSTUVWXYZ0123456789", k=9))
    )
    return MrzProbe(td3(person, number.upper(), today), source)


def identifier_probe(value: str, source: int | None, rng: Random) -> IdentifierProbe:
    """An identifier as typed: as stored, with spaces or dashes, or with look-alike letters."""
    draw = rng.random()
    if draw < 0.5 or source is None:
        return IdentifierProbe(value, source, "as stored")
    if draw < 0.75:
        spaced = " ".join(value[i : i + 3] for i in range(0, len(value), 3))
        return IdentifierProbe(spaced.replace(" ", rng.choice(" -")), source, "separators")
    typed = "".join(_LOOK_ALIKES.get(c, c) if rng.random() < 0.5 else c for c in value)
    return IdentifierProbe(typed.lower() if rng.random() < 0.3 else typed, source, "look-alikes")

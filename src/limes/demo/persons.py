"""Person alerts: names, dates of birth, nationalities and documents that fit the category.

Border and return categories (Regulations 2018/1860 and 2018/1861) name only
third-country nationals, so their people come from the locales with such
nationalities. Children's categories get children. Names + date of birth are never
repeated within one generated set, so no two alerts are on the same person (the
compatibility check would otherwise refuse or report them).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from random import Random
from types import MappingProxyType
from typing import TypeVar

from limes.demo.codes import cumulative, weighted_index
from limes.demo.identifiers import IdentifierFactory
from limes.demo.names import NamePool
from limes.demo.places import CITIES
from limes.domain.alerts import (
    Alias,
    BiometricReference,
    DocumentType,
    Gender,
    IdentityDocument,
    Name,
    Person,
    PhysicalDescription,
)
from limes.domain.categories import CATEGORIES, CHILD_CATEGORIES, CategoryCode, WarningMarker
from limes.domain.countries import MEMBER_STATES
from limes.domain.match_keys import fold

_C = CategoryCode
_W = WarningMarker
_V = TypeVar("_V")

THIRD_COUNTRY_CATEGORIES = frozenset({_C.REFUSAL_OF_ENTRY, _C.TRAVEL_BAN, _C.RETURN_DECISION})

# Chance of each warning marker per category; the category table has the last word.
WARNING_ODDS: Mapping[CategoryCode, tuple[tuple[WarningMarker, float], ...]] = MappingProxyType(
    {
        _C.ARREST: ((_W.ARMED, 0.15), (_W.VIOLENT, 0.2), (_W.ABSCONDED_OR_ESCAPED, 0.1),
                    (_W.TERRORISM_RELATED, 0.03)),
        _C.PERSON_CHECK: ((_W.ARMED, 0.1), (_W.VIOLENT, 0.1), (_W.TERRORISM_RELATED, 0.1)),
        _C.UNKNOWN_WANTED: ((_W.ARMED, 0.2), (_W.VIOLENT, 0.3), (_W.TERRORISM_RELATED, 0.05)),
        _C.MISSING_PROTECTION: ((_W.SUICIDE_RISK, 0.1), (_W.PUBLIC_HEALTH_RISK, 0.02)),
        _C.MISSING_WHEREABOUTS: ((_W.SUICIDE_RISK, 0.05),),
        _C.VULNERABLE_ADULT_TRAVEL_PREVENTION: ((_W.SUICIDE_RISK, 0.1),),
        _C.JUDICIAL_PROCEDURE: ((_W.VIOLENT, 0.05),),
        _C.REFUSAL_OF_ENTRY: ((_W.VIOLENT, 0.03), (_W.TERRORISM_RELATED, 0.02),
                              (_W.PUBLIC_HEALTH_RISK, 0.01)),
        _C.TRAVEL_BAN: ((_W.TERRORISM_RELATED, 0.05),),
        _C.RETURN_DECISION: ((_W.VIOLENT, 0.02), (_W.ABSCONDED_OR_ESCAPED, 0.05)),
    }
)  # fmt: skip

OFFENCES = (
    "armed robbery", "murder", "drug trafficking", "fraud", "trafficking in human beings",
    "participation in a criminal organisation", "money laundering", "rape", "corruption",
    "computer-related crime", "arson", "migrant smuggling", "extortion", "burglary",
)  # fmt: skip
REASONS: Mapping[CategoryCode, tuple[str, ...]] = MappingProxyType(
    {
        _C.ARREST: ("European arrest warrant for {offence}",
                    "Extradition request for {offence}",
                    "European arrest warrant to serve a sentence for {offence}"),
        _C.MISSING_PROTECTION: ("Missing since {d}; to be placed under protection",
                                "Minor missing from a care home since {d}",
                                "Person with dementia missing since {d}"),
        _C.MISSING_WHEREABOUTS: ("Adult missing since {d}; family asks for whereabouts",
                                 "Missing since {d}; whereabouts to be communicated"),
        _C.CHILD_ABDUCTION_RISK: ("Risk of abduction by a parent to a third country; "
                                  "custody decision of {d}",),
        _C.CHILD_TRAVEL_PREVENTION: ("Risk of travel to an armed conflict zone",
                                     "Risk of forced marriage abroad",
                                     "Risk of becoming a victim of trafficking"),
        _C.VULNERABLE_ADULT_TRAVEL_PREVENTION: ("Adult under guardianship at risk of "
                                                "trafficking", "Risk of forced marriage abroad"),
        _C.JUDICIAL_PROCEDURE: ("Witness summoned in proceedings for {offence}",
                                "Summoned to appear before court for {offence}",
                                "To be served a judgment for {offence}"),
        _C.PERSON_CHECK: ("Suspected of {offence}",
                          "Serious threat to public security ({offence})"),
        _C.UNKNOWN_WANTED: ("Latent fingerprints from the scene of {offence} on {d}",
                            "DNA profile from the scene of {offence} on {d}"),
        _C.REFUSAL_OF_ENTRY: ("Entry ban after a conviction for {offence}",
                              "Entry ban accompanying a return decision",
                              "Threat to public policy"),
        _C.TRAVEL_BAN: ("Travel ban under restrictive measures (Art. 29 TEU)",),
        _C.RETURN_DECISION: ("Return decision after rejection of an application for "
                             "international protection", "Illegal stay after visa expiry"),
    }
)  # fmt: skip
EYES = ("brown", "blue", "green", "grey", "hazel")
HAIR = ("black", "brown", "blond", "red", "grey", "white")
MARKS = (
    "scar on the left cheek", "tattoo of a dragon on the right forearm",
    "tattoo of a rose on the left hand", "missing right index finger",
    "birthmark on the neck", "pierced left eyebrow", "scar above the right eye",
)  # fmt: skip
# Third countries whose nationals often hold a second third-country nationality.
_SECOND_DOCUMENTS: Mapping[bool, tuple[DocumentType, ...]] = MappingProxyType(
    {
        False: (DocumentType.ID_CARD, DocumentType.DRIVING_LICENCE),
        True: (DocumentType.ID_CARD, DocumentType.RESIDENCE_PERMIT, DocumentType.DRIVING_LICENCE),
    }
)
SECOND_NATIONALITIES = ("TR", "RU", "UA", "MA", "DZ", "SY", "IQ", "GE", "AM", "CN", "NG", "BR")


@dataclass(frozen=True, slots=True)
class PersonDraft:
    """The person part and what goes with it for one alert."""

    person: Person
    warnings: tuple[WarningMarker, ...]
    reason: str
    biometrics: tuple[BiometricReference, ...]


class _Locales:
    """Name pools with cumulative weights, for all people or third-country nationals only."""

    def __init__(self, pools: tuple[NamePool, ...], third_country: bool) -> None:
        self.entries: list[tuple[NamePool, tuple[str, ...], tuple[float, ...]]] = []
        weights = []
        for pool in pools:
            nationalities = (
                pool.third_country_nationalities() if third_country else pool.locale.nationalities
            )
            if not nationalities:
                continue
            codes = tuple(nationalities)
            self.entries.append((pool, codes, cumulative(nationalities[c] for c in codes)))
            weights.append(pool.locale.weight)
        self.cumulative = cumulative(weights)


class PersonFactory:
    """Builds the person part of person alerts (see the module docstring)."""

    def __init__(
        self,
        rng: Random,
        ids: IdentifierFactory,
        pools: tuple[NamePool, ...],
        reference: date,
    ) -> None:
        self.rng = rng
        self.ids = ids
        self.reference = reference
        self._everyone = _Locales(pools, third_country=False)
        self._third = _Locales(pools, third_country=True)
        self._seen: set[bytes] = set()
        self._folded: dict[str, str] = {}
        self._biometric = 0

    def _pick(self, items: tuple[_V, ...]) -> _V:
        return items[int(self.rng.random() * len(items))]

    def _days_ago(self, most: int, least: int = 1) -> date:
        return self.reference - timedelta(days=least + int(self.rng.random() * (most - least)))

    # -- the parts -------------------------------------------------------------------

    def _date_of_birth(self, category: CategoryCode) -> str | None:
        rng = self.rng
        if category in CHILD_CATEGORIES or (
            category is _C.MISSING_PROTECTION and rng.random() < 0.5
        ):
            born, full = self._days_ago(17 * 365, 365), 0.95
        else:
            if "date_of_birth" not in CATEGORIES[category].person_required and rng.random() < 0.04:
                return None
            born, full = self._days_ago(75 * 365, 18 * 365 + 5), 0.75
        roll = rng.random()
        if roll < full:
            return born.isoformat()
        if roll < full + (1 - full) * 0.6:
            return born.isoformat()[:7]
        return born.isoformat()[:4]

    def _names(self, pool: NamePool, gender: Gender) -> tuple[tuple[Name, ...], tuple[Name, ...]]:
        rng = self.rng
        female = gender is Gender.FEMALE or (gender is Gender.UNSPECIFIED and rng.random() < 0.5)
        surnames_pool = pool.surnames_female if female else pool.surnames_male
        forenames_pool = pool.forenames_female if female else pool.forenames_male
        surname = self._pick(surnames_pool)
        surnames: tuple[Name, ...] = (surname,)
        if pool.locale.two_surnames and rng.random() < 0.7:
            second = self._pick(surnames_pool)
            if second != surname:
                surnames = (surname, second)
        forename = self._pick(forenames_pool)
        forenames: tuple[Name, ...] = (forename,)
        if rng.random() < 0.2:
            second = self._pick(forenames_pool)
            if second != forename:
                forenames = (forename, second)
        return surnames, forenames

    def _fresh(self, surnames: tuple[Name, ...], forenames: tuple[Name, ...], dob: str) -> bool:
        """Claim names + date of birth (as the match key folds them); False if taken."""
        folded = self._folded
        parts = []
        for name in (*surnames, None, *forenames):
            if name is None:
                parts.append("|")
                continue
            f = folded.get(name.latin)
            if f is None:
                f = folded[name.latin] = fold(name.latin)
            parts.append(f)
        parts.append(dob)
        digest = hashlib.blake2b(" ".join(parts).encode(), digest_size=8).digest()
        if digest in self._seen:
            return False
        self._seen.add(digest)
        return True

    def _documents(
        self, nationality: str, state: str, third_country: bool
    ) -> tuple[IdentityDocument, ...]:
        rng = self.rng
        roll = rng.random()
        count = 0 if roll < 0.3 else 1 if roll < 0.85 else 2
        docs = []
        for i in range(count):
            if i == 0:
                kind = DocumentType.PASSPORT
            else:
                kind = self._pick(_SECOND_DOCUMENTS[third_country])
            issuer = state if kind is DocumentType.RESIDENCE_PERMIT else nationality
            valid_from = self._days_ago(9 * 365, 30)
            years = 10 if kind is DocumentType.PASSPORT else 5
            valid_until = _add_years(valid_from, years) - timedelta(days=1)
            if kind is DocumentType.DRIVING_LICENCE:
                number, check = self.ids.licence(issuer), None
            else:
                number, check = self.ids.travel_document(issuer)
            docs.append(IdentityDocument(kind, number, issuer, check, valid_from, valid_until))
        return tuple(docs)

    def _physical(self, gender: Gender | None) -> PhysicalDescription:
        rng = self.rng
        base = 163 if gender is Gender.FEMALE else 176
        marks = (self._pick(MARKS),) if rng.random() < 0.25 else ()
        return PhysicalDescription(
            height_cm=base - 12 + int(rng.random() * 25),
            eye_colour=self._pick(EYES),
            hair_colour=self._pick(HAIR),
            distinguishing_marks=marks,
        )

    def _warnings(self, category: CategoryCode) -> tuple[WarningMarker, ...]:
        allowed = CATEGORIES[category].warnings
        rand = self.rng.random
        return tuple(
            marker
            for marker, odds in WARNING_ODDS.get(category, ())
            if rand() < odds and marker in allowed
        )

    def _reason(self, category: CategoryCode) -> str:
        return self._pick(REASONS[category]).format(
            offence=self._pick(OFFENCES), d=self._days_ago(3 * 365).isoformat()
        )

    def biometrics(self, state: str, latent: bool) -> tuple[BiometricReference, ...]:
        """References to biometric records; a crime-scene trace for unknown persons."""
        self._biometric += 1
        n = self._biometric
        if latent:
            first = BiometricReference(
                "fingerprint", "ANSI/NIST-ITL 1-2011 Type-13", f"{state}-LATENT-{n:09d}"
            )
            if self.rng.random() < 0.3:
                return (first, BiometricReference(
                    "dna", "ANSI/NIST-ITL 1-2011 Type-18", f"{state}-DNA-{n:09d}"
                ))  # fmt: skip
            return (first,)
        return (
            BiometricReference("fingerprint", "ISO/IEC 19794-4:2011", f"{state}-AFIS-{n:09d}"),
            BiometricReference("face", "ISO/IEC 19794-5:2011", f"{state}-FACE-{n:09d}"),
        )

    # -- the person ------------------------------------------------------------------

    def unknown(self, state: str) -> PersonDraft:
        """A person known only by traces: gender and description at most."""
        rng = self.rng
        gender = (
            None if rng.random() < 0.3 else (Gender.MALE if rng.random() < 0.8 else Gender.FEMALE)
        )
        physical = self._physical(gender) if rng.random() < 0.5 else None
        return PersonDraft(
            Person(gender=gender, physical=physical),
            self._warnings(_C.UNKNOWN_WANTED),
            self._reason(_C.UNKNOWN_WANTED),
            self.biometrics(state, latent=True),
        )

    def person(self, category: CategoryCode, state: str) -> PersonDraft:
        if category is _C.UNKNOWN_WANTED:
            return self.unknown(state)
        rng = self.rng
        third = category in THIRD_COUNTRY_CATEGORIES
        locales = self._third if third else self._everyone
        pool, codes, cumulative = locales.entries[weighted_index(rng, locales.cumulative)]
        nationality = codes[weighted_index(rng, cumulative)]
        roll = rng.random()
        gender = (
            Gender.MALE if roll < 0.49 else Gender.FEMALE if roll < 0.98 else Gender.UNSPECIFIED
        )
        for _ in range(50):
            surnames, forenames = self._names(pool, gender)
            dob = self._date_of_birth(category)
            if dob is None or self._fresh(surnames, forenames, dob):
                break
        else:
            raise RuntimeError("could not find an unused name and date of birth")
        nationalities: tuple[str, ...] = (nationality,)
        if rng.random() < 0.05:
            second = self._pick(SECOND_NATIONALITIES)
            if second != nationality:
                nationalities = (nationality, second)
        birth_country = nationality if rng.random() < 0.85 else None
        cities = CITIES.get(birth_country or "", ())
        place = self._pick(cities) if cities and rng.random() < 0.6 else None
        aliases: tuple[Alias, ...] = ()
        if rng.random() < 0.1:
            alias_surnames, alias_forenames = self._names(pool, gender)
            aliases = (Alias(alias_surnames, alias_forenames[:1]),)
        names_at_birth: tuple[Name, ...] = ()
        if gender is Gender.FEMALE and rng.random() < 0.08:
            maiden = self._pick(pool.surnames_female)
            if maiden not in surnames:
                names_at_birth = (maiden,)
        person = Person(
            surnames=surnames,
            forenames=forenames,
            names_at_birth=names_at_birth,
            aliases=aliases,
            date_of_birth=dob,
            place_of_birth=place,
            country_of_birth=birth_country,
            gender=gender,
            nationalities=nationalities,
            documents=self._documents(nationality, state, nationality not in MEMBER_STATES),
            physical=self._physical(gender) if rng.random() < 0.3 else None,
        )
        biometrics = self.biometrics(state, latent=False) if rng.random() < 0.2 else ()
        return PersonDraft(person, self._warnings(category), self._reason(category), biometrics)


def _add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)

"""The features scored beside the name (date of birth, gender, nationality, document),
each a factor on the name score, and the explained ``Feature`` records scoring answers.

The rules and their figures are described in ``scoring.py``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from limes.domain.alerts import Gender, Person
from limes.search import dates
from limes.search.identifiers import skeleton
from limes.search.name_match import NameSet
from limes.search.query import PersonQuery

GENDER_DIFFERS = 0.85
NO_COMMON_NATIONALITY = 0.93
DOCUMENT_MATCH = 0.95
BIRTH_UNKNOWN = 0.9
ALERT_BIRTH_UNKNOWN = 0.78
"""The officer gave a date of birth and the alert holds none: the commonest wrong hit is
a namesake so recorded, so an exact name alone is a *possible* match here (never
dropped, ``tiers.py``), not a hit; the same name asked without a date still is one."""
DATE_EFFECT = {
    1.0: 1.0,
    0.9: 0.97,
    0.85: 0.95,
    0.75: 0.9,
    0.6: 0.8,
    0.45: 0.7,
    0.3: 0.6,
    0.0: 0.5,
}
"""Date agreement (``dates.py``) → factor on the score."""


@dataclass(frozen=True, slots=True)
class PartMatch:
    """How one query part was aligned: with which stored word, how, and how well."""

    role: str
    query: str
    alert: str | None
    score: float
    how: str


@dataclass(frozen=True, slots=True)
class Feature:
    """One scored feature: ``effect`` is its weight (name) or factor (the others)."""

    name: str
    score: float
    effect: float
    query: str | None
    alert: str | None
    note: str
    parts: tuple[PartMatch, ...] = ()


@dataclass(frozen=True, slots=True)
class Stored:
    """What scoring needs of a stored person."""

    name_sets: tuple[NameSet, ...]
    date_of_birth: str | None
    gender: Gender | None
    nationalities: tuple[str, ...]
    documents: tuple[str, ...]

    @classmethod
    def of(cls, person: Person, name_sets: Sequence[NameSet]) -> Stored:
        return cls(
            tuple(name_sets),
            person.date_of_birth,
            person.gender,
            person.nationalities,
            tuple(doc.number for doc in person.documents),
        )


def dates_disagree(query: PersonQuery, stored: Stored) -> bool:
    """Both dates known and neither equal as far as known nor a typing slip apart."""
    if not (query.date_of_birth and stored.date_of_birth):
        return False
    agreement = dates.compare(query.date_of_birth, stored.date_of_birth)
    return agreement.score < dates.LESS_KNOWN and not agreement.slip


def with_other_features(features: Sequence[Feature], name: float, document: bool) -> float:
    value = name
    for feature in features:
        if feature.name == "document":
            continue
        value *= feature.effect
    if document:
        value = max(value, DOCUMENT_MATCH)
    return value


def other_features(query: PersonQuery, stored: Stored) -> list[Feature]:
    features = []
    if query.date_of_birth and stored.date_of_birth:
        agreement = dates.compare(query.date_of_birth, stored.date_of_birth)
        features.append(
            Feature(
                "date_of_birth",
                agreement.score,
                DATE_EFFECT[agreement.score],
                query.date_of_birth,
                stored.date_of_birth,
                agreement.reason,
            )
        )
    else:
        missing = "the alert has" if query.date_of_birth else "the query has"
        features.append(
            Feature(
                "date_of_birth",
                0.0,
                ALERT_BIRTH_UNKNOWN if query.date_of_birth else BIRTH_UNKNOWN,
                query.date_of_birth,
                stored.date_of_birth,
                f"not compared: {missing} no date of birth",
            )
        )
    known = (Gender.FEMALE, Gender.MALE)
    if query.gender in known and stored.gender in known:
        same = query.gender == stored.gender
        features.append(
            Feature(
                "gender",
                1.0 if same else 0.0,
                1.0 if same else GENDER_DIFFERS,
                str(query.gender),
                str(stored.gender),
                "equal" if same else "differ",
            )
        )
    if query.nationalities and stored.nationalities:
        common = set(query.nationalities) & set(stored.nationalities)
        features.append(
            Feature(
                "nationality",
                1.0 if common else 0.0,
                1.0 if common else NO_COMMON_NATIONALITY,
                ",".join(query.nationalities),
                ",".join(stored.nationalities),
                "share " + ",".join(sorted(common)) if common else "none shared",
            )
        )
    if query.document_number:
        asked = skeleton(query.document_number)
        matched = next((d for d in stored.documents if skeleton(d) == asked), None)
        features.append(
            Feature(
                "document",
                1.0 if matched else 0.0,
                DOCUMENT_MATCH if matched else 1.0,
                query.document_number,
                matched,
                "same document number" if matched else "no document of this number",
            )
        )
    return features

"""The features scored beside the name (date of birth, gender, nationality, document),
each a factor on the name score, and the explained ``Feature`` records scoring answers.

Each feature is a small pure function of the query and the stored person, listed in
``OTHER_FEATURES`` with its weight (agreement score → factor), as nomenklatura's
matching logics list theirs. The rules and their figures are described in
``scoring.py``."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from limes.domain.alerts import Gender, Person
from limes.search import dates
from limes.search.identifiers import skeleton
from limes.search.name_match import NameSet
from limes.search.query import PersonQuery

GENDER_DIFFERS = 0.85
NO_COMMON_NATIONALITY = 0.88
"""No nationality shared: with an exact name and a date only a year apart or unknown
(0.9), a possible match (0.79), not a hit: such namesakes were most of the remaining
wrong hits for people not in the system; with the date agreeing, still a hit."""
DOCUMENT_MATCH = 0.95
BIRTH_UNKNOWN = 0.9
ALERT_BIRTH_UNKNOWN = 0.6
"""The officer gave a date of birth and the alert holds none: the commonest wrong hit is
a namesake so recorded, so an exact name alone is a *possible* match here (never
dropped, ``tiers.py``), not a hit; the same name asked without a date still is one.
Among the possible matches it comes after any date that agrees in part (``DATE_EFFECT``):
at 0.78 it put exact-name namesakes without a date above the person asked for with a
year mistyped (bench-names ``date_slip``: 8 of 460 on seed 11)."""
DATE_EFFECT = {
    1.0: 1.0,
    0.9: 0.95,
    0.85: 0.95,
    0.75: 0.9,
    0.6: 0.78,
    0.45: 0.7,
    0.42: 0.68,
    0.4: 0.65,
    0.3: 0.6,
    0.0: 0.5,
}
"""Date agreement (``dates.py``) → factor on the score. Equal as far as both are known
(0.9: the alert or the query holds only the year, or the year and month) counts no more
than a whole date with a slip (0.85: day and month swapped, a leap day's neighbour): a
year alone is shared by one person in some eighty, a whole date slipped by one in many
thousands, so it does not make a name with a first-letter slip (Hưng/Tùng, 0.78) a hit
(``tiers.py``). Below a hit for any name, the grades order the possible matches by
the evidence of the date: another day of the month asked, or another month of the day
(0.6: 0.78, ``tiers.py``: a possible match even for an exact name), then a whole date
with its year mistyped (0.45: day and month
agree, one namesake in some 1,400 shares that) before the year alone confirmed (0.42,
``YEAR_ONLY_CONFIRMED``: one in some eighty), before a slip nothing confirms (0.4,
``dates.UNCONFIRMED``), before an alert that holds no date (``ALERT_BIRTH_UNKNOWN``)."""


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


def identities(person: Person) -> list[NameSet]:
    """The identities a person is known under: the main one, birth and previous
    surnames with the main forenames, and each alias."""
    sets = [NameSet.of(person.surnames, person.forenames, "name")]
    for label, surnames in (
        ("name at birth", person.names_at_birth),
        ("previous name", person.previous_names),
    ):
        if surnames:
            sets.append(NameSet.of(surnames, person.forenames, label))
    for alias in person.aliases:
        sets.append(NameSet.of(alias.surnames, alias.forenames, "alias"))
    return [s for s in sets if s.strings]


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


@dataclass(frozen=True, slots=True)
class Agreement:
    """What a feature function finds: how far the two values agree (0..1), the values
    compared as the officer is shown them, and why."""

    score: float
    query: str | None
    alert: str | None
    note: str


Compare = Callable[[PersonQuery, Stored], Agreement | None]
"""A feature function: pure, of the query and the stored person alone; ``None`` where
the feature does not apply (its value unknown on either side)."""


@dataclass(frozen=True, slots=True)
class Weighted:
    """A feature function with its weight: the factor on the name score for each
    agreement score the function can find."""

    name: str
    compare: Compare
    weight: Mapping[float, float]
    reads: str
    """The one field of ``Stored`` the function reads (``other_effects`` asks it once per
    distinct value of that field)."""


def birth_dates_compared(query: PersonQuery, stored: Stored) -> Agreement | None:
    """Both dates of birth known: their agreement as ``dates.compare`` grades it, at
    most ``UNCORROBORATED_YEAR`` where the years differ and the two dates are not known
    alike (``uncorroborated_year``), and ``YEAR_ONLY_CONFIRMED`` where the officer gave
    the month and the alert confirms only the year (``alert_confirms_only_the_year``)."""
    if not (query.date_of_birth and stored.date_of_birth):
        return None
    asked = query.date_of_birth
    held = stored.date_of_birth
    agreement = dates.compare(asked, held)
    if agreement.score > UNCORROBORATED_YEAR and uncorroborated_year(asked, held):
        reason = f"{agreement.reason}; only one side holds the rest of the date to confirm it"
        return Agreement(UNCORROBORATED_YEAR, asked, held, reason)
    if agreement.score > YEAR_ONLY_CONFIRMED and alert_confirms_only_the_year(asked, held):
        reason = f"{agreement.reason}; the alert holds only the year of the date asked"
        return Agreement(YEAR_ONLY_CONFIRMED, asked, held, reason)
    return Agreement(agreement.score, asked, held, agreement.reason)


UNCORROBORATED_YEAR = dates.UNCONFIRMED
"""A year one off (or its digits transposed) is a typing slip when the rest of the date
agrees; where the two dates are not known alike (one holds the month or the day the
other lacks), what the other lacks cannot agree, and an exact name so dated is as often
a namesake born the next year — the commonest wrong hit for people not in the system
(issue 14: Ali Shahi Naznin 1986-10-20 against 1987-10). It is graded as a mistyped
year: an exact name stays a *possible* match (``tiers.py``: a slip never drops it), not
a hit, after a whole date with its year mistyped. Dates known alike (both only the
year, both year and month) keep their grade."""


def uncorroborated_year(asked: str, held: str) -> bool:
    """The years differ and the two dates are not known to the same precision."""
    a, b = dates.PartialDate.parse(asked), dates.PartialDate.parse(held)
    return a.year != b.year and (a.month is None, a.day is None) != (
        b.month is None,
        b.day is None,
    )


YEAR_ONLY_CONFIRMED = 0.42
"""The grade of a date the officer gave with its month (and day) where the alert holds
only the year, the same: the alert confirms one part in some eighty people share, and
exact-name namesakes so recorded were most of the wrong hits left for people not in the
system (issue 14: Mai Quang 1974-11-13 against 1974). Its factor
(``DATE_EFFECT``: 0.68) keeps an exact name a *possible* match, after a whole date with
its year mistyped and before an alert that holds no date at all. The other way round — the
officer gave only the year and the alert holds it — the alert confirms all that was
asked, as an exact name asked without a date is a hit (``BIRTH_UNKNOWN``): a part of the
date the officer did not give is not held against an alert whose year agrees."""


def alert_confirms_only_the_year(asked: str, held: str) -> bool:
    """The query's date holds the month, the alert's only the year."""
    a, b = dates.PartialDate.parse(asked), dates.PartialDate.parse(held)
    return a.month is not None and b.month is None


def birth_date_unknown_to_query(query: PersonQuery, stored: Stored) -> Agreement | None:
    """The query gives no date of birth: a name alone is less evidence."""
    if query.date_of_birth:
        return None
    note = "not compared: the query has no date of birth"
    return Agreement(0.0, query.date_of_birth, stored.date_of_birth, note)


def birth_date_unknown_to_alert(query: PersonQuery, stored: Stored) -> Agreement | None:
    """The query gives a date of birth the alert does not hold (``ALERT_BIRTH_UNKNOWN``)."""
    if not query.date_of_birth or stored.date_of_birth:
        return None
    note = "not compared: the alert has no date of birth"
    return Agreement(0.0, query.date_of_birth, stored.date_of_birth, note)


_KNOWN_GENDERS = (Gender.FEMALE, Gender.MALE)


def same_gender(query: PersonQuery, stored: Stored) -> Agreement | None:
    """Both genders known (female or male): equal or not."""
    if query.gender not in _KNOWN_GENDERS or stored.gender not in _KNOWN_GENDERS:
        return None
    same = query.gender == stored.gender
    note = "equal" if same else "differ"
    return Agreement(1.0 if same else 0.0, str(query.gender), str(stored.gender), note)


def shared_nationality(query: PersonQuery, stored: Stored) -> Agreement | None:
    """Both sides name nationalities: whether they share one."""
    if not (query.nationalities and stored.nationalities):
        return None
    common = set(query.nationalities) & set(stored.nationalities)
    return Agreement(
        1.0 if common else 0.0,
        ",".join(query.nationalities),
        ",".join(stored.nationalities),
        "share " + ",".join(sorted(common)) if common else "none shared",
    )


def same_document(query: PersonQuery, stored: Stored) -> Agreement | None:
    """The query names a document: whether the person holds one of that number, compared
    by ``identifiers.skeleton`` (case, spaces and punctuation aside)."""
    if not query.document_number:
        return None
    asked = skeleton(query.document_number)
    matched = next((d for d in stored.documents if skeleton(d) == asked), None)
    note = "same document number" if matched else "no document of this number"
    return Agreement(1.0 if matched else 0.0, query.document_number, matched, note)


OTHER_FEATURES: tuple[Weighted, ...] = (
    Weighted("date_of_birth", birth_dates_compared, DATE_EFFECT, "date_of_birth"),
    Weighted("date_of_birth", birth_date_unknown_to_query, {0.0: BIRTH_UNKNOWN}, "date_of_birth"),
    Weighted(
        "date_of_birth", birth_date_unknown_to_alert, {0.0: ALERT_BIRTH_UNKNOWN}, "date_of_birth"
    ),
    Weighted("gender", same_gender, {1.0: 1.0, 0.0: GENDER_DIFFERS}, "gender"),
    Weighted(
        "nationality", shared_nationality, {1.0: 1.0, 0.0: NO_COMMON_NATIONALITY}, "nationalities"
    ),
    # A matching document is no factor: it lifts the score (``with_other_features``).
    Weighted("document", same_document, {1.0: DOCUMENT_MATCH, 0.0: 1.0}, "documents"),
)
"""The features beside the name, in the order an answer explains them. Exactly one of
the three date functions applies to any pair."""


def other_features(query: PersonQuery, stored: Stored) -> list[Feature]:
    """Each feature of ``OTHER_FEATURES`` that applies to the pair, with its weighted
    effect, in the list's order."""
    features = []
    for feature in OTHER_FEATURES:
        found = feature.compare(query, stored)
        if found is not None:
            effect = feature.weight[found.score]
            features.append(
                Feature(feature.name, found.score, effect, found.query, found.alert, found.note)
            )
    return features


class Effects(NamedTuple):
    """``other_features`` of many stored persons at once, as arrays (one entry each):
    what scoring needs of them, without a ``Feature`` per person (``other_effects``)."""

    factors: npt.NDArray[np.float64]
    """Per feature of ``OTHER_FEATURES`` but the document, a row of its effect on each
    person, 1.0 where it does not apply: ``with_other_features`` multiplies them in."""
    agreeing: npt.NDArray[np.int64]
    """The features whose score is 1.0 (agreeing exactly)."""
    document: npt.NDArray[np.bool_]
    """The person holds the document asked (``same_document``)."""
    disagrees: npt.NDArray[np.bool_]
    """``dates_disagree``."""


def other_effects(query: PersonQuery, people: Sequence[Stored]) -> Effects:
    """``other_features`` (and ``dates_disagree``) of each of ``people``, as ``Effects``.
    Each feature function reads one field (``reads``) and is asked once per distinct
    value of it, of one person holding that value: candidates share genders,
    nationalities and often dates of birth, and the answers are the function's own."""
    columns = {
        field: [getattr(person, field) for person in people]
        for field in {feature.reads for feature in OTHER_FEATURES}
    }
    holders = {field: dict(zip(values, people, strict=True)) for field, values in columns.items()}
    weighed = [f for f in OTHER_FEATURES if f.name != "document"]
    factors = np.ones((len(weighed), len(people)), dtype=np.float64)
    agreeing = np.zeros(len(people), dtype=np.int64)
    document = np.zeros(len(people), dtype=np.bool_)
    for feature in OTHER_FEATURES:
        found: dict[Hashable, tuple[float, bool]] = {}
        for value, holder in holders[feature.reads].items():
            agreement = feature.compare(query, holder)
            found[value] = (
                (1.0, False)
                if agreement is None
                else (feature.weight[agreement.score], agreement.score >= 1.0)
            )
        pairs = [found[value] for value in columns[feature.reads]]
        agree = np.fromiter((a for _, a in pairs), np.bool_, len(pairs))
        agreeing += agree
        if feature.name == "document":
            document |= agree
        else:
            row = factors[weighed.index(feature)]
            row[:] = np.fromiter((e for e, _ in pairs), np.float64, len(pairs))
    dates = columns["date_of_birth"]
    disagrees = {d: dates_disagree(query, p) for d, p in holders["date_of_birth"].items()}
    return Effects(
        factors,
        agreeing,
        document,
        np.fromiter(map(disagrees.__getitem__, dates), np.bool_, len(dates)),
    )

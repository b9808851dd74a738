"""The labelled evaluation set: person alerts and the queries derived from them.

Alerts are the person content of Limes' demo generator (``DemoGenerator.person_alert``
for ``seed``), persons known only by traces (no name) left out, each given an integer
slot in order. Every query but ``absent`` is made from ONE alert, its target, by one
maker of ``variants.KINDS``, ``classes.CLASSES`` (the spelling classes and date slips
of issue 14, each its own kind) or ``combined``; targets are drawn without repetition
within a kind from a ``Random(seed)`` shuffle. ``absent`` queries are people of a fresh
generator seed whose folded names + date of birth match no stored alert. Such a person
may bear a stored person's name up to a slip, a missing or reordered forename; where
one of them has no date of birth and the other has, no kind here relates them (every
kind judged by its hits carries the target's date or a variant of it, never none), so
a strong hit there is a false one (``limes.search.tiers``, "No date asked").

A query carries names as strings, the date of birth as a string (possibly with 00 for
unknown parts), the gender half of the time and the nationalities half of the time.

Both files are JSON lines: ``alerts.jsonl`` holds ``{"slot", "person"}`` with the
person as Limes encodes it (``limes.codec``); ``queries.jsonl`` holds ``Query`` fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from itertools import count, islice
from pathlib import Path
from random import Random
from typing import Any

import orjson

from bench.names.classes import CLASSES
from bench.names.variants import KINDS, Draft, Maker, Part, combined, fold
from limes import codec
from limes.demo.generator import DemoGenerator
from limes.domain.alerts import Name, Person

__all__ = [
    "ABSENT",
    "ALL_KINDS",
    "COMBINED",
    "Query",
    "draft_of",
    "make_queries",
    "named_people",
    "people",
    "read_alerts",
    "read_queries",
    "write_alerts",
    "write_queries",
]

COMBINED = "combined"
ABSENT = "absent"
ALL_KINDS: tuple[str, ...] = (*KINDS, *CLASSES, COMBINED, ABSENT)
ABSENT_SEED_OFFSET = 1_000_003  # the fresh seed of the people who are not in the data
_LANGUAGES = {"UA": "uk", "BG": "bg"}  # Cyrillic names of other nationalities are Russian


@dataclass(frozen=True, slots=True)
class Query:
    """One labelled query; ``target`` is the slot it was made from (None: absent)."""

    id: int
    kind: str
    target: int | None
    surnames: tuple[str, ...]
    forenames: tuple[str, ...]
    date_of_birth: str | None
    gender: str | None
    nationalities: tuple[str, ...]
    note: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Query:
        lists = {k: tuple(data[k]) for k in ("surnames", "forenames", "nationalities")}
        return cls(**{**data, **lists})


def named_people(seed: int) -> Iterator[Person]:
    """The named persons of the demo generator for ``seed``, in order, without end."""
    generator = DemoGenerator(seed)
    for index in count():
        person = generator.person_alert(index)[1].person
        if person is not None and person.surnames:
            yield person


def people(count_: int, seed: int) -> list[Person]:
    """The first ``count_`` named persons of the demo generator for ``seed``."""
    return list(islice(named_people(seed), count_))


def _key(surnames: Iterable[Name], forenames: Iterable[Name], dob: str | None) -> str:
    return f"{' '.join(fold(n.latin) for n in surnames)}|" \
           f"{' '.join(fold(n.latin) for n in forenames)}|{dob}"  # fmt: skip


def draft_of(person: Person) -> Draft:
    """The stored names (Latin text, original kept) and date of birth of a person."""

    def part(name: Name) -> Part:
        return Part(name.latin, name.original, name.script)

    language = _LANGUAGES.get(person.nationalities[0], "ru") if person.nationalities else "ru"
    return Draft(
        surnames=tuple(map(part, person.surnames)),
        forenames=tuple(map(part, person.forenames)),
        date_of_birth=person.date_of_birth,
        language=language,
    )


class _Builder:
    """Numbers queries and adds the sometimes-given gender and nationalities."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng
        self.queries: list[Query] = []

    def add(self, kind: str, target: int | None, person: Person, draft: Draft) -> None:
        rng = self.rng
        gender = person.gender.value if person.gender and rng.random() < 0.5 else None
        nationalities = person.nationalities if rng.random() < 0.5 else ()
        self.queries.append(
            Query(
                id=len(self.queries),
                kind=kind,
                target=target,
                surnames=tuple(p.text for p in draft.surnames),
                forenames=tuple(p.text for p in draft.forenames),
                date_of_birth=draft.date_of_birth,
                gender=gender,
                nationalities=tuple(nationalities),
                note=";".join(draft.notes),
            )
        )


def make_queries(persons: list[Person], per_kind: int, seed: int) -> list[Query]:
    """``per_kind`` queries of every kind in ``ALL_KINDS`` (fewer only if too few fit)."""
    rng = Random(seed)
    builder = _Builder(rng)
    makers: dict[str, Maker] = {**KINDS, **CLASSES, COMBINED: combined}
    for kind, maker in makers.items():
        slots = list(range(len(persons)))
        rng.shuffle(slots)
        made = 0
        for slot in slots:
            if made >= per_kind:
                break
            draft = maker(draft_of(persons[slot]), rng)
            if draft is not None and (draft.surnames or draft.forenames):
                builder.add(kind, slot, persons[slot], draft)
                made += 1
    stored = {_key(p.surnames, p.forenames, p.date_of_birth) for p in persons}
    fresh = (
        p for p in named_people(seed + ABSENT_SEED_OFFSET)
        if _key(p.surnames, p.forenames, p.date_of_birth) not in stored
    )  # fmt: skip
    for person in islice(fresh, per_kind):
        builder.add(ABSENT, None, person, draft_of(person).noted("absent"))
    return builder.queries


# -- files -------------------------------------------------------------------------------


def write_alerts(path: Path, persons: Iterable[Person]) -> None:
    with path.open("wb") as out:
        for slot, person in enumerate(persons):
            out.write(orjson.dumps({"slot": slot, "person": person}) + b"\n")


def read_alerts(path: Path) -> Iterator[tuple[int, Person]]:
    with path.open("rb") as lines:
        for line in lines:
            record = orjson.loads(line)
            yield record["slot"], codec.decode(Person, orjson.dumps(record["person"]))


def write_queries(path: Path, queries: Iterable[Query]) -> None:
    with path.open("wb") as out:
        for query in queries:
            out.write(orjson.dumps(asdict(query)) + b"\n")


def read_queries(path: Path) -> list[Query]:
    with path.open("rb") as lines:
        return [Query.from_json(orjson.loads(line)) for line in lines]

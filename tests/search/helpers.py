"""Shared pieces of the person search tests: a stored person and a query, briefly, and
a person as scoring sees it."""

from __future__ import annotations

from limes.domain.alerts import Name, Person
from limes.search.features import Stored
from limes.search.name_match import NameSet
from limes.search.query import PersonQuery


def person(
    surnames: list[Name], forenames: list[Name], born: str | None = "1980-05-17", **more: object
) -> Person:
    return Person(surnames=tuple(surnames), forenames=tuple(forenames), date_of_birth=born, **more)  # type: ignore[arg-type]


def q(
    surnames: list[str], forenames: list[str], born: str | None = "1980-05-17", **more: object
) -> PersonQuery:
    return PersonQuery(tuple(surnames), tuple(forenames), born, **more)  # type: ignore[arg-type]


def stored(person: Person) -> Stored:
    """``person`` as scoring sees it, under its main name only."""
    return Stored.of(person, [NameSet.of(person.surnames, person.forenames, "name")])

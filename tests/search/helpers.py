"""Shared pieces of the person search tests: a stored person and a query, briefly."""

from __future__ import annotations

from limes.domain.alerts import Name, Person
from limes.search.query import PersonQuery


def person(
    surnames: list[Name], forenames: list[Name], born: str | None = "1980-05-17", **more: object
) -> Person:
    return Person(surnames=tuple(surnames), forenames=tuple(forenames), date_of_birth=born, **more)  # type: ignore[arg-type]


def q(
    surnames: list[str], forenames: list[str], born: str | None = "1980-05-17", **more: object
) -> PersonQuery:
    return PersonQuery(tuple(surnames), tuple(forenames), born, **more)  # type: ignore[arg-type]

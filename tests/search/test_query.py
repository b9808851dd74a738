"""A person query is checked before it is searched: every problem named by its pointer,
the date of birth brought to its canonical partial form."""

from __future__ import annotations

import pytest

from limes.errors import InvalidInput
from limes.search.query import MAX_NAME_FIELDS, MAX_NAME_LENGTH, PersonQuery, validated


@pytest.mark.parametrize(
    ("query", "pointers"),
    [
        (PersonQuery(forenames=("Olga",)), ["/surnames"]),
        (PersonQuery(("Ivanova",) * (MAX_NAME_FIELDS + 1)), ["/surnames"]),
        (PersonQuery(("Ivanova", " ")), ["/surnames/1"]),
        (PersonQuery(("Ivanova",), ("x" * (MAX_NAME_LENGTH + 1),)), ["/forenames/0"]),
        (PersonQuery(("Ivanova",), ("1234",)), ["/forenames/0"]),
        (PersonQuery(("Ivanova",), date_of_birth="17.05.1980"), ["/date_of_birth"]),
        (PersonQuery(("Ivanova",), nationalities=("UA", "XX")), ["/nationalities/1"]),
        (PersonQuery(document_number=" -/ "), ["/document_number"]),
        (
            PersonQuery((), ("", "Olga"), "1980-13"),
            ["/surnames", "/forenames/0", "/date_of_birth"],
        ),
    ],
)
def test_every_problem_is_named_by_its_pointer(query: PersonQuery, pointers: list[str]) -> None:
    with pytest.raises(InvalidInput) as refused:
        validated(query)
    assert [problem.pointer for problem in refused.value.errors] == pointers


@pytest.mark.parametrize(
    ("written", "canonical"),
    [("1980-05-17", "1980-05-17"), ("1980-05-00", "1980-05"), ("1980-00-00", "1980"), (None, None)],
)
def test_the_date_of_birth_is_brought_to_its_partial_form(
    written: str | None, canonical: str | None
) -> None:
    query = PersonQuery(("Ivanova",), ("Olga",), written)
    assert validated(query) == PersonQuery(("Ivanova",), ("Olga",), canonical)


def test_a_document_number_alone_is_a_query() -> None:
    query = PersonQuery(document_number="L898902C3")
    assert validated(query) == query

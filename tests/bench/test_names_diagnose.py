"""bench/names/diagnose: a miss is sorted by where it comes from."""

from __future__ import annotations

from bench.names.dataset import Query
from bench.names.diagnose import classify

from limes.domain.alerts import Name, Person
from limes.search.persons import PersonIndex


def _query(surname: str, forename: str, target: int | None) -> Query:
    return Query(0, "k", target, (surname,), (forename,), "1980-05-17", None, (), "")


def _index() -> PersonIndex:
    def born(surname: str, forename: str) -> Person:
        return Person(surnames=(Name(surname),), forenames=(Name(forename),),
                      date_of_birth="1980-05-17")  # fmt: skip

    built = PersonIndex()
    built.add_many([(0, born("Kowalski", "Jan")), (1, born("Nowak", "Anna"))])
    return built


def _cause(query: Query) -> str | None:
    miss = classify(_index(), query)
    return miss[0] if miss else None


def test_a_target_found_first_is_no_miss() -> None:
    assert _cause(_query("Kowalski", "Jan", 0)) is None


def test_a_target_sharing_no_blocking_key_is_not_retrieved() -> None:
    assert _cause(_query("Zzyzx", "Qwerty", 1)) == "not retrieved"


def test_a_target_scored_under_both_tiers_has_no_tier() -> None:
    assert _cause(_query("Kowalski", "Anna", 1)) == "no tier"


def test_an_absent_person_with_a_hit_is_counted() -> None:
    assert _cause(_query("Nowak", "Anna", None)) == "absent hit"
    assert _cause(_query("Zzyzx", "Qwerty", None)) is None


def test_a_date_slip_first_among_the_possible_matches_is_a_miss_only_of_other_kinds() -> None:
    # born five years apart, the rest agreeing: a slip, a possible match with no hit above
    slip = Query(0, "date_slip", 0, ("Kowalski",), ("Jan",), "1975-05-17", None, (), "")
    assert _cause(slip) is None
    other = Query(0, "typo", 0, ("Kowalski",), ("Jan",), "1975-05-17", None, (), "")
    assert _cause(other) == "possible"


def test_a_target_tied_first_with_a_namesake_is_no_miss() -> None:
    # two alerts alike in all the query holds: whichever comes first, no miss (``metrics``)
    def namesake(born: str) -> Person:
        return Person(surnames=(Name("Mai"),), forenames=(Name("Huy"),), date_of_birth=born)

    built = PersonIndex()
    built.add_many([(0, namesake("1978-11-09")), (1, namesake("1964-09-14"))])
    for target in (0, 1):
        query = Query(0, "k", target, ("Mai",), ("Huy",), None, None, (), "")
        assert classify(built, query) is None

"""The features beside the name: small pure functions, each listed with its weight, that
together score exactly as the one function they replaced did."""

from __future__ import annotations

import ast
import inspect
import textwrap
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.search.helpers import stored
from tests.syntax import parsed

from limes.domain.alerts import DocumentType, Gender, IdentityDocument, Name, Person
from limes.search import features
from limes.search.features import (
    DOCUMENT_MATCH,
    OTHER_FEATURES,
    Stored,
    dates_disagree,
    other_effects,
    other_features,
    with_other_features,
)
from limes.search.name_match import query_names
from limes.search.query import PersonQuery
from limes.search.scoring import Scorer

MUELLER = Person(
    surnames=(Name("Müller"),),
    forenames=(Name("Jürgen"),),
    date_of_birth="1980-05-17",
    gender=Gender.MALE,
    nationalities=("DE",),
    documents=(IdentityDocument(DocumentType.PASSPORT, "L898902C3", "DE"),),
)
UNDATED = Person(surnames=(Name("Müller"),), forenames=(Name("Jürgen"),))

# Captured from the scorer before its features became a weighted list: (query, person,
# (score, name score, date disagrees, document, features agreeing),
# (name, score, effect) of each feature beside the name).
BEFORE = [
    (
        PersonQuery(("Müller",), ("Jürgen",), "1980-05-17", Gender.MALE, ("DE",)),
        MUELLER,
        (1.0, 1.0, False, False, 4),
        [("date_of_birth", 1.0, 1.0), ("gender", 1.0, 1.0), ("nationality", 1.0, 1.0)],
    ),
    (
        PersonQuery(("Mueller",), ("Juergen",), "1980-05-71", Gender.FEMALE, ("FR",)),
        MUELLER,
        (0.6732, 1.0, False, False, 1),  # 0.71145 while no shared nationality was 0.93
        [("date_of_birth", 0.75, 0.9), ("gender", 0.0, 0.85), ("nationality", 0.0, 0.88)],
    ),
    (
        PersonQuery(("Muller",), ("Jurgen",)),
        MUELLER,
        (0.9, 1.0, False, False, 1),
        [("date_of_birth", 0.0, 0.9)],
    ),
    (
        PersonQuery(("Müller",), ("Jürgen",), "1980-05-17"),
        UNDATED,
        (0.6, 1.0, False, False, 1),  # 0.78 before it ranked after a date partly agreeing
        [("date_of_birth", 0.0, 0.6)],
    ),
    (
        PersonQuery(("Miller",), ("George",), "1990", document_number="l898 902 c3"),
        MUELLER,
        (0.95, 0.91311115026474, False, True, 1),
        # a year against a whole date, ten off: a slip nothing confirms (0.45, 0.7 before)
        [("date_of_birth", 0.4, 0.65), ("document", 1.0, 0.95)],
    ),
    (
        PersonQuery(("Müller",), ("Jürgen",), "1979-01-02", Gender.MALE, ("AT", "DE"), "X1"),
        MUELLER,
        (0.5, 1.0, True, False, 3),
        [
            ("date_of_birth", 0.0, 0.5),
            ("gender", 1.0, 1.0),
            ("nationality", 1.0, 1.0),
            ("document", 0.0, 1.0),
        ],
    ),
]
PAIRS = [(query, stored(person)) for query, person, _, _ in BEFORE] + [
    (PersonQuery(("Müller",), gender=Gender.MALE), stored(UNDATED)),
    (PersonQuery(("Müller",), (), "1980", Gender.FEMALE, ("DE",), "Z9"), stored(UNDATED)),
]


@pytest.mark.parametrize(("query", "person", "evidence", "expected"), BEFORE)
def test_the_weighted_list_scores_as_before(
    query: PersonQuery,
    person: Person,
    evidence: tuple[float, float, bool, bool, int],
    expected: list[tuple[str, float, float]],
) -> None:
    wanted = query_names(query.surnames, query.forenames)
    (scored,), _ = Scorer().score(query, wanted, [(0, stored(person))])
    got = scored.evidence
    assert (got.score, got.name, got.date_disagrees, got.document, scored.agreeing) == evidence
    assert [(f.name, f.score, f.effect) for f in other_features(query, stored(person))] == (
        expected
    )


def _feature_functions() -> set[object]:
    """Every function of ``features`` with a feature function's signature."""
    return {
        function
        for _, function in inspect.getmembers(features, inspect.isfunction)
        if function.__module__ == features.__name__
        and list(inspect.signature(function).parameters) == ["query", "stored"]
        and inspect.signature(function).return_annotation == "Agreement | None"
    }


def test_every_feature_function_is_listed_with_a_weight() -> None:
    listed = [feature.compare for feature in OTHER_FEATURES]
    assert len(listed) == len(set(listed)), "a feature function is listed twice"
    assert set(listed) == _feature_functions()
    for feature in OTHER_FEATURES:
        assert feature.weight, feature.name
        assert all(0.0 < factor <= 1.0 for factor in feature.weight.values()), feature.name


@pytest.mark.parametrize(("query", "person"), PAIRS)
def test_each_score_found_has_a_weight_and_one_date_function_applies(
    query: PersonQuery, person: Stored
) -> None:
    dated = 0
    for feature in OTHER_FEATURES:
        found = feature.compare(query, person)
        if found is not None:
            assert found.score in feature.weight, (feature.name, found.score)
            dated += feature.name == "date_of_birth"
    assert dated == 1


@pytest.mark.parametrize("feature", OTHER_FEATURES, ids=lambda f: f.compare.__name__)
def test_every_feature_function_is_pure(feature: features.Weighted) -> None:
    source = parsed(textwrap.dedent(inspect.getsource(feature.compare)))
    for node in ast.walk(source):
        assert not isinstance(node, ast.Global | ast.Nonlocal), feature.compare.__name__
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            assert all(isinstance(t, ast.Name) for t in targets), "assigns beyond its locals"
    for query, person in PAIRS:
        before = repr((query, person))  # a NameSet holds arrays: compare their print
        first = feature.compare(query, person)
        assert feature.compare(query, person) == first
        assert repr((query, person)) == before


_DATES = st.sampled_from(
    [None, "1980", "1981", "1980-05", "1980-05-17", "1980-05-18", "1980-17-05", "1981-05-17"]
)
_GENDERS = st.sampled_from([None, *Gender])
_NATIONS = st.lists(st.sampled_from(["DE", "FR", "IE"]), max_size=2, unique=True).map(tuple)
_DOCUMENTS = st.lists(st.sampled_from(["L898902C3", "l898 902-c3", "X1"]), max_size=2).map(tuple)
_QUERIES = st.builds(
    PersonQuery,
    st.just(("Müller",)),
    st.just(("Jürgen",)),
    _DATES,
    _GENDERS,
    _NATIONS,
    st.sampled_from([None, "L898902C3", "Z9"]),
)
_PEOPLE = st.lists(
    st.builds(Stored, st.just(()), _DATES, _GENDERS, _NATIONS, _DOCUMENTS), max_size=30
)


@settings(max_examples=300, deadline=None)
@given(_QUERIES, _PEOPLE, st.lists(st.floats(0.0, 1.0), min_size=30, max_size=30))
def test_other_effects_equal_each_persons_features(
    query: PersonQuery, people: list[Stored], names: list[float]
) -> None:
    """``other_effects`` finds for many people at once what ``other_features`` (and
    ``dates_disagree``) find one at a time: to the last bit of the score."""
    effects = other_effects(query, people)
    for n, (person, name) in enumerate(zip(people, names, strict=False)):
        found = other_features(query, person)
        document = any(f.name == "document" and f.score >= 1.0 for f in found)
        value = name
        for factor in effects.factors[:, n].tolist():
            value *= factor
        if effects.document[n]:
            value = max(value, DOCUMENT_MATCH)
        assert value == with_other_features(found, name, document)
        assert bool(effects.document[n]) is document
        assert int(effects.agreeing[n]) == sum(f.score >= 1.0 for f in found)
        assert bool(effects.disagrees[n]) is dates_disagree(query, person)


@pytest.mark.parametrize("feature", OTHER_FEATURES, ids=lambda f: f.compare.__name__)
def test_every_feature_function_reads_only_the_field_it_names(
    feature: features.Weighted,
) -> None:
    """``other_effects`` asks each function once per value of its ``reads`` field."""
    for query, person in PAIRS:
        alone = replace(
            Stored((), None, None, (), ()), **{feature.reads: getattr(person, feature.reads)}
        )
        assert feature.compare(query, alone) == feature.compare(query, person)

"""The scorer: the name score first, the other features only where they may still
matter, a matching document over all; and a name explained part by part."""

from __future__ import annotations

import pytest
from tests.search.helpers import stored

from limes.domain.alerts import DocumentType, Gender, IdentityDocument, Name, Person
from limes.search import scoring
from limes.search.features import DOCUMENT_MATCH, Stored
from limes.search.name_match import CLEAN_SWAP, NameSet, query_names
from limes.search.query import PersonQuery
from limes.search.scoring import Scored, Scorer
from limes.search.tiers import NEAR_NAME, THRESHOLD

MUELLER = stored(
    Person(
        surnames=(Name("Müller"),),
        forenames=(Name("Jürgen"),),
        date_of_birth="1980-05-17",
        gender=Gender.MALE,
        documents=(IdentityDocument(DocumentType.PASSPORT, "L898902C3", "DE"),),
    )
)


def scored(query: PersonQuery) -> Scored:
    (found,), _ = Scorer().score(
        query, query_names(query.surnames, query.forenames), [(0, MUELLER)]
    )
    return found


def test_a_name_below_every_tier_is_not_weighed_further() -> None:
    found = scored(PersonQuery(("Schmidt",), ("Anna",), "1980-05-17", Gender.FEMALE))
    assert found.evidence.name < min(THRESHOLD, NEAR_NAME)
    assert found.evidence.score == found.evidence.name  # no factor for the other gender
    assert found.agreeing == 0  # nor a count of the date that agrees


def test_a_matching_document_lifts_any_name() -> None:
    found = scored(PersonQuery(("Schmidt",), ("Anna",), document_number="L898902C3"))
    assert found.evidence.document
    assert found.evidence.score == DOCUMENT_MATCH


def test_surnames_and_forenames_swapped_cleanly_cost_one_slip() -> None:
    found = scored(PersonQuery(("Jürgen",), ("Müller",), "1980-05-17"))
    assert found.evidence.name == pytest.approx(CLEAN_SWAP)


def test_a_name_is_explained_part_by_part_and_a_query_without_one_says_so() -> None:
    asked = PersonQuery(("Mueller",), ("Jurgen",), "1980-05-17")
    wanted = query_names(asked.surnames, asked.forenames)
    name, born = Scorer().explain(asked, wanted, MUELLER)
    assert (name.name, name.alert, born.name) == ("name", "Müller, Jürgen", "date_of_birth")
    assert [(p.role, p.query, p.how) for p in name.parts] == [
        ("surname", "mueller", "same spelling"),
        ("forename", "jurgen", "same spelling"),
    ]
    document_only = PersonQuery(document_number="L898902C3")
    first = Scorer().explain(document_only, query_names((), ()), MUELLER)[0]
    assert (first.name, first.note) == ("name", "not compared: the query has no name")


def test_an_answer_is_explained_from_the_similarity_scoring_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked = PersonQuery(("Schmit",), ("Ana",), "1980-05-17")
    wanted = query_names(asked.surnames, asked.forenames)
    kovac = Person(surnames=(Name("Kovač"),), forenames=(Name("Ana"),))
    identities = [
        NameSet.of(kovac.surnames, kovac.forenames, "name"),
        NameSet.of((Name("Schmidt"),), (Name("Anna"),), "alias"),
    ]
    present = [
        (3, MUELLER),
        (5, Stored.of(kovac, identities)),
        (8, stored(Person(surnames=(Name("Schmitt"),), forenames=(Name("Hanna"),)))),
    ]
    _, compared = Scorer().score(asked, wanted, present)
    fresh = [Scorer().explain(asked, wanted, held) for _, held in present]
    assert fresh[1][0].note == "best of the stored identities: alias"  # the second identity
    assert compared.of(4, MUELLER) is None  # not scored: nothing to read
    monkeypatch.setattr(scoring, "similarity", _not_again)
    monkeypatch.setattr(scoring, "combined", _not_again)
    assert [Scorer().explain(asked, wanted, h, compared.of(s, h)) for s, h in present] == fresh


def _not_again(*_: object) -> None:
    raise AssertionError("compared again")

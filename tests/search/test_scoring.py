"""The scorer: the name score first, the other features only where they may still
matter, a matching document over all; and a name explained part by part."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from tests.search.helpers import person, stored

from limes.domain.alerts import DocumentType, Gender, IdentityDocument, Name, Person
from limes.domain.alerts import Name as N
from limes.search import features, scoring
from limes.search.features import (
    DOCUMENT_MATCH,
    Stored,
    dates_disagree,
    other_features,
    with_other_features,
)
from limes.search.identifiers import skeleton
from limes.search.name_columns import NameColumns
from limes.search.name_match import CLEAN_SWAP, NameSet, QueryNames, query_names
from limes.search.persons import PersonIndex
from limes.search.query import PersonQuery
from limes.search.scoring import Compared, Scored, Scorer
from limes.search.tiers import NEAR_NAME, THRESHOLD, Evidence, Tier

PASSPORT = IdentityDocument(DocumentType.PASSPORT, "X1234567", "DE")

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


NAMESAKES = [
    person([N(s)], [N(f)], born, gender=gender, nationalities=("DE",), documents=documents)
    for s, f, born, gender, documents in [
        ("Schmidt", "Anna", "1980-05-17", Gender.FEMALE, ()),
        ("Schmitt", "Anna", "1980-05-17", Gender.FEMALE, ()),
        ("Schmidt", "Anne", "1980-05-71", None, ()),
        ("Schmid", "Hanna", "1981-05-17", Gender.FEMALE, ()),
        ("Schmitz", "Anja", "1980-07-05", Gender.MALE, ()),
        ("Schneider", "Anna", "1980", None, ()),
        ("Smith", "Ann", None, Gender.FEMALE, ()),
        ("Schmidt", "Maria", "1980-05-17", Gender.FEMALE, ()),
        ("Schmidt", "Anna", "1950-01-02", Gender.FEMALE, ()),
        ("Kovač", "Anna", "1980-05-17", None, (PASSPORT,)),
        ("Pop", "Severin", "1990-01-01", None, ()),
    ]
]
ASKED = [
    PersonQuery(("Schmidt",), ("Anna",), "1980-05-17", Gender.FEMALE, ("DE",)),
    PersonQuery(("Schmitt",), ("Ana",), "1980-05-17"),
    PersonQuery(("Schmidt",), ("Anna",)),
    PersonQuery(("Schmidt",), ("Anna",), "1980", Gender.MALE, ("FR",)),
    PersonQuery(("Anna",), ("Schmidt",), "1980-05-17"),
    PersonQuery(("Schmid",), ("Hana",), "1981-05-17"),
    PersonQuery(("Schmidt",), ("Anna",), "1980-05-17", document_number=PASSPORT.number),
    PersonQuery(("Lop",), ("Severin",), "1990-01-21"),  # a near name, just at NEAR_NAME
]


def test_the_candidates_left_unweighed_change_no_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """``find`` weighs only ``Scorer.contenders``; weighing every candidate (every
    feature, the document, however low its name) gives the same answers."""
    index = PersonIndex()
    index.add_many(enumerate(NAMESAKES))
    answers = [index.find(asked) for asked in ASKED]
    wanted = [query_names(a.surnames, a.forenames) for a in ASKED]
    present = list(index._stored.items())
    built = [Scorer().contenders(a, w, present)[0] for a, w in zip(ASKED, wanted, strict=True)]
    assert 0 < sum(map(len, built)) < len(ASKED) * len(present)  # some left unweighed
    assert any(h.tier is Tier.POSSIBLE for found in answers for h in found.possible)
    monkeypatch.setattr(Scorer, "contenders", _weigh_every)
    assert [index.find(asked) for asked in ASKED] == answers


_contenders = Scorer.contenders


def _weigh_every(
    self: Scorer,
    query: PersonQuery,
    wanted: QueryNames,
    present: Sequence[tuple[int, Stored]],
    columns: NameColumns | None = None,
    document_holders: Collection[int] | None = None,
) -> tuple[list[Scored], npt.NDArray[np.float64], Compared]:
    """Every candidate weighed whole, as ``contenders`` does its few (whoever may hold
    the document)."""
    _, names, compared = _contenders(self, query, wanted, present, columns)
    asked = skeleton(query.document_number) if query.document_number else None
    out = []
    for (slot, held), name in zip(present, names.tolist(), strict=True):
        features = other_features(query, held)
        document = asked is not None and asked in {skeleton(d) for d in held.documents}
        value = with_other_features(features, name, document)
        agreeing = int(name >= 1.0) + sum(f.score >= 1.0 for f in features)
        evidence = Evidence(value, name, dates_disagree(query, held), document)
        out.append(Scored(slot, evidence, agreeing))
    return out, names, compared


def test_a_document_query_weighs_below_the_name_floor_only_who_may_hold_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A machine-readable zone names a document: of the candidates whose name reaches no
    tier, only those filed under its number are weighed (the rest cannot be lifted),
    with the same contenders as weighing all; a holder filed under a number it no
    longer holds is weighed and dropped."""
    asked = PersonQuery(("Schmidt",), ("Anna",), "1980-05-17", document_number=PASSPORT.number)
    wanted = query_names(asked.surnames, asked.forenames)
    present = [(slot, stored(p)) for slot, p in enumerate(NAMESAKES)]
    everyone, names, _ = Scorer().contenders(asked, wanted, present)
    floor = min(THRESHOLD, NEAR_NAME)
    low = [slot for (slot, _), name in zip(present, names.tolist(), strict=True) if name < floor]
    holder = next(slot for slot, p in enumerate(NAMESAKES) if p.documents)
    assert holder in low and len(low) > 2  # the holder is lifted by its document alone
    weighed: list[int] = []
    effects = scoring.other_effects

    def counted(query: PersonQuery, people: Sequence[Stored]) -> features.Effects:
        weighed.append(len(people))
        return effects(query, people)

    monkeypatch.setattr(scoring, "other_effects", counted)
    no_longer = low[0] if low[0] != holder else low[1]  # filed under the number once
    few, _, _ = Scorer().contenders(asked, wanted, present, None, [holder, no_longer])
    assert few == everyone
    assert any(s.slot == holder and s.evidence.document for s in few)
    assert weighed == [len(present) - len(low) + 2]


def test_score_gives_every_candidate_in_order() -> None:
    asked = ASKED[0]
    wanted = query_names(asked.surnames, asked.forenames)
    present = [(slot, stored(p)) for slot, p in enumerate(NAMESAKES)]
    scores, _ = Scorer().score(asked, wanted, present)
    few, names, _ = Scorer().contenders(asked, wanted, present)
    assert [s.slot for s in scores] == list(range(len(NAMESAKES)))
    assert [s.evidence.name for s in scores] == names.tolist()
    assert [s for s in scores if s.evidence.name >= min(THRESHOLD, NEAR_NAME)] == few


def test_answers_alike_are_explained_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """``explain`` with a ``memo`` kept over a query's answers gives each answer the
    features it gives alone, weighs the features beside the name once for answers
    alike in every field they read (namesakes born the same day), and aligns a name once
    for answers whose identity is the same (namesakes born on other days)."""
    asked = PersonQuery(surnames=("Müller",), forenames=("Hans",), date_of_birth="1970-01-01")
    wanted = query_names(asked.surnames, asked.forenames)
    twin = Stored.of(MUELLER_TWIN, [NameSet.of((Name("Mueller"),), (Name("Hans"),), "name")])
    other = stored(person([Name("Mueller")], [Name("Hans")], "1971-01-01"))
    answers = (MUELLER, twin, other)
    alone = [Scorer().explain(asked, wanted, held) for held in answers]
    weighed: list[Stored] = []
    aligned: list[NameSet] = []
    weigh, align = scoring.other_features, scoring._name_feature

    def weighing(query: PersonQuery, held: Stored) -> list[features.Feature]:
        weighed.append(held)
        return weigh(query, held)

    def aligning(*args: Any) -> features.Feature:
        aligned.append(args[2])
        return align(*args)

    monkeypatch.setattr(scoring, "other_features", weighing)
    monkeypatch.setattr(scoring, "_name_feature", aligning)
    memo: dict[object, object] = {}
    assert [Scorer().explain(asked, wanted, held, None, memo) for held in answers] == alone
    assert weighed == [MUELLER, other]  # the twin's read from MUELLER's
    assert aligned == [MUELLER.name_sets[0], twin.name_sets[0]]  # the other's from the twin's


MUELLER_TWIN = Person(
    surnames=(Name("Mueller"),),
    forenames=(Name("Hans"),),
    date_of_birth="1980-05-17",
    gender=Gender.MALE,
    documents=(IdentityDocument(DocumentType.PASSPORT, "L898902C3", "DE"),),
)

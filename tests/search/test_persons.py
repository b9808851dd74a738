"""The person index: names written differently meet, other people do not, and every
hit says why it scored as it did."""

from __future__ import annotations

import pytest

from limes.domain.alerts import Alias, DocumentType, Gender, IdentityDocument, Name, Person
from limes.search.persons import MAX_CANDIDATES, PersonIndex
from limes.search.query import PersonQuery
from limes.search.scoring import THRESHOLD

N = Name


def person(
    surnames: list[Name], forenames: list[Name], born: str | None = "1980-05-17", **more: object
) -> Person:
    return Person(surnames=tuple(surnames), forenames=tuple(forenames), date_of_birth=born, **more)  # type: ignore[arg-type]


STORED = [
    person([N("Al-Hassan")], [N("Mohammed"), N("Ali")]),
    person([N("Shevchenko", "Шевченко", "Cyrl")], [N("Oleksandr", "Олександр", "Cyrl")]),
    person([N("Wang", "王", "Hani")], [N("Xiaoming", "小明", "Hani")]),
    person([N("Van der Berg")], [N("Johannes")]),
    person([N("García"), N("Márquez")], [N("Gabriel"), N("José")]),
    person([N("Müller")], [N("Jürgen")], gender=Gender.MALE, nationalities=("DE",)),
    person([N("Abdelrahman")], [N("Omar")]),
    person([N("Papadopoulos", "Παπαδόπουλος", "Grek")], [N("Georgios", "Γεώργιος", "Grek")]),
    person(
        [N("Ivanova", "Иванова", "Cyrl")],
        [N("Olga")],
        "1984-03-07",
        aliases=(Alias((N("Smirnova"),), (N("Olga"),)),),
        documents=(IdentityDocument(DocumentType.PASSPORT, "L898902C3", "UA"),),
    ),
]


@pytest.fixture(scope="module")
def index() -> PersonIndex:
    built = PersonIndex()
    built.add_many(enumerate(STORED))
    return built


def q(
    surnames: list[str], forenames: list[str], born: str | None = "1980-05-17", **more: object
) -> PersonQuery:
    return PersonQuery(tuple(surnames), tuple(forenames), born, **more)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("expected", "query"),
    [
        (0, q(["Alhassan"], ["Muhammad"])),  # glued article, equivalent given name
        (0, q(["Hassan"], ["Mohamed", "Ali"])),  # article dropped
        (0, q(["Ali"], ["Mohammed"], "1980")),  # order swapped, only the year
        (1, q(["Schewtschenko"], ["Alexander"])),  # German habit, cognate
        (1, q(["Chevtchenko"], ["Oleksandr"])),  # French habit
        (1, q(["Шевченко"], ["Александр"])),  # original script, Russian form of the name
        (2, q(["Wang"], ["Xiao Ming"])),  # pinyin syllables split
        (2, q(["Xiaoming"], ["Wang"])),  # Chinese order taken as Western
        (2, q(["王"], ["小明"])),  # characters
        (3, q(["Vandenberg"], ["Johannes"])),  # run together with its particles
        (3, q(["Berg"], ["Johannes"])),  # particles left out
        (4, q(["Garcia"], ["Gabriel"])),  # second surname and name missing
        (4, q(["Garcia-Marquez"], ["Gabriel"])),  # hyphenated
        (5, q(["Mueller"], ["Juergen"])),  # umlaut expanded
        (5, q(["Muller"], ["Jurgen"], "1981-05-17")),  # folded, year one off
        (5, q(["Miller"], ["Jurgen"], "1980")),  # one letter off
        (4, q(["Garciamarquez"], ["Gabrieljose"])),  # two names of a field run together
        (5, q(["Mülelr"], ["Jürgen"])),  # two letters swapped: one slip
        (6, q(["Abdel Rahman"], ["Omar"])),  # compound split
        (6, q(["Abd al-Rahman"], ["Umar"])),  # another romanisation
        (7, q(["Papadopoulos"], ["Yeoryios"])),  # BGN/PCGN Greek
        (7, q(["Παπαδοπουλος"], ["Giorgos"])),  # no accents, a short form
        (8, q(["Smirnova"], ["Olga"], "1984-07-03")),  # an alias, day and month swapped
    ],
)
def test_names_written_differently_meet(
    index: PersonIndex, expected: int, query: PersonQuery
) -> None:
    hits = index.search(query)
    assert hits and hits[0].slot == expected, [(h.slot, h.score) for h in hits]
    assert all(h.score >= THRESHOLD for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@pytest.mark.parametrize(
    "query",
    [
        q(["Petrov"], ["Ivan"]),
        q(["Hassan"], ["Omar"]),  # two stored names, mixed
        q(["Müller"], ["Jürgen"], "1950-01-01"),  # same name, another person by date
        q(["Shevchenko"], ["Taras"]),  # same surname, another forename
        q(["Wang"], ["Lihua"]),  # the same surname, another given name
    ],
)
def test_other_people_are_not_hits(index: PersonIndex, query: PersonQuery) -> None:
    assert index.search(query) == []


def test_a_hit_explains_each_feature_with_both_values(index: PersonIndex) -> None:
    hit = index.search(
        q(["Mueller"], ["Juergen"], "1980-05-17", gender=Gender.FEMALE, nationalities=("AT", "DE"))
    )[0]
    features = {f.name: f for f in hit.features}
    assert set(features) == {"name", "date_of_birth", "gender", "nationality"}
    name = features["name"]
    assert [(p.role, p.query, p.alert, p.how) for p in name.parts] == [
        ("surname", "mueller", "mueller", "same spelling"),
        ("forename", "juergen", "juergen", "same spelling"),
    ]
    assert (features["gender"].query, features["gender"].alert, features["gender"].effect) == (
        "female",
        "male",
        0.85,
    )
    assert features["nationality"].note == "share DE"
    assert features["date_of_birth"].note == "equal"
    # the score is the name score times the factors of the other features
    product = name.score * features["gender"].effect * features["nationality"].effect
    assert hit.score == pytest.approx(product, abs=1e-3)


def test_how_a_part_was_matched_is_named(index: PersonIndex) -> None:
    parts = index.search(q(["Ali"], ["Muhammad"]))[0].features[0].parts
    assert [p.how for p in parts] == [
        "same spelling (surname and forename swapped)",
        "equivalent given names",
    ]


def test_a_document_number_alone_finds_its_holder_whatever_the_name(index: PersonIndex) -> None:
    hits = index.search(PersonQuery(surnames=("Nobody",), document_number="l89 8902-c3"))
    assert [h.slot for h in hits] == [8]
    assert next(f for f in hits[0].features if f.name == "document").alert == "L898902C3"


def test_a_removed_person_is_gone_and_a_new_one_found_without_a_rebuild() -> None:
    built = PersonIndex()
    built.add_many(enumerate(STORED))
    built.remove(5)
    assert built.search(q(["Müller"], ["Jürgen"])) == []
    built.add(len(STORED), STORED[5])
    assert [h.slot for h in built.search(q(["Müller"], ["Jürgen"]))] == [len(STORED)]
    assert len(built) == len(STORED)


def test_many_namesakes_are_cut_to_the_best_candidates() -> None:
    built = PersonIndex()
    namesakes = [
        person([N("Ivanov")], [N(f"Ivan{'a' * (i % 7)}")], f"19{50 + i % 40}")
        for i in range(MAX_CANDIDATES * 3)
    ]
    built.add_many(enumerate(namesakes))
    hits = built.search(q(["Ivanov"], ["Ivan"], "1960"), limit=50)
    assert 0 < len(hits) <= 50
    assert all(h.score >= THRESHOLD for h in hits)


def test_a_document_number_without_any_name_finds_its_holder(index: PersonIndex) -> None:
    # the commonest border check: the passport number only (no name parts to align)
    hits = index.search(PersonQuery(document_number="L898902C3"))
    assert [h.slot for h in hits] == [8]
    features = {f.name: f for f in hits[0].features}
    assert features["document"].alert == "L898902C3"
    assert features["name"].note == "not compared: the query has no name"
    assert hits[0].score >= THRESHOLD


SHEVCHENKO = person(
    [N("Shevchenko", "Шевченко", "Cyrl")], [N("Olena", "Олена", "Cyrl")], "1980-03-14"
)


@pytest.mark.parametrize(
    "born",
    [
        None,
        "1980-03-14",
        "1981-03-14",  # year one off
        "1980-03-15",  # day off
        "1980-04-14",  # month off
        "1980-01-14",
        "1908-03-14",  # two digits transposed
        "1983-03-14",  # year three off
        "2080-03-14",  # the century
    ],
)
def test_a_date_a_typing_slip_away_never_removes_the_exact_name(born: str | None) -> None:
    built = PersonIndex()
    built.add_many([(0, SHEVCHENKO)])
    found = built.find(q(["Shevchenko"], ["Olena"], born))
    assert [h.slot for h in (*found.hits, *found.possible)] == [0]
    # more information, slightly wrong, is never worse than none: at least a possible match
    assert all(h.tier.value in ("hit", "possible") for h in (*found.hits, *found.possible))


def test_a_plainly_different_date_makes_a_namesake_not_a_match() -> None:
    built = PersonIndex()
    built.add_many([(0, SHEVCHENKO)])
    found = built.find(q(["Shevchenko"], ["Olena"], "1950-11-02"))
    assert (found.hits, found.possible) == ((), ())


def test_the_tiers_keep_what_just_missed_the_line_apart_from_hits() -> None:
    built = PersonIndex()
    built.add_many([(0, SHEVCHENKO)])
    exact = built.find(q(["Shevchenko"], ["Olena"], "1980-03-14"))
    assert [h.slot for h in exact.hits] == [0] and exact.possible == ()
    slip = built.find(q(["Shevchenko"], ["Olena"], "1975-03-14"))  # five years off
    assert slip.hits == () and [h.slot for h in slip.possible] == [0]
    born = next(f for f in slip.possible[0].features if f.name == "date_of_birth")
    assert born.note == "year 5 off, the rest agrees"


def test_ties_go_to_more_fields_agreeing_then_the_order_given_never_the_slot() -> None:
    unknown = person([N("Kowalski")], [N("Jan")], "1970-01-02")
    male = person([N("Kowalski")], [N("Jan")], "1970-01-02", gender=Gender.MALE)
    built = PersonIndex()
    built.add_many([(0, unknown), (1, male)])
    asked = q(["Kowalski"], ["Jan"], "1970-01-02", gender=Gender.MALE)
    hits = built.find(asked).hits
    assert [h.slot for h in hits] == [1, 0]  # equal scores; the gender agrees on slot 1
    assert hits[0].score == hits[1].score
    same = PersonIndex()
    same.add_many([(0, unknown), (1, unknown)])
    ranks = {0: (5, "b"), 1: (0, "a")}  # slot 1's category is the more severe

    assert [h.slot for h in same.find(asked, order=ranks.__getitem__).hits] == [1, 0]


@pytest.mark.parametrize("written", ["Lazich", "Lasitsch", "Lazitch", "Лазић", "Lazic"])
def test_a_croatian_name_is_found_as_other_languages_spell_it(written: str) -> None:
    built = PersonIndex()
    built.add_many([(0, person([N("Lazić")], [N("Marko")], "1975-02-03"))])
    assert [h.slot for h in built.search(q([written], ["Marko"], "1975-02-03"))] == [0]


ARABIC = person([N("Al-Najjar", "النجار", "Arab")], [N("Tariq", "طارق", "Arab")], "1980-05-17")


@pytest.mark.parametrize(
    ("surname", "forename"),
    [("El Naggar", "Tarek"), ("Ennajjar", "Tarik"), ("Alnajjar", "Tariq"), ("النجار", "Tarek")],
)
def test_an_arabic_name_is_found_in_maghreb_egyptian_and_english_spellings(
    surname: str, forename: str
) -> None:
    built = PersonIndex()
    built.add_many([(0, ARABIC)])
    assert [h.slot for h in built.search(q([surname], [forename]))] == [0]


@pytest.mark.parametrize(
    ("stored", "asked"),
    [
        (person([N("Yeganyan", "Եգանյան", "Armn")], [N("Dominik", "Դոմինիկ", "Armn")]),
         q(["Yekanyan"], ["Tominig"])),
        (person([N("Khizanishvili", "ხიზანიშვილი", "Geor")], [N("Zaza", "ზაზა", "Geor")]),
         q(["Chisanischwili"], ["Sasa"])),
    ],
)  # fmt: skip
def test_armenian_and_georgian_names_in_other_systems_are_found(
    stored: Person, asked: PersonQuery
) -> None:
    built = PersonIndex()
    built.add_many([(0, stored)])
    assert [h.slot for h in built.search(asked)] == [0]


@pytest.mark.parametrize(
    ("stored", "asked"),
    [
        (person([N("Wu")], [N("Wei")]), q(["Wo"], ["Wei"])),
        (person([N("Li")], [N("Na")]), q(["Lu"], ["Na"])),
        (person([N("Kim")], [N("Min-jun")]), q(["Kin"], ["Min-jun"])),
        (person([N("Kowalski")], [N("Jan")]), q(["Jan"], ["Kowalsky"])),  # typo and swapped
        (person([N("Ng")], [N("Kevin")]), q(["Kevin"], ["Ny"])),
    ],
)
def test_short_names_with_one_slip_and_a_slip_with_swapped_order_are_found(
    stored: Person, asked: PersonQuery
) -> None:
    built = PersonIndex()
    built.add_many([(0, stored)])
    assert [h.slot for h in built.search(asked)] == [0]


def test_a_short_name_with_another_first_letter_is_another_name() -> None:
    built = PersonIndex()
    built.add_many([(0, person([N("Wu")], [N("Wei")]))])
    assert built.search(q(["Xu"], ["Wei"])) == []


@pytest.mark.parametrize(
    ("surname", "forename"),
    [("Nedjim", "Salim"), ("Najm", "Saalem"), ("Nagm", "Salem")],  # Egyptian g for ج
)
def test_vowels_guessed_for_a_name_stored_in_arabic_script_still_find_it(
    surname: str, forename: str
) -> None:
    stored = person([N("Njm", "نجم", "Arab")], [N("Salm", "سالم", "Arab")], "1953-03-01")
    built = PersonIndex()
    built.add_many([(0, stored)])
    assert [h.slot for h in built.search(q([surname], [forename], "1953-03-01"))] == [0]


def test_the_same_consonants_alone_do_not_make_two_latin_names_one() -> None:
    built = PersonIndex()
    built.add_many([(0, person([N("Moreno")], [N("Marta")], "1953-03-01"))])
    assert built.search(q(["Marini"], ["Marta"], "1953-03-01")) == []


def test_a_namesake_without_a_date_of_birth_is_possible_when_the_officer_gives_one() -> None:
    built = PersonIndex()
    built.add_many([(0, person([N("Dương")], [N("Minh")], None))])
    asked = built.find(q(["Dương"], ["Minh"], "1963-03-21"))
    assert asked.hits == () and [h.slot for h in asked.possible] == [0]
    assert [h.slot for h in built.find(q(["Dương"], ["Minh"], None)).hits] == [0]


def test_every_word_met_in_another_spelling_counts_as_met() -> None:
    # each part only "sounds the same" (0.88); the stored words count as met through
    # their spelled-out forms (katich, niksha), so the whole name is a hit
    built = PersonIndex()
    built.add_many([(0, person([N("Katić")], [N("Tomislav"), N("Nikša")], "1967-12-16"))])
    found = built.search(q(["Katitsch"], ["Tomislaw", "Nikscha"], "1967-12-16"))
    assert [h.slot for h in found] == [0]

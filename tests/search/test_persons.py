"""The person index: names written differently meet, other people do not, and every
hit says why it scored as it did."""

from __future__ import annotations

import pytest
from tests.search.helpers import person, q

from limes.domain.alerts import Alias, DocumentType, Gender, IdentityDocument
from limes.domain.alerts import Name as N
from limes.search import names
from limes.search.persons import MAX_CANDIDATES, PersonIndex
from limes.search.query import PersonQuery
from limes.search.scoring import THRESHOLD
from limes.search.word_keys import letter_unknown

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


@pytest.mark.parametrize("asked", [["Avlaro"], ["Alvkaro"]])  # two letters swapped; one extra
def test_a_slip_in_the_rare_name_does_not_leave_the_person_to_a_common_one(
    asked: list[str],
) -> None:
    # more namesakes of the common surname than go on to scoring, and the rare forename
    # (with the surnames and forenames swapped, too) mistyped: looked up a slip back
    common = [person([N("Duarte")], [N(f"Fern{chr(97 + i % 26)}{chr(97 + i // 26)}o")], None)
              for i in range(MAX_CANDIDATES + 60)]  # fmt: skip
    built = PersonIndex()
    built.add_many([*enumerate(common), (len(common), person([N("Duarte")], [N("Alvaro")], None))])
    found = built.find(q(asked, ["Duarte"], None))
    assert len(common) in [h.slot for h in (*found.hits, *found.possible)]


def test_a_short_word_is_filed_with_each_letter_unknown() -> None:
    assert letter_unknown("li") == {"?i", "l?"}
    assert letter_unknown("tao") == {"?ao", "t?o", "ta?"}
    assert letter_unknown("a") == letter_unknown("ivanov") == letter_unknown("o'h") == set()


def test_a_wrong_key_in_a_short_surname_does_not_leave_the_person_to_its_namesakes() -> None:
    # Tao typed Tso: more people named Tso (a rarer, so weightier, part) than go on to
    # scoring, and many more named Li; the person is met through t?o, not crowded out
    tso = [person([N("Tso")], [N(f"Fern{chr(97 + i % 26)}{chr(97 + i // 26)}o")], None)
           for i in range(MAX_CANDIDATES + 20)]  # fmt: skip
    li = [person([N(f"Duar{chr(97 + i % 26)}{chr(97 + i // 26)}te")], [N("Li")], None)
          for i in range(2 * MAX_CANDIDATES)]  # fmt: skip
    built = PersonIndex()
    people = [*tso, *li, person([N("Tao")], [N("Li")], None)]
    built.add_many(enumerate(people))
    found = built.find(q(["Tso"], ["Li"], None))
    assert len(people) - 1 in [h.slot for h in (*found.hits, *found.possible)]


def _crowd(surname: str, size: int) -> list:  # type: ignore[type-arg]
    """``size`` namesakes whose forenames sound unlike each other and any real one."""
    return [person([N(surname)], [N(f"Fern{chr(97 + i % 26)}{chr(97 + i // 26)}o")], None)
            for i in range(size)]  # fmt: skip


@pytest.mark.parametrize("asked", ["Fobert", "Rovert", "Rogbert"])  # a wrong letter; one added
def test_a_wrong_letter_in_a_long_name_does_not_leave_the_person_to_the_common_one(
    asked: str,
) -> None:
    # a substitution changes the sound (Fobert: FBRT, Robert: RBRT), and undoing an extra
    # letter or a swap does not give Robert back: the stored word one edit away does
    common = _crowd("Poirier", 2 * MAX_CANDIDATES)
    built = PersonIndex()
    built.add_many([*enumerate(common), (len(common), person([N("Poirier")], [N("Robert")], None))])
    found = built.find(q(["Poirier"], [asked], None))
    assert len(common) in [h.slot for h in (*found.hits, *found.possible)]


def test_among_many_who_share_a_sound_those_with_the_word_itself_are_scored_first() -> None:
    # Kang and Qiang share a sound key with more people than go on to scoring: the one
    # who holds the word asked, as written, must be among them
    kang = [person([N("Kang")], [N("Wei")], None) for _ in range(3 * MAX_CANDIDATES)]
    built = PersonIndex()
    built.add_many([*enumerate(kang), (len(kang), person([N("Qiang")], [N("Wei")], None))])
    found = built.find(q(["Qiang"], ["Wei"], None))
    assert [h.slot for h in found.hits][:1] == [len(kang)]


def test_the_bearers_of_a_name_follow_every_add_and_remove() -> None:
    built = PersonIndex()
    built.add_many([(slot, person([N("Robert")], [N("Anna")])) for slot in range(3)])
    sound = "p:" + names.phonetic("robert")
    assert (built.bearers("w:robert"), built.bearers(sound), built.bearers("w:anna")) == (3, 3, 3)
    built.remove(1)
    built.remove(1)  # removed twice: counted once
    assert built.bearers("w:robert") == 2
    built.add(2, person([N("Roberts")], [N("Anna")]))  # the same slot filed again
    assert (built.bearers("w:robert"), built.bearers("w:roberts"), built.bearers("w:anna")) == (
        1,
        1,
        2,
    )
    built.add(7, person([N("Robert")], [N("Robert")]))  # one person, one count a key
    assert built.bearers("w:robert") == 2 and built.bearers("w:nobody") == 0


@pytest.mark.parametrize(
    ("surname", "forename"),
    [
        ("Chemaran", "Ouedoud"),  # French ou for و (Ouargla), ch for ش
        ("Chemaran", "Mahadasah"),  # Egyptian s for ث, the s and h two letters
    ],
)
def test_french_and_egyptian_spellings_meet_a_name_stored_in_arabic_script(
    surname: str, forename: str
) -> None:
    built = PersonIndex()
    stored = [
        person([N("Shmran", "شمران", "Arab")], [N("Wdud", "ودود", "Arab")]),
        person([N("Shmran", "شمران", "Arab")], [N("Mhdthh", "محدثه", "Arab")]),
    ]
    built.add_many(enumerate(stored))
    asked = q([surname], [forename])
    assert [h.slot for h in built.find(asked).hits] == [0 if forename == "Ouedoud" else 1]


@pytest.fixture(scope="module")
def georgians() -> PersonIndex:
    built = PersonIndex()
    built.add_many(
        enumerate(
            [
                person([N("Zhvania", "ჟვანია", "Geor")], [N("Zurab", "ზურაბ", "Geor")]),
                person([N("Zhvania")], [N("Zhana")]),  # the national table's Latin only
                person([N("Jana")], [N("Petra")]),
                person([N("Shana")], [N("Petra")]),
            ]
        )
    )
    return built


@pytest.mark.parametrize(
    ("expected", "query"),
    [
        (0, q(["Jvania"], ["Zourab"])),  # French j for ჟ (and ou for უ)
        (1, q(["Jvania"], ["Jana"])),  # French j for the national table's zh
        (2, q(["Jana"], ["Petra"])),  # a plain J name is found as before
        (3, q(["Shana"], ["Petra"])),
    ],
)
def test_the_french_j_of_georgian_meets_its_zh(
    georgians: PersonIndex, expected: int, query: PersonQuery
) -> None:
    hits = georgians.search(query)
    assert hits and hits[0].slot == expected, [(h.slot, h.score) for h in hits]


def test_a_plain_j_is_not_read_as_zh(georgians: PersonIndex) -> None:
    jana = {h.slot: h.score for h in georgians.search(q(["Jana"], ["Petra"]))}
    assert 3 not in jana or jana[3] < jana[2], jana  # Shana stays below Jana


def test_a_transposition_with_eszett_is_one_slip() -> None:
    # Hße for Heß: one key swapped with its neighbour; folded to ss it was two edits
    # (hsse, hess), under any tier
    index = PersonIndex()
    index.add_many([(0, person([N("Heß")], [N("Sylvia")], "1992-12-10"))])
    assert [h.slot for h in index.find(q(["Hße"], ["Sylvia"], "1992-12-10")).hits] == [0]


def test_a_first_letter_slip_to_a_word_no_one_bears_is_a_slip_not_another_name() -> None:
    # without a date, a short name with its first letter slipped is a possible match
    # when the word typed is a name of its own (Ray: Wu and Xu are two names), but a hit
    # when no one here bears it (Fay, Oê): then it can only be a slip of the alert's
    index = PersonIndex()
    index.add_many(
        [
            (0, person([N("Day")], [N("Sharon")], None)),
            (1, person([N("Ray")], [N("Anna")], None)),
            (2, person([N("Lê")], [N("Thành")], None)),
        ]
    )
    ray = index.find(q(["Ray"], ["Sharon"], None))
    assert ray.hits == () and [h.slot for h in ray.possible] == [0]
    assert [h.slot for h in index.find(q(["Fay"], ["Sharon"], None)).hits] == [0]
    assert [h.slot for h in index.find(q(["Oê"], ["Thành"], None)).hits] == [2]


def test_namesakes_holding_one_identity_are_read_once_for_their_tier(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Asked a name alone, each hit is read for its tier (another common name asked,
    the forenames' order); namesakes holding the same identity are read once, and each
    is answered as when read alone."""
    twins = [person([N("Nguyen")], [N("Van"), N("Minh")], born) for born in ("1970", "1981")]
    built = PersonIndex()
    built.add_many(enumerate([*twins, person([N("Nguyen")], [N("Minh"), N("Van")])]))
    asked = q(["Nguyen"], ["Van", "Minh"], None)
    read: list[int] = []
    real = PersonIndex.other_name

    def reading(self: PersonIndex, *args: object) -> int:
        read.append(1)
        return real(self, *args)  # type: ignore[arg-type]

    found = built.find(asked)
    monkeypatch.setattr(PersonIndex, "other_name", reading)
    assert built.find(asked) == found
    assert len(found.hits) + len(found.possible) == 3 and len(read) == 2

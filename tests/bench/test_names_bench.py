"""bench/names: the query variant makers and the metrics, as tables of known cases."""

from __future__ import annotations

import json
from pathlib import Path
from random import Random

import pytest
from bench.names.__main__ import peer_answers
from bench.names.metrics import Answer, by_kind, figures, percentile, shown, tied_first
from bench.names.variants import (
    COMBINATIONS,
    EDITS,
    KINDS,
    Draft,
    Part,
    combined,
    date_variants,
    diacritics,
    expand_marks,
    fold,
    missing_part,
    original_script,
    other_standard,
    spacing,
    strip_marks,
    swapped,
    transliterate,
    typo,
    typo_in,
)
from rapidfuzz.distance import OSA

SHEVCHENKO = Draft(
    surnames=(Part("Shevchenko", "Шевченко", "Cyrl"),),
    forenames=(Part("Taras", "Тарас", "Cyrl"),),
    date_of_birth="1984-03-09",
    language="uk",
)
MUELLER = Draft(
    surnames=(Part("Müller"),), forenames=(Part("Hans"), Part("Peter")), date_of_birth="1980"
)
GARCIA = Draft(
    surnames=(Part("García"), Part("López")), forenames=(Part("José"),), date_of_birth="1975-11"
)

# (original, standard, language, expected): ICU's BGN tables and our national habits
TRANSLITERATIONS = [
    ("Шевченко", "german", "uk", "Schewtschenko"),
    ("Шевченко", "french", "uk", "Chevtchenko"),
    ("Шевченко", "Ukrainian-Latin/BGN", "uk", "Shevchenko"),
    ("Евгений", "german", "ru", "Jewgeni"),
    ("Евгений", "french", "ru", "Evgueni"),
    ("Евгений", "Russian-Latin/BGN", "ru", "Yevgeniy"),
    ("Александр", "german", "ru", "Alexandr"),
    ("Юлия", "french", "ru", "Ioulia"),
    ("Василий", "german", "ru", "Wassili"),
    ("Григорій", "german", "uk", "Hryhorii"),
    ("Стоянов", "german", "bg", "Stojanow"),
    ("Петров-Водкин", "french", "ru", "Petrov-Vodkin"),
    ("ზვიად", "Georgian-Latin/BGN", "ru", "Zviad"),
    ("Նարեկ", "Armenian-Latin/BGN", "ru", "Narek"),
]


@pytest.mark.parametrize(("original", "standard", "language", "expected"), TRANSLITERATIONS)
def test_transliteration_by_other_standards(
    original: str, standard: str, language: str, expected: str
) -> None:
    assert transliterate(original, standard, language) == expected


def test_other_standard_differs_from_the_stored_form_and_drops_the_original() -> None:
    made = other_standard(SHEVCHENKO, Random(1))
    assert made is not None
    texts = [p.text for p in (*made.surnames, *made.forenames)]
    assert fold(" ".join(texts)) != "shevchenko taras"
    assert all(p.original is None for p in (*made.surnames, *made.forenames))
    assert made.notes[-1].startswith("other_standard:")


def test_other_standard_and_original_script_need_an_original() -> None:
    assert other_standard(MUELLER, Random(1)) is None
    assert original_script(MUELLER, Random(1)) is None
    made = original_script(SHEVCHENKO, Random(1))
    assert made is not None
    assert [p.text for p in made.surnames] == ["Шевченко"]


@pytest.mark.parametrize(
    ("text", "stripped", "expanded"),
    [("Müller", "Muller", "Mueller"), ("Łukasz", "Lukasz", "Lukasz"),
     ("Søren", "Soren", "Soeren"), ("Groß", "Gross", "Gross")],
)  # fmt: skip
def test_marks_folded_and_expanded(text: str, stripped: str, expanded: str) -> None:
    assert strip_marks(text) == stripped
    assert expand_marks(text) == expanded


def test_diacritics_folds_or_expands_marked_names() -> None:
    seen = set()
    for seed in range(20):
        made = diacritics(MUELLER, Random(seed))
        assert made is not None
        seen.add(made.surnames[0].text)
    assert seen == {"Muller", "Mueller"}


def test_diacritics_adds_one_accent_to_a_plain_name() -> None:
    plain = Draft((Part("Bernard"),), (Part("Anna"),), None)
    made = diacritics(plain, Random(3))
    assert made is not None
    before = ["Bernard", "Anna"]
    after = [p.text for p in (*made.surnames, *made.forenames)]
    changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    assert len(changed) == 1
    assert strip_marks(changed[0][1]) == changed[0][0]


@pytest.mark.parametrize("edit", EDITS)
def test_typo_is_one_edit_of_the_kind_named(edit: str) -> None:
    for seed in range(30):
        made = typo_in("Kowalski", edit, Random(seed))
        assert made is not None
        assert made != "Kowalski"
        assert OSA.distance(made.lower(), "kowalski") == 1
        if edit == "deletion":
            assert len(made) == len("Kowalski") - 1
        if edit == "insertion":
            assert len(made) == len("Kowalski") + 1
        assert made[0].isupper()


def test_typo_changes_exactly_one_part() -> None:
    made = typo(GARCIA, Random(5))
    assert made is not None
    before = [p.text for p in (*GARCIA.surnames, *GARCIA.forenames)]
    after = [p.text for p in (*made.surnames, *made.forenames)]
    assert sum(b != a for b, a in zip(before, after, strict=True)) == 1


def test_swapped_exchanges_surnames_and_forenames() -> None:
    made = swapped(MUELLER, Random(1))
    assert made is not None
    assert made.surnames == MUELLER.forenames
    assert made.forenames == MUELLER.surnames
    assert swapped(Draft((Part("Cher"),), (), None), Random(1)) is None


def test_missing_part_drops_a_second_surname_or_middle_name() -> None:
    made = missing_part(GARCIA, Random(1))
    assert made is not None
    assert [p.text for p in made.surnames] == ["García"]
    made = missing_part(MUELLER, Random(1))
    assert made is not None
    assert [p.text for p in made.forenames] == ["Hans"]
    assert missing_part(SHEVCHENKO, Random(1)) is None


def test_missing_part_never_takes_a_particle_alone_for_a_first_forename() -> None:
    # Al-Na (النا, Elena) and Al-Yna: "Al" alone is no forename, so no first word to keep
    for forename in ("Al-Na", "Al Yna", "el-Hassan"):
        draft = Draft((Part("Ashtri"),), (Part(forename),), "1966-10-24")
        assert missing_part(draft, Random(1)) is None
    # a compound whose first word is a name is still cut to it, with its particle kept
    draft = Draft((Part("Ashtri"),), (Part("Abu Bakr Karim"),), None)
    made = missing_part(draft, Random(1))
    assert made is not None
    assert [p.text for p in made.forenames] == ["Abu Bakr"]
    draft = Draft((Part("Bauer"),), (Part("Anna-Lena"),), None)
    made = missing_part(draft, Random(1))
    assert made is not None
    assert [p.text for p in made.forenames] == ["Anna"]


def test_spacing_variants_of_a_particle_name() -> None:
    draft = Draft((Part("Al-Jfali"),), (Part("Hnd"),), None)
    seen = {made.surnames[0].text for seed in range(40) if (made := spacing(draft, Random(seed)))}
    assert seen == {"Al Jfali", "Aljfali", "Jfali"}
    assert spacing(SHEVCHENKO, Random(1)) is None


def test_spacing_joins_two_surnames() -> None:
    seen = {made.surnames for seed in range(40) if (made := spacing(GARCIA, Random(seed)))}
    assert (Part("García-López"),) in seen
    assert (Part("Garcíalópez"),) in seen


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1980-05-07", {"1980-07-05", "1979-05-07", "1981-05-07", "1980", "1980-05-00",
                        "1980-00-00"}),
        ("1980-05-17", {"1979-05-17", "1981-05-17", "1980", "1980-05-00", "1980-00-00"}),
        ("1980-05-05", {"1979-05-05", "1981-05-05", "1980", "1980-05-00", "1980-00-00"}),
        ("1980-02-29", {"1979-02-28", "1981-02-28", "1980", "1980-02-00", "1980-00-00"}),
        ("1980-05", {"1979-05", "1981-05", "1980", "1980-05-00"}),
        ("1980", {"1979", "1981", "1980-00-00"}),
    ],
)  # fmt: skip
def test_date_variants(value: str, expected: set[str]) -> None:
    assert {v for _, v in date_variants(value)} == expected


def test_combined_applies_two_kinds() -> None:
    made = combined(SHEVCHENKO, Random(2))
    assert made is not None
    first, second = made.notes[-1].removeprefix("combined:").split("+")
    assert (first, second) in COMBINATIONS
    assert len(made.notes) == 3


@pytest.mark.parametrize("kind", KINDS)
def test_makers_are_deterministic(kind: str) -> None:
    assert KINDS[kind](SHEVCHENKO, Random(9)) == KINDS[kind](SHEVCHENKO, Random(9))


# -- metrics -----------------------------------------------------------------------------


def test_figures_count_recall_and_false_hits() -> None:
    pairs = [
        (1, Answer(0, (1, 5), 0.001)),  # found first, but with a false hit
        (2, Answer(1, (7, 2), 0.002)),  # found second, false hit
        (3, Answer(2, (), 0.003)),  # missed
        (4, Answer(3, (4,), 0.004)),  # found first, clean
    ]
    fig = figures(pairs)
    assert fig.n == 4
    assert fig.recall_at_1 == 0.5
    assert fig.recall_at_10 == 0.75
    assert fig.false_hit_rate == 0.5
    assert fig.mean_ms == pytest.approx(2.5)
    assert fig.p99_ms == pytest.approx(4.0)


def test_recall_at_10_ignores_hits_past_the_tenth() -> None:
    fig = figures([(99, Answer(0, (*range(10), 99), 0.0))])
    assert fig.recall_at_10 == 0.0


def test_absent_queries_have_no_recall_and_any_hit_is_false() -> None:
    fig = figures([(None, Answer(0, (3,), 0.0)), (None, Answer(1, (), 0.0))])
    assert fig.recall_at_1 is None
    assert fig.recall_at_10 is None
    assert fig.false_hit_rate == 0.5


def test_by_kind_groups_answers() -> None:
    targets = {0: ("exact", 1), 1: ("absent", None), 2: ("exact", 2)}
    answers = [Answer(0, (1,), 0.0), Answer(1, (), 0.0), Answer(2, (), 0.0)]
    figs = by_kind(targets, answers)
    assert figs["exact"].recall_at_1 == 0.5
    assert figs["absent"].false_hit_rate == 0.0


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.99) == 99.0
    assert percentile(values, 0.5) == 50.0
    assert percentile([7.0], 0.99) == 7.0
    with pytest.raises(ValueError, match="no answers"):
        figures([])


def test_an_earlier_peer_run_is_read_back_as_its_answers(tmp_path: Path) -> None:
    # --peer-answers: the slow peer runs once, Limes is measured again beside it
    report = {
        "system": "nomenklatura logic-v2", "threshold": 0.7, "max_candidates": 100,
        "retrieval": "batch", "build_seconds": 12.5,
        "answers": [{"id": 3, "slots": [7, 9], "scores": [0.9, 0.8], "seconds": 0.25},
                    {"id": 4, "slots": [], "scores": [], "seconds": 0.5}],
    }  # fmt: skip
    out = tmp_path / "peer.json"
    out.write_text(json.dumps(report), encoding="utf-8")
    run = peer_answers(out, 0)
    assert (run.name, run.build_seconds) == ("peer", 12.5)
    assert run.answers == [Answer(3, (7, 9), 0.25), Answer(4, (), 0.5)]
    assert "2 queries answered" in run.notes


def test_a_hit_the_query_cannot_tell_from_the_first_counts_as_shown_first() -> None:
    # four namesakes alike in all the query holds: which is first is the tie rule's last,
    # arbitrary step; recall@1 stays strict, shown first counts the tie
    tied = figures([(3, Answer(0, (1, 2, 3, 4), 0.0, 4, tied=(1, 2, 3, 4)))])
    assert tied.recall_at_1 == 0.0 and tied.shown_first == 1.0
    # a hit the evidence ranks above the target still fails the query
    above = figures([(3, Answer(0, (1, 2, 3), 0.0, 3, tied=(1, 2)))])
    assert above.shown_first == 0.0


def test_tied_first_are_the_hits_showing_what_the_first_shows() -> None:
    assert tied_first([(5, "a"), (6, "b"), (7, "a")]) == (5, 7)
    assert tied_first([(5, "a"), (6, "b")]) == ()
    assert tied_first([]) == ()


def test_the_peers_hits_of_one_score_are_tied(tmp_path: Path) -> None:
    report = {
        "system": "nomenklatura logic-v2", "threshold": 0.7, "max_candidates": 100,
        "retrieval": "batch", "build_seconds": 1.0,
        "answers": [{"id": 3, "slots": [7, 9, 4], "scores": [0.9, 0.9, 0.8], "seconds": 0.1}],
    }  # fmt: skip
    out = tmp_path / "peer.json"
    out.write_text(json.dumps(report), encoding="utf-8")
    assert peer_answers(out, 0).answers[0].tied == (7, 9)


def test_limes_hits_alike_in_every_feature_are_tied_and_no_others() -> None:
    from limes.domain.alerts import Name, Person
    from limes.search.persons import PersonIndex
    from limes.search.query import PersonQuery

    def bui(born: str | None, *nationalities: str) -> Person:
        return Person(
            surnames=(Name("Bùi"),),
            forenames=(Name("Ánh"),),
            date_of_birth=born,
            nationalities=nationalities,
        )

    index = PersonIndex()
    index.add_many(enumerate([bui("1970-01-02", "VN"), bui(None, "VN"), bui("1980")]))
    found = index.find(PersonQuery(("Bùi",), ("Ánh",), None, nationalities=("VN",)))
    assert {h.slot for h in found.hits} == {0, 1, 2}
    # the date was not asked: 0 and 1 show alike; 2 holds no nationality to agree
    assert set(tied_first([(h.slot, shown(h)) for h in found.hits])) == {0, 1}

"""bench/names/classes: the makers of issue 14's spelling classes, as tables of cases."""

from __future__ import annotations

from random import Random

import pytest
from bench.names.classes import (
    CLASSES,
    DATE_SLIP_KINDS,
    caucasus,
    cyrillic_iso9,
    date_slip,
    leap_day,
    serbocroatian,
    short_typo,
)
from bench.names.dataset import ALL_KINDS
from bench.names.metrics import HITS, SLIP, Answer, by_kind, figures
from bench.names.variants import Draft, Part

LAZIC = Draft(surnames=(Part("Lazić"),), forenames=(Part("Đorđe"),), date_of_birth="1980-02-29")
NAJJAR = Draft(
    surnames=(Part("Al-Njjar", "النجار", "Arab"),),
    forenames=(Part("Tarq", "طارق", "Arab"),),
    date_of_birth="1980-05-17",
)
SHEVCHENKO = Draft(
    surnames=(Part("Shevchenko", "Шевченко", "Cyrl"),),
    forenames=(Part("Hanna", "Ганна", "Cyrl"),),
    date_of_birth="1984-03-09",
    language="uk",
)
ARMENIAN = Draft(
    surnames=(Part("Petrosyan", "Պետրոսյան", "Armn"),),
    forenames=(Part("Gevorg", "Գևորգ", "Armn"),),
    date_of_birth=None,
)


def test_every_class_is_its_own_kind() -> None:
    assert set(CLASSES) <= set(ALL_KINDS)


@pytest.mark.parametrize("kind", CLASSES)
def test_class_makers_are_deterministic(kind: str) -> None:
    for draft in (LAZIC, NAJJAR, SHEVCHENKO, ARMENIAN):
        assert CLASSES[kind](draft, Random(3)) == CLASSES[kind](draft, Random(3))


def test_arabic_script_is_written_with_vowels_in_three_manners() -> None:
    seen = {}
    for seed in range(30):
        made = CLASSES["arabic_vowels"](NAJJAR, Random(seed))
        assert made is not None
        seen[made.notes[-1]] = (made.surnames[0].text, made.forenames[0].text)
    assert set(seen) == {"arabic:english", "arabic:french", "arabic:egyptian"}
    assert seen["arabic:english"][0].startswith("Al-Naj")
    assert seen["arabic:french"][0].startswith("Enn")  # the article assimilated, glued
    assert seen["arabic:egyptian"][0].startswith("El Nag")
    assert CLASSES["persian_vowels"](NAJJAR, Random(1)) is None  # no Persian letter


@pytest.mark.parametrize(
    ("seed_note", "surname"),
    [("english", "Lazich"), ("french", "Lazitch"), ("german", "Lasitsch")],
)
def test_gaj_letters_in_three_manners(seed_note: str, surname: str) -> None:
    made = next(
        m for s in range(30)
        if (m := serbocroatian(LAZIC, Random(s))) and m.notes[-1].endswith(seed_note)
    )  # fmt: skip
    assert made.surnames[0].text == surname


def test_cyrillic_in_iso9_and_the_scholarly_system() -> None:
    systems = {}
    for seed in range(40):
        made = cyrillic_iso9(SHEVCHENKO, Random(seed))
        assert made is not None
        systems[made.notes[-1]] = made.surnames[0].text + " " + made.forenames[0].text
    assert systems["cyrillic:iso9"] == "Ševčenko Ganna"
    assert systems["cyrillic:iso9_unmarked"] == "Sevcenko Ganna"
    assert systems["cyrillic:scholarly"] in ("Ševčenko Hanna", "Ševčenko Ganna")


def test_armenian_the_western_way() -> None:
    made = caucasus(ARMENIAN, Random(1))
    assert made is not None
    assert (made.surnames[0].text, made.forenames[0].text) == ("Bedrosyan", "Kevork")


def test_date_slips_and_leap_days() -> None:
    assert leap_day(LAZIC, Random(1)).date_of_birth in ("1980-02-28", "1980-03-01")  # type: ignore[union-attr]
    assert leap_day(NAJJAR, Random(1)) is None
    slipped = {date_slip(NAJJAR, Random(s)).notes[-1] for s in range(60)}  # type: ignore[union-attr]
    assert {"date_slip:day_off", "date_slip:month_off", "date_slip:year+10"} <= slipped


def test_short_typo_needs_a_short_surname() -> None:
    wu = Draft(surnames=(Part("Wu"),), forenames=(Part("Wei"),), date_of_birth=None)
    made = short_typo(wu, Random(2))
    assert made is not None and made.surnames[0].text != "Wu" and len(made.surnames[0].text) <= 3
    assert short_typo(LAZIC, Random(2)) is None


def test_a_possible_match_counts_as_shown_but_not_as_a_hit() -> None:
    fig = figures([(7, Answer(0, (3, 7), 0.0, strong=1)), (None, Answer(1, (5,), 0.0, strong=0))])
    assert fig.recall_at_10 == 1.0  # the target among the possible matches
    assert fig.recall_at_1 == 0.0  # but not the first hit
    assert fig.false_hit_rate == 0.5  # the absent query's possible match is no hit


def test_a_date_slip_is_shown_first_among_the_possible_matches_only_with_no_hit_above() -> None:
    pairs = [
        (7, Answer(0, (7,), 0.0, strong=1)),  # first among the hits
        (7, Answer(1, (7, 3), 0.0, strong=0)),  # first possible match, no hit above it
        (7, Answer(2, (3, 7), 0.0, strong=1)),  # another person's hit above it
        (7, Answer(3, (3, 7), 0.0, strong=0)),  # second among the possible matches
    ]
    slip = figures(pairs, SLIP)
    assert (slip.recall_at_1, slip.shown_first, slip.rule) == (0.25, 0.5, SLIP)
    # every other kind: the hits alone, never laxer
    hits = figures(pairs)
    assert (hits.recall_at_1, hits.shown_first, hits.rule) == (0.25, 0.25, HITS)


def test_only_the_date_slip_kinds_are_judged_by_the_slip_rule() -> None:
    targets = {0: ("date_slip", 7), 1: ("typo", 7), 2: ("leap_day", 7)}
    answers = [Answer(i, (7,), 0.0, strong=0) for i in range(3)]
    figs = by_kind(targets, answers, DATE_SLIP_KINDS)
    assert figs["date_slip"].shown_first == figs["leap_day"].shown_first == 1.0
    assert figs["typo"].shown_first == 0.0 and figs["typo"].rule == HITS
    assert DATE_SLIP_KINDS <= set(CLASSES)

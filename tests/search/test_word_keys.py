"""A word's other retrieval keys (``search/word_keys.py``): consonant skeletons and
their readings by other customs, and the words one edit away."""

from __future__ import annotations

import pytest

from limes.search.word_keys import consonant_readings, consonants, one_edit


@pytest.mark.parametrize(
    ("vowelled", "skeleton"),
    [("fatameh", "fatmh"), ("ouaddah", "wdah"), ("djalili", "jlili"), ("zahera", "zhra")],
)
def test_a_spelling_with_vowels_has_the_consonants_of_its_skeleton(
    vowelled: str, skeleton: str
) -> None:
    assert consonants(vowelled) == consonants(skeleton) != ""


def test_fewer_than_two_consonants_are_no_skeleton() -> None:
    assert consonants("ali") == consonants("aya") == ""


def test_a_skeleton_keeps_d_and_j_apart_where_the_script_wrote_two_letters() -> None:
    # محمدجواد: ICAO writes mhmdjwad, d then j; dj as one letter is a Latin habit only
    assert consonants("mhmdjwad", unvowelled=True) == "mhmdjd"
    assert consonants("djalili") == "jl"


@pytest.mark.parametrize(
    ("vowelled", "skeleton"),
    [("kosor", "kthr"), ("achadj", "shj"), ("katez", "qtz"), ("javad", "jd"), ("gamal", "jml")],
)
def test_consonants_read_by_other_customs(vowelled: str, skeleton: str) -> None:
    assert skeleton in consonant_readings(vowelled)


def test_the_words_one_edit_away_are_every_single_slip() -> None:
    edits = one_edit("rudko")
    assert {"rudio", "rudk", "urdko", "rudkov"} <= edits  # changed, left out, swapped, added
    assert "rudko" not in edits and "rodio" not in edits  # itself; two edits
    assert len(one_edit("abc")) <= 3 + 2 + 3 * 25 + 4 * 26  # some 54 per letter, no more
    assert one_edit("li") == one_edit("o'hara") == frozenset()

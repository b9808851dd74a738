"""A word's other retrieval keys (``search/word_keys.py``): consonant skeletons and
their readings by other customs, and the stored words one edit away, against a written-out
reference and the textbook edit distance."""

from __future__ import annotations

import random

import pytest

from limes.search.word_keys import (
    EDIT_KEYS_FROM,
    NearWords,
    consonant_readings,
    consonants,
    one_edit_apart,
)


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


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def one_edit(word: str) -> frozenset[str]:
    """The reference: every word one slip from ``word`` written out (what retrieval
    looked up, some 54 keys a letter, before ``NearWords``)."""
    if len(word) < EDIT_KEYS_FROM or not word.isalpha() or not word.isascii():
        return frozenset()
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    left_out = {a + b[1:] for a, b in splits if b}
    swapped = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    changed = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    added = {a + c + b for a, b in splits for c in _LETTERS}
    return frozenset((left_out | swapped | changed | added) - {word})


def osa_distance(a: str, b: str) -> int:
    """Damerau's distance without repeated edits (optimal string alignment), by the
    textbook table: a second reference, independent of how the slips are written out."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def test_the_reference_is_every_single_slip() -> None:
    edits = one_edit("rudko")
    assert {"rudio", "rudk", "urdko", "rudkov"} <= edits  # changed, left out, swapped, added
    assert "rudko" not in edits and "rodio" not in edits  # itself; two edits
    assert all(osa_distance("rudko", e) == 1 for e in edits)


@pytest.mark.parametrize(
    ("word", "other", "apart"),
    [
        ("rudko", "rudio", True),  # changed
        ("rudko", "rudk", True),  # left out
        ("rudko", "urdko", True),  # swapped
        ("rudko", "rudkov", True),  # added
        ("rudko", "rudkko", True),  # added in a run
        ("anna", "ana", True),  # left out of a run
        ("rudko", "rudko", False),  # itself
        ("rudko", "rodio", False),  # two changed
        ("abc", "cba", False),  # swapped at a distance
        ("rudko", "rudkö", False),  # the letter put in is not one of a-z
        ("rudko", "rudkoé", False),
        ("rudko", "Rudko", False),
        ("ab", "abcd", False),
    ],
)
def test_one_edit_apart(word: str, other: str, apart: bool) -> None:
    assert one_edit_apart(word, other) is apart
    assert (other in one_edit(word)) is apart or len(word) < EDIT_KEYS_FROM


def _generated_words(seed: int, count: int) -> list[str]:
    """Words that meet one another often: short ones from a small alphabet, their slips,
    runs of one letter, capitals and letters beyond ASCII."""
    rng = random.Random(seed)
    alphabet = "abcdeo"
    words = {"".join(rng.choices(alphabet, k=rng.randint(1, 7))) for _ in range(count)}
    for word in list(words)[: count // 2]:
        for edit in rng.sample(sorted(one_edit(word) or {word}), min(3, len(one_edit(word)))):
            words.add(edit)
    words |= {"aa", "aaa", "aaaa", "ab", "ba", "aba", "abab", "o'ab", "ab-c", "a b", ""}
    words |= {"abé", "ébc", "ab́c", "abö", "şab", "ăbc", "дом", "дома", "Abc", "ABC", "aBc"}
    return sorted(words)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_near_words_are_the_stored_words_one_edit_away(seed: int) -> None:
    stored = _generated_words(seed, 200)
    near = NearWords("w:")
    for word in stored:
        near.add("w:" + word)
    near.add("p:abc")  # not a word: left out
    queries = _generated_words(seed + 100, 150) + stored
    for number, query in enumerate(queries):
        slips = one_edit(query)
        found = near.near(query)
        assert found == {"w:" + w for w in stored if w in slips}, query
        if number % 10 or len(query) < EDIT_KEYS_FROM or not query.isalpha():
            continue
        if query.isascii() and query.islower():  # then a word one edit off is lower case
            lower = [w for w in stored if w.isascii() and w.isalpha() and w.islower()]
            assert found == {
                "w:" + w
                for w in lower
                if abs(len(w) - len(query)) <= 1 and osa_distance(query, w) == 1
            }, query


def test_near_words_of_a_short_or_foreign_word_are_none() -> None:
    near = NearWords()
    for word in ("li", "lo", "lin", "o'hara", "ohara"):
        near.add(word)
    assert near.near("li") == near.near("o'hara") == set()
    assert near.near("lix") == {"li", "lin"}
    assert near.near("lï") == near.near("líx") == set()

"""A word's other retrieval keys (``search/word_keys.py``): consonant skeletons and
their readings by other customs, and the stored words one edit away, against a written-out
reference and the textbook edit distance."""

from __future__ import annotations

import io
import random

import pytest

from limes.search import snapshot, word_keys
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
    [
        ("kosor", "kthr"),
        ("achadj", "shj"),
        ("katez", "qtz"),
        ("javad", "jd"),
        ("gamal", "jml"),
        ("mahadasah", "mhdth"),  # Egyptian s for ث (محدثه): s and h across a vowel, no sh
    ],
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


def _filed(stored: list[str], form: str) -> NearWords:
    """``stored`` filed in one of the forms ``NearWords`` takes: growing (the dict only),
    frozen (the arrays only), frozen while growing (``add`` freezing by itself every few
    words, the last ones still in the dict), a first half frozen and the rest added
    after, or through a snapshot (``snapshot.serialise``: the frozen form, read back by its
    unpickler) and grown again after."""
    near = NearWords("w:", recent_limit=7 if form == "freezing while added" else 1 << 16)
    half = len(stored) // 2
    for number, word in enumerate(stored):
        if number == half and form in ("added after a freeze", "pickled and added to"):
            near.freeze()
        if number == half and form == "pickled and added to":
            near = snapshot._Unpickler(io.BytesIO(snapshot.serialise(near))).load()
        near.add("w:" + word)
    near.add("p:abc")  # not a word: left out
    if form == "frozen":
        near.freeze()
    return near


FORMS = [
    "growing",
    "frozen",
    "freezing while added",
    "added after a freeze",
    "pickled and added to",
]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_near_words_are_the_stored_words_one_edit_away(seed: int, form: str) -> None:
    stored = _generated_words(seed, 200)
    near = _filed(stored, form)
    assert len(near) == len([w for w in stored if len(w) >= 2 and w.isalpha() and w.isascii()])
    frozen_part = near.nbytes()
    assert (frozen_part == 0) is (form == "growing"), frozen_part
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


@pytest.mark.parametrize("seed", [4, 5])
def test_the_frozen_form_finds_what_the_growing_form_finds(seed: int) -> None:
    """Every form of the same words gives each query the same words, word for word."""
    stored = _generated_words(seed, 300)
    forms = {form: _filed(stored, form) for form in FORMS}
    for query in _generated_words(seed + 100, 300) + stored:
        found = {form: near.near(query) for form, near in forms.items()}
        assert all(words == found["growing"] for words in found.values()), (query, found)


def test_a_checksum_collision_adds_no_word(monkeypatch: pytest.MonkeyPatch) -> None:
    """Deletions of one checksum share their pairs: the words met are checked all the same
    (``one_edit_apart``), so the words found are those one edit away and no others."""
    monkeypatch.setattr(word_keys, "_hash", lambda deletion: len(deletion) % 2)
    stored = _generated_words(6, 50)
    near = _filed(stored, "frozen")
    assert near.nbytes() > 0
    for query in _generated_words(106, 30) + stored:
        assert near.near(query) == {"w:" + w for w in stored if w in one_edit(query)}, query


def test_adding_freezes_by_itself_past_the_limit() -> None:
    """While an index is built the dict of recent deletions stays under its limit (and
    an eighth of the frozen pairs): the rest are in the arrays, 8 bytes a pair."""
    near = NearWords("w:", recent_limit=50)
    words = [w for w in _generated_words(7, 400) if len(w) >= 3 and w.isalpha() and w.isascii()]
    for word in words:
        near.add("w:" + word)
        _, ids, recent = near._layers
        assert len(recent) <= max(50, len(ids) // 8)
    assert near.nbytes() == 8 * len(near._layers[1]) > 0
    assert near.near(words[0]) == {"w:" + w for w in words if w in one_edit(words[0])}

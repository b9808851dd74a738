"""The retrieval keys of one word besides its spelling and sound: its consonant
skeleton (``consonants``) and the skeletons other customs of writing Arabic and Persian
read into it (``consonant_readings``), the words one typing slip back (``slips_undone``),
the stored words one edit away (``NearWords``, ``one_edit_apart``) and a short word with
a letter unknown (``letter_unknown``).

Split from ``name_match.py``, which scores names; ``persons.py`` files and looks up
these keys, and the scorer compares skeletons against names of scripts without short
vowels.
"""

from __future__ import annotations

import re
import zlib
from array import array
from collections.abc import Iterator
from functools import lru_cache
from itertools import combinations, product
from typing import Any

import numpy as np
import numpy.typing as npt

_NOT_CONSONANTS = str.maketrans("", "", "aeiouwy")
# The one-letter sounds that European habits spell with several letters; not the h
# digraphs (zh, kh, sh), which in a consonant skeleton are as often two letters (زهرا,
# Zhra: Zahera)
_ONE_LETTER = (("dsch", "j"), ("dzh", "j"), ("dj", "j"), ("tsch", "ch"), ("tch", "ch"))


@lru_cache(maxsize=262144)
def consonants(token: str, unvowelled: bool = False) -> str:
    """The consonants of a token in order, each run once, ``""`` when fewer than two:
    what a script without short vowels writes, and what a Latin spelling of it with
    vowels keeps (Fatameh and Fatmh: ftmh; Ouaddah and Wdah: dh; Djalili and Jlili:
    jll). w and y go too: they write و and ي, as often vowels as consonants.

    ``unvowelled``: the token is a transliteration of a script without short vowels
    (ICAO 9303, BGN/PCGN), whose tables write ج as j and چ as ch, so its dj is two
    letters (محمدجواد: mhmdjwad, d then j) and is kept so."""
    if not unvowelled:
        for old, new in _ONE_LETTER:
            if old in token:
                token = token.replace(old, new)
    kept = token.translate(_NOT_CONSONANTS)
    runs = "".join(c for i, c in enumerate(kept) if i == 0 or c != kept[i - 1])
    return runs if len(runs) >= 2 else ""


# How the customs of writing Arabic and Persian names with their vowels spell the
# consonants that ICAO 9303 and BGN/PCGN (the tables the stored skeletons come from)
# write otherwise; each Latin spelling may stand for any of its readings:
# * French (Maghreb) usage: ش ch, ج dj, چ tch, ژ j, ث t, ذ d, ق k (Tarek, Chérif,
#   Djamel, Dhikr written Dikr);
# * Egyptian usage: ج g, ث s, ذ z, ق k (Gamal, Osman for عثمان, Zaki for ذكي);
# * UN/BGN Persian: و written v (Javad for جواد), where ICAO writes w (left out of
#   a skeleton, as a glide).
_READINGS: dict[str, tuple[str, ...]] = {
    "tch": ("ch",), "dj": ("j", "dj"), "ch": ("sh", "ch"), "j": ("j", "zh"),
    "k": ("k", "q"), "g": ("g", "j"), "t": ("t", "th"), "s": ("s", "th"),
    "d": ("d", "dh"), "z": ("z", "dh"), "v": ("v", ""),
    "sh": ("sh",), "th": ("th",), "dh": ("dh",), "kh": ("kh",), "gh": ("gh",), "zh": ("zh",),
}  # fmt: skip
UNITS = re.compile(r"tch|dj|[cskgtdz]h|[a-z]")
MAX_READINGS = 12
"""Readings kept per spelling, those that read the fewest letters otherwise first: the
combinations grow with every ambiguous letter, and each costs a comparison."""


@lru_cache(maxsize=262144)
def consonant_readings(token: str) -> tuple[str, ...]:
    """The skeletons (``consonants``) a Latin spelling with vowels may be of, read by
    each custom in ``_READINGS``: Kosor (Egyptian) → ksr and kthr, the skeleton of
    كوثر; Achadj (French) → shj, of أشجع. The plain ``consonants(token)`` first, then
    one letter read otherwise, then two …; ``()`` when it has fewer than two."""
    plain = consonants(token)
    if not plain:
        return ()
    # the letters of a unit stand side by side in the spelling: the s and h of Mahadasah
    # (محدثه, Egyptian s for ث) are two consonants, not the sh the vowels hid
    units = [u for u in UNITS.findall(token) if u.translate(_NOT_CONSONANTS)]
    ambiguous = [i for i, u in enumerate(units) if len(_READINGS.get(u, ())) > 1]
    readings = [plain]
    for changed in range(1, len(ambiguous) + 1):
        for where in combinations(ambiguous, changed):
            for picks in product(*(_READINGS[units[i]] for i in where)):
                spelled = list(map(_first_reading, units))
                for i, pick in zip(where, picks, strict=True):
                    spelled[i] = pick
                runs = _runs_once("".join(spelled))
                if len(runs) >= 2 and runs not in readings:
                    readings.append(runs)
                if len(readings) >= MAX_READINGS:
                    return tuple(readings)
    return tuple(readings)


SLIP_KEYS_FROM = 5
"""Words of at least this many letters are looked up one typing slip back too."""


@lru_cache(maxsize=65536)
def slips_undone(word: str) -> frozenset[str]:
    """The words ``word`` could have been before one extra letter or one swap of two
    neighbours was typed into it (Widisaha → widisha, Avlaro → alvaro): each letter
    left out, each adjacent pair swapped back. Retrieval looks these up too, so that a
    slip in a rare name does not leave the person to the common name beside it (Duarte,
    Robert), of which only the ``MAX_CANDIDATES`` best go on to scoring."""
    if len(word) < SLIP_KEYS_FROM or not word.isalpha():
        return frozenset()
    left_out = {word[:i] + word[i + 1 :] for i in range(len(word))}
    swapped = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    return frozenset((left_out | swapped) - {word})


_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
EDIT_KEYS_FROM = 3
"""Words of at least this many letters are looked up one edit away as whole words too."""

SHORT_NAME = 4
"""Letters of a short name (Li, Tao, Yuan): a slip in one is scored and looked up apart."""


def _editable(word: str) -> bool:
    return word.isalpha() and word.isascii()


def one_edit_apart(word: str, other: str) -> bool:
    """Whether ``other`` is one typing slip away from ``word``: a letter left out, one
    added or one changed (the letter added or put in one of a-z), or two neighbours
    swapped — the edits of Damerau's study of spelling errors, which found some 80 % of
    misspellings to be one of them. A word is not one edit from itself."""
    n, m = len(word), len(other)
    short = n if n < m else m
    i = 0
    while i < short and word[i] == other[i]:
        i += 1
    if n == m:
        if i == n:
            return False
        if word[i + 1 :] == other[i + 1 :]:
            return other[i] in _LETTERS
        return (
            i + 1 < n
            and word[i] == other[i + 1]
            and word[i + 1] == other[i]
            and word[i + 2 :] == other[i + 2 :]
        )
    if m == n - 1:
        return word[i + 1 :] == other[i:]
    if m == n + 1:
        return other[i + 1 :] == word[i:] and other[i] in _LETTERS
    return False


RECENT_LIMIT = 1 << 16
"""Deletions in ``NearWords``' recent dict past which ``add`` freezes (and past an eighth
of the frozen pairs, so that freezing costs a constant share of the adds)."""
_NO_HASHES: npt.NDArray[np.uint32] = np.zeros(0, dtype=np.uint32)
_NO_IDS: npt.NDArray[np.int32] = np.zeros(0, dtype=np.int32)
_Layers = tuple[npt.NDArray[np.uint32], npt.NDArray[np.int32], dict[str, "str | list[str]"]]


class NearWords:
    """Stored words by their deletion keys, to find every stored word one edit away
    (``one_edit_apart``) from a query's in a few lookups: the deletion neighbourhood of
    spelling correctors (Garbe's SymSpell). Each word is filed under itself and under
    each of its single deletions (rudko: udko, rdko, ruko, rudo, rudk); a word one edit
    from it shares one of these with it — a letter added or left out makes one the
    other's deletion, a letter changed leaves the same deletion at its place, two
    neighbours swapped the same deletion at neighbouring places. A query word looks up
    itself and its own deletions (``len + 1`` lookups, against some 54 a letter for
    every word one edit away) and keeps the words found that are one edit away.

    Retrieval (``PersonIndex._candidates``) looks these up as whole stored words, not by
    sound: a wrong letter changes the sound of a word (Fobert for Robert, Rudio for
    Rudko), and the sound key of the word meant is often shared with thousands (Dương,
    Đặng, Dũng all sound TNK) while the word itself is rarer.

    Words are added as their keys in the caller's key table (``prefix`` and the word:
    ``w:rudko``), and that very string is what is kept and found, so the words cost no
    second copy. Only words of ASCII letters of at least two are filed: a word one edit
    from a query of at least ``EDIT_KEYS_FROM`` ASCII letters is one, and one of two
    letters is only ever a query's deletion.

    Two layers, as the posting lists (``PersonIndex.freeze``): the words added since the
    last ``freeze`` in a dict of deletion → word (a list where several share one), and
    the frozen ones as two arrays, the CRC-32 of each (deletion, word) pair's deletion,
    sorted, and beside it the word's number in the list of words — 8 bytes a pair
    instead of a string and a dict entry (``_hash``: a checksum collision only adds a
    word that ``one_edit_apart`` then drops, so the words found are the same). ``add``
    freezes by itself when the recent layer outgrows ``recent_limit`` deletions and an
    eighth of the frozen pairs, so the dict stays small while an index is built. A
    snapshot keeps the frozen form (``__getstate__``). One writer adds and freezes; a
    reader takes both layers in one read (``_layers``), so neither tears a read."""

    __slots__ = ("_frozen_words", "_layers", "_prefix", "_recent_limit", "_words")

    def __init__(self, prefix: str = "", recent_limit: int = RECENT_LIMIT) -> None:
        self._prefix = prefix
        self._recent_limit = recent_limit
        self._words: list[str] = []  # the keys filed, in the order added (the ids)
        self._frozen_words = 0  # how many of them are in the frozen arrays (the writer's)
        self._layers: _Layers = (_NO_HASHES, _NO_IDS, {})

    def __len__(self) -> int:
        """The number of words filed."""
        return len(self._words)

    def add(self, key: str) -> None:
        """File the word of ``key`` (the prefix and the word), once: the caller adds each
        key once. A key without the prefix is not a word and is left out."""
        if not key.startswith(self._prefix):
            return
        word = key[len(self._prefix) :]
        if len(word) < EDIT_KEYS_FROM - 1 or not _editable(word):
            return
        self._words.append(key)
        hashes, _, recent = self._layers
        for deletion in _deletions(word):
            held = recent.get(deletion)
            if held is None:
                recent[deletion] = key
            elif isinstance(held, str):
                recent[deletion] = [held, key]
            else:
                held.append(key)
        if len(recent) > max(self._recent_limit, len(hashes) // 8):
            self.freeze()

    def freeze(self) -> None:
        """Move the words added since the last freeze into the frozen arrays."""
        if self._frozen_words < len(self._words):
            hashes, ids = self._merged()
            self._layers = (hashes, ids, {})
            self._frozen_words = len(self._words)

    def _merged(self) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int32]]:
        """Both layers as frozen arrays: the recent words' pairs sorted, then merged into
        the frozen ones in one pass (a freeze costs the arrays' length, not a sort)."""
        hashes, ids, _ = self._layers
        words, prefix = self._words, len(self._prefix)
        numbers = range(self._frozen_words, len(words))
        counts = array("I")

        def pairs() -> Iterator[int]:  # the hashes, 4 bytes each, never a tuple a pair
            for number in numbers:
                deletions = _deletions(words[number][prefix:])
                counts.append(len(deletions))
                yield from map(_hash, deletions)

        added = np.fromiter(pairs(), dtype=np.uint32)
        if not len(added):
            return hashes, ids
        added_ids = np.repeat(np.asarray(numbers, dtype=np.int32), np.frombuffer(counts, np.uint32))
        order = np.argsort(added, kind="stable")
        added, added_ids = added[order], added_ids[order]
        at = hashes.searchsorted(added, "right") + np.arange(len(added))
        kept = np.ones(len(hashes) + len(added), dtype=np.bool_)
        kept[at] = False
        merged, merged_ids = np.empty(len(kept), np.uint32), np.empty(len(kept), np.int32)
        merged[at], merged_ids[at] = added, added_ids
        merged[kept], merged_ids[kept] = hashes, ids
        return merged, merged_ids

    def __getstate__(self) -> tuple[str, int, list[str], npt.NDArray[Any], npt.NDArray[Any]]:
        """The frozen form, the recent words sorted in (what a snapshot keeps)."""
        hashes, ids = self._merged()
        return (self._prefix, self._recent_limit, self._words, hashes, ids)

    def __setstate__(
        self, state: tuple[str, int, list[str], npt.NDArray[Any], npt.NDArray[Any]]
    ) -> None:
        self._prefix, self._recent_limit, self._words, hashes, ids = state
        self._layers = (hashes, ids, {})
        self._frozen_words = len(self._words)

    def nbytes(self) -> int:
        """The bytes of the frozen arrays (the words are the caller's strings)."""
        hashes, ids, _ = self._layers
        return int(hashes.nbytes + ids.nbytes)

    def near(self, word: str) -> set[str]:
        """The keys of every filed word one edit away from ``word`` (``one_edit_apart``),
        ``word`` itself not; none for a word shorter than ``EDIT_KEYS_FROM`` or not of
        ASCII letters."""
        if len(word) < EDIT_KEYS_FROM or not _editable(word):
            return set()
        hashes, ids, recent = self._layers
        words = self._words
        deletions = _deletions(word)
        met: set[str] = set()
        for deletion in deletions if recent else ():
            held = recent.get(deletion)
            if held is None:
                continue
            if isinstance(held, str):
                met.add(held)
            else:
                met.update(held)
        if len(hashes):
            asked = np.array([_hash(d) for d in deletions], dtype=np.uint32)
            lows = hashes.searchsorted(asked, "left").tolist()
            highs = hashes.searchsorted(asked, "right").tolist()
            for low, high in zip(lows, highs, strict=True):
                if low < high:
                    met.update([words[number] for number in ids[low:high].tolist()])
        asked_key = self._prefix + word  # the prefix is the same on both: the edit is after it
        return {key for key in met if one_edit_apart(asked_key, key)}


def _deletions(word: str) -> set[str]:
    """What a word is filed and looked up under: itself and, from ``EDIT_KEYS_FROM``
    letters, each of its single deletions."""
    if len(word) < EDIT_KEYS_FROM:
        return {word}
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


def _hash(deletion: str) -> int:
    """The CRC-32 of a deletion's letters (ASCII): the same in every process, unlike
    ``hash``, so frozen arrays survive a snapshot, and 4 bytes a pair. 100,000 persons
    file 496,217 pairs; at 1.7 million, under 17 times as many, a query word's some ten
    lookups meet a stranger's checksum about once in fifty words, which
    ``one_edit_apart`` then drops."""
    return zlib.crc32(deletion.encode("ascii"))


def _first_reading(unit: str) -> str:
    return _READINGS.get(unit, (unit,))[0]


def _runs_once(letters: str) -> str:
    return "".join(c for i, c in enumerate(letters) if i == 0 or c != letters[i - 1])


def letter_unknown(word: str) -> frozenset[str]:
    """A short word (two to ``SHORT_NAME`` letters) with each letter in turn unknown
    (Li: ``l?``, ``?i``); ``()`` for any other.

    A wrong key in a short name (Yi typed Ui, Liu typed Kiu, Lin typed Lkn) changes
    its sound, so no phonetic key meets it, and undoing the slip by trying every
    letter at every place would look up dozens of keys. Filed under these patterns,
    the stored word meets every word one substitution away in ``len(word)`` lookups
    (the pattern key of spelling correctors' wildcard indexes). Short names are the
    commonest of East Asian surnames and given names, where this slip matters most;
    they are also few, so the keys cost little memory."""
    if not 2 <= len(word) <= SHORT_NAME or not word.isalpha():
        return frozenset()
    return frozenset(word[:i] + "?" + word[i + 1 :] for i in range(len(word)))

"""The retrieval keys of one word besides its spelling and sound: its consonant
skeleton (``consonants``) and the skeletons other customs of writing Arabic and Persian
read into it (``consonant_readings``), the words one typing slip back (``slips_undone``)
and every word one edit away (``one_edit``).

Split from ``name_match.py``, which scores names; ``persons.py`` files and looks up
these keys, and the scorer compares skeletons against names of scripts without short
vowels.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import combinations, product

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
    units = UNITS.findall(token.translate(_NOT_CONSONANTS))
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


_LETTERS = "abcdefghijklmnopqrstuvwxyz"
EDIT_KEYS_FROM = 3
"""Words of at least this many letters are looked up one edit away as whole words too."""


@lru_cache(maxsize=65536)
def one_edit(word: str) -> frozenset[str]:
    """Every word one typing slip away from ``word`` (a letter left out, one added, one
    changed, two neighbours swapped: the edits of Damerau's study of spelling errors,
    which found some 80 % of misspellings to be one of them), ``word`` itself not.

    Retrieval looks these up as whole stored words (``persons``: the ``w:`` keys), not
    by sound: a wrong letter changes the sound of a word (Fobert for Robert, Rudio for
    Rudko), and the sound key of the word meant is often shared with thousands (Dương,
    Đặng, Dũng all sound TNK) while the word itself is rarer. Some 50 per letter of the
    word, generated only where a part of the query found no one or too many
    (``PersonIndex._candidates``)."""
    if len(word) < EDIT_KEYS_FROM or not word.isalpha() or not word.isascii():
        return frozenset()
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    left_out = {a + b[1:] for a, b in splits if b}
    swapped = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    changed = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    added = {a + c + b for a, b in splits for c in _LETTERS}
    return frozenset((left_out | swapped | changed | added) - {word})


def _first_reading(unit: str) -> str:
    return _READINGS.get(unit, (unit,))[0]


def _runs_once(letters: str) -> str:
    return "".join(c for i, c in enumerate(letters) if i == 0 or c != letters[i - 1])

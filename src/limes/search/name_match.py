"""Names compared in bulk: a stored identity's spellings (``NameSet``) and a query's
parts (``query_names``) as integer codes, aligned with edit similarity, phonetic codes
and given-name groups, and combined into one name score per identity.

The rules and their figures are described in ``scoring.py``, which uses them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import OSA
from rapidfuzz.process import cdist

from limes.domain.alerts import Name
from limes.search import names
from limes.search.codes import CONSONANT_CODES, GROUP_CODES, PHONETIC_CODES
from limes.search.given_names import given_name_group
from limes.search.token_variants import token_variants
from limes.search.word_keys import SHORT_NAME, UNITS, consonant_readings, consonants

PART_FLOOR = 0.75
COVERED = 0.8
EQUIVALENT = 0.92
PHONETIC_LIFT = 0.2
PHONETIC_CAP = 0.88
LONG_NAME = 5
SHORT_SLIP, FIRST_LETTER_SLIP = 0.8, 0.78
SAME_CONSONANTS, SAME_LONG_SKELETON, LONG_SKELETON = 0.85, 0.88, 3
HALF_OF_COMPOUND = 0.85
OTHER_ROLE = 0.95
CLEAN_SWAP = 0.98
SURNAME_WEIGHT, FORENAME_WEIGHT = 1.0, 0.8
QUERY_SHARE = 0.85

SURNAME, FORENAME = 0, 1
ROLE_NAME = ("surname", "forename")

Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.int32]
Bools = npt.NDArray[np.bool_]


NO_GROUP_STORED, NO_GROUP_ASKED, UNKNOWN_CODE = 0, -2, -1


ROLE, MAIN, PHONETIC, GROUP, HALF, ABJAD, CONSONANTS, LENGTH, FIRST, RESPELLED = range(10)
"""The rows of ``NameSet.codes``. ``MAIN``: k + 1 for the identity's main word k (a word
of the standard form of a name), -(k + 1) for another spelling of it word for word,
0 for any other string. ``LENGTH`` and ``FIRST`` (the code point of the first letter)
are what ``similarity`` needs of each stored string besides the string, kept so that a
search does not read them from every candidate's strings again; ``RESPELLED`` is 1
where ``names.respelled`` changes the string (about one in five), so that a search
respells only those."""
CODE_ROWS = {"phonetic": PHONETIC, "group": GROUP, "consonants": CONSONANTS}
"""The row of each numbered kind of code (``codes.adopt_codes``)."""


@dataclass(frozen=True, slots=True)
class NameSet:
    """One identity of a stored person: every spelling of its words, with their roles.

    ``codes`` holds one column per spelling and nine rows (``ROLE``, ``MAIN`` (which
    main word a string spells), ``PHONETIC``, ``GROUP``, ``HALF``: only a half of a
    compound, ``ABJAD``: of a name written in a script without short vowels,
    ``CONSONANTS``: its ``consonants``, ``LENGTH``, ``FIRST``): one array per identity
    keeps a million of them small, and the candidates of a search are joined with one
    concatenation.
    """

    label: str
    display: str
    strings: tuple[str, ...]
    codes: Ints

    @property
    def tokens(self) -> tuple[str, ...]:
        return self.strings

    @classmethod
    def of(cls, surnames: Sequence[Name], forenames: Sequence[Name], label: str) -> NameSet:
        seen: dict[str, tuple[int, bool, bool]] = {}
        abjad: set[str] = set()
        numbers: dict[str, int] = {}  # each main word's number
        spells: dict[str, int] = {}  # another spelling, word for word, of a main word
        for role, field in ((SURNAME, surnames), (FORENAME, forenames)):
            standard: list[str] = []  # the first form of each name of the field
            for name in field:
                vowelless = names.is_abjad(name.original or "", name.script)
                first: tuple[str, ...] = ()
                for number, form in enumerate(names.name_forms(name)):
                    words = names.tokens(form)
                    if number == 0:
                        standard.extend(words)
                        first = words
                        for word in words:
                            numbers.setdefault(word, len(numbers))
                    elif len(words) == len(first):
                        for word, main_word in zip(words, first, strict=True):
                            spells.setdefault(word, numbers[main_word])
                    for text, half in _spellings(form, words):
                        main = number == 0 and text in words
                        old = seen.get(text)
                        if old is None or (main and not old[1]) or (old[2] and not half):
                            seen[text] = (role, main, half and not main)
                        if vowelless:
                            abjad.add(text)
            if len(field) > 1:  # two names written as one: "Valeriu", "Jean" -> "valeriujean"
                seen.setdefault("".join(standard), (role, False, False))
        strings = tuple(seen)
        display = " ".join(n.latin for n in surnames) + ", " + " ".join(n.latin for n in forenames)
        codes = np.array(
            [
                [r for r, _, _ in seen.values()],
                [
                    numbers[t] + 1 if m else -(spells[t] + 1) if t in spells else 0
                    for t, (_, m, _) in seen.items()
                ],
                [PHONETIC_CODES.add(names.phonetic(t)) for t in strings],
                [
                    GROUP_CODES.add(g) if (g := given_name_group(t)) else NO_GROUP_STORED
                    for t in strings
                ],
                [h for _, _, h in seen.values()],
                [t in abjad for t in strings],
                [
                    CONSONANT_CODES.add(c) if (c := consonants(t, t in abjad)) else NO_GROUP_STORED
                    for t in strings
                ],
                [len(t) for t in strings],
                [ord(t[0]) if t else 0 for t in strings],
                [names.respelled(t) != t for t in strings],
            ],
            dtype=np.int32,
        ).reshape(10, len(strings))
        return cls(label=label, display=display.strip(", "), strings=strings, codes=codes)


def _spellings(form: str, words: Sequence[str]) -> list[tuple[str, bool]]:
    """The words of a form, the form written together (without and with its particles),
    and each word's compound variants; each with True where it is only a half of a
    compound ("rahman" of "abdelrahman")."""
    out = [(w, False) for w in words]
    if len(words) > 1:
        out.append(("".join(words), False))
    if " " in form:  # run together with its particles: "van der berg" -> "vanderberg"
        out.append((form.replace(" ", ""), False))
    for word in words:
        for variant in token_variants(word):
            parts = variant.split()
            out.extend((p, len(parts) > 1) for p in parts)
            if len(parts) > 1:
                out.append(("".join(parts), False))
    return [(w, half) for w, half in out if w]


@dataclass(frozen=True, slots=True)
class QueryPart:
    role: int
    weight: float
    written: str
    spellings: tuple[str, ...]
    halves: frozenset[str] = frozenset()
    abjad: bool = False
    """Typed in a script that leaves short vowels unwritten."""


@dataclass(frozen=True, slots=True)
class QueryNames:
    parts: tuple[QueryPart, ...]
    strings: tuple[str, ...]
    part_of: Ints
    starts: Ints
    roles: npt.NDArray[np.int8]
    phonetic: Ints
    groups: Ints
    halves: npt.NDArray[np.bool_]
    abjad: npt.NDArray[np.bool_]
    consonants: Ints
    same_skeleton: Floats
    """What the same consonants count for each string: ``SAME_LONG_SKELETON`` from
    ``LONG_SKELETON`` consonants on (Shmr, Chemer: as sure as the same sound), else
    ``SAME_CONSONANTS`` (Sd is Sud, Sada, Saad and Sayed alike)."""
    reading_rows: Ints
    """With ``reading_codes``: the row (string) of each known ``consonant_readings``."""
    reading_codes: Ints
    unborne: Bools | None = None
    """Per string, True where no one in the index bears it as written (``persons.unborne``):
    a first-letter slip to it is no other name (``similarity``). None: not looked up."""


def _field_parts(texts: Sequence[str], role: int) -> list[QueryPart]:
    parts: list[QueryPart] = []
    weight = SURNAME_WEIGHT if role == SURNAME else FORENAME_WEIGHT
    # the whole field written as one word, for a stored name held as one
    whole = [
        "".join(t for text in texts for t in names.tokens((names.latin_forms(text) or ("",))[0]))
    ]
    for text in texts:
        forms = names.latin_forms(text)
        if not forms:
            continue
        first = names.tokens(forms[0])
        aligned = [names.tokens(f) for f in forms if len(names.tokens(f)) == len(first)]
        joined = ["".join(names.tokens(f)) for f in forms] if len(first) > 1 else []
        joined += [f.replace(" ", "") for f in forms if " " in f]
        for position, word in enumerate(first):
            spellings = [t[position] for t in aligned]
            halves: set[str] = set()
            for variant in token_variants(word):
                pieces = variant.split()
                spellings.extend(pieces)
                if len(pieces) > 1:
                    halves.update(pieces)
                spellings.append(variant.replace(" ", ""))
            spellings.extend(joined)
            if len(texts) > 1:
                spellings.extend(whole)
            unique = tuple(dict.fromkeys(spellings))
            halves -= {t[position] for t in aligned} | set(joined) | set(whole)
            parts.append(
                QueryPart(role, weight, word, unique, frozenset(halves), names.is_abjad(text))
            )
    return parts


def query_names(surnames: Sequence[str], forenames: Sequence[str]) -> QueryNames:
    parts = _field_parts(surnames, SURNAME) + _field_parts(forenames, FORENAME)
    strings: list[str] = []
    part_of: list[int] = []
    starts: list[int] = []
    halves: list[bool] = []
    unvowelled: list[bool] = []
    for number, part in enumerate(parts):
        starts.append(len(strings))
        strings.extend(part.spellings)
        part_of.extend([number] * len(part.spellings))
        halves.extend(s in part.halves for s in part.spellings)
        unvowelled.extend([part.abjad] * len(part.spellings))
    reading_rows: list[int] = []
    reading_codes: list[int] = []
    for row, (string, abjad) in enumerate(zip(strings, unvowelled, strict=True)):
        for reading in () if abjad else consonant_readings(string):
            code = CONSONANT_CODES.known(reading, UNKNOWN_CODE)
            if code != UNKNOWN_CODE:  # only a skeleton some stored name has can meet one
                reading_rows.append(row)
                reading_codes.append(code)
    return QueryNames(
        parts=tuple(parts),
        strings=tuple(strings),
        part_of=np.asarray(part_of, dtype=np.int32),
        starts=np.asarray(starts, dtype=np.int32),
        roles=np.asarray([parts[p].role for p in part_of], dtype=np.int8),
        phonetic=np.asarray(
            [PHONETIC_CODES.known(names.phonetic(s), UNKNOWN_CODE) for s in strings], dtype=np.int32
        ),
        groups=np.asarray(
            [GROUP_CODES.known(given_name_group(s), NO_GROUP_ASKED) for s in strings],
            dtype=np.int32,
        ),
        halves=np.asarray(halves, dtype=np.bool_),
        abjad=np.asarray(unvowelled, dtype=np.bool_),
        consonants=np.asarray(
            [
                CONSONANT_CODES.known(consonants(s, a) or None, UNKNOWN_CODE)
                for s, a in zip(strings, unvowelled, strict=True)
            ],
            dtype=np.int32,
        ),
        same_skeleton=np.asarray(
            [
                SAME_LONG_SKELETON
                if len(UNITS.findall(consonants(s, a))) >= LONG_SKELETON
                else SAME_CONSONANTS
                for s, a in zip(strings, unvowelled, strict=True)
            ],
            dtype=np.float32,
        ),
        reading_rows=np.asarray(reading_rows, dtype=np.int32),
        reading_codes=np.asarray(reading_codes, dtype=np.int32),
    )


def similarity(
    wanted: QueryNames,
    strings: Sequence[str],
    codes: Ints,
    respelled: Sequence[str] | None = None,
) -> Floats:
    """(query strings × stored strings) similarity under the rules of the docstring;
    ``codes`` are the stored strings' ``NameSet.codes`` columns, ``respelled`` their
    ``names.respelled`` forms where ``RESPELLED`` marks them (found here when not given).
    Each column depends on its own string and codes alone."""
    sim = cdist(wanted.strings, strings, scorer=OSA.normalized_similarity, dtype=np.float32)
    same_sound = wanted.phonetic[:, None] == codes[PHONETIC][None, :]
    asked_lengths = np.fromiter(map(len, wanted.strings), np.int32, len(wanted.strings))[:, None]
    stored_lengths = codes[LENGTH][None, :]
    lengths = np.minimum(asked_lengths, stored_lengths)
    longest = np.maximum(asked_lengths, stored_lengths)
    # a short name (Wu, Li, Kim, Yong) with one slip: edit similarity leaves it at 0.5-0.75,
    # under any use, though a slip is as likely there as in a long name (Wo, Lu, Kin, Yon).
    # A slip of the first letter (Su/Zu, Wen/Qen) counts a little less: Wu and Xu are also
    # two common names, so it makes a hit only with the rest of the name and the date;
    # where no one in the index bears the word typed (Oê for Lê), that reason is gone
    slip = (longest <= SHORT_NAME) & (lengths >= 2) & (np.rint((1.0 - sim) * longest) == 1)
    first = _first_letters(wanted.strings)[:, None] == codes[FIRST][None, :]
    if wanted.unborne is not None:
        first |= wanted.unborne[:, None]
    sim = np.where(slip, np.maximum(sim, np.where(first, SHORT_SLIP, FIRST_LETTER_SLIP)), sim)
    # two habits' spellings of one sound (Schuschitsch/Zhuzhich, Pezotitsch/Pecotich) are
    # far apart letter for letter: compared respelled one way, as another spelling
    if respelled is None:
        changed = codes[RESPELLED].tolist()
        respelled = [names.respelled(t) if c else t for t, c in zip(strings, changed, strict=True)]
    _respelled(wanted, strings, codes, respelled, sim)
    lift = np.where(lengths >= LONG_NAME, PHONETIC_LIFT, PHONETIC_LIFT / 2)
    lifted = np.minimum(sim + lift, PHONETIC_CAP)
    sim = np.where(same_sound & (lifted > sim), lifted, sim)
    # one side written without its short vowels (Arabic, Hebrew, Persian script or their
    # consonant skeletons): the same consonants in the same order is the same name
    # (Fatameh/Fatmh); Metaphone's code differs where it reads a vowel or w/y as a sound
    # (Ouaddah/Wdah, Yusana/Ysna), so the consonants are compared alone too
    unvowelled = wanted.abjad[:, None] | (codes[ABJAD][None, :] != 0)
    same_consonants = wanted.consonants[:, None] == codes[CONSONANTS][None, :]
    same_consonants |= _sounds_alike(wanted, strings, codes, same_sound & unvowelled)
    skeleton = wanted.same_skeleton[:, None]
    sim = np.where(same_consonants & unvowelled, np.maximum(sim, skeleton), sim)
    _read_as_skeleton(wanted, sim, codes)
    same_group = wanted.groups[:, None] == codes[GROUP][None, :]
    sim = np.where(same_group, np.maximum(sim, EQUIVALENT), sim)
    half = wanted.halves[:, None] | (codes[HALF][None, :] != 0)
    sim = np.where(half, sim * HALF_OF_COMPOUND, sim)
    result: Floats = sim.astype(np.float32, copy=False)
    return result


def _sounds_alike(wanted: QueryNames, strings: Sequence[str], codes: Ints, same: Bools) -> Bools:
    """Of the pairs ``same`` (the same Metaphone code, one side written without short
    vowels), those that do not differ by an h inside the name (``_inner_h_apart``).
    Only the few pairs whose consonants differ are looked at again."""
    rows, columns = np.nonzero(same & (wanted.consonants[:, None] != codes[CONSONANTS][None, :]))
    for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
        asked = consonants(wanted.strings[row], bool(wanted.abjad[row]))
        held = consonants(strings[column], bool(codes[ABJAD][column]))
        if _inner_h_apart(asked, held):
            same[row, column] = False
    return same


def _inner_h_apart(a: str, b: str) -> bool:
    """Two consonant skeletons the same but for an h inside the name. Metaphone reads an
    h after a vowel as silent, as English spelling writes it (Sarah), but a script
    without short vowels writes h only for ح or ه, a consonant: مجاهد (Mjahd, mjhd) and
    Majdi (mjd) are two names, both MJT. A final h is left aside (ة, written h or t by
    the tables, a vowel by spellings with vowels: Fatima for Ftmh), as are the digraphs
    (sh, kh …: one letter each)."""
    units = [u[:-1] if u[-1:] == ["h"] else u for u in map(UNITS.findall, (a, b))]
    if units[0] == units[1]:
        return False
    return [u for u in units[0] if u != "h"] == [u for u in units[1] if u != "h"]


def _respelled(
    wanted: QueryNames, strings: Sequence[str], codes: Ints, respelled: Sequence[str], sim: Floats
) -> None:
    """At least the similarity of the two respelled, at most ``PHONETIC_CAP`` (in place).
    Where neither string changes respelled (``RESPELLED``), that is their similarity as
    written, which ``sim`` holds already: only the columns of stored strings that change
    are compared, unless a query string changes too. ``respelled``: the stored strings'
    forms (``similarity``)."""
    asked = list(map(names.respelled, wanted.strings))
    if asked != list(wanted.strings):
        every = cdist(asked, respelled, scorer=OSA.normalized_similarity, dtype=np.float32)
        np.maximum(sim, np.minimum(every, PHONETIC_CAP), out=sim)
        return
    changed = np.flatnonzero(codes[RESPELLED])
    if len(changed):
        some = cdist(
            asked,
            list(map(respelled.__getitem__, changed.tolist())),
            scorer=OSA.normalized_similarity,
            dtype=np.float32,
        )
        sim[:, changed] = np.maximum(sim[:, changed], np.minimum(some, PHONETIC_CAP))


def _first_letters(strings: Sequence[str]) -> Ints:
    """The code point of each string's first letter (0 for an empty one): an integer
    array compares some ten times faster than an array of one-letter strings."""
    return np.fromiter((ord(w[0]) if w else 0 for w in strings), np.int32, len(strings))


def _read_as_skeleton(wanted: QueryNames, sim: Floats, codes: Ints) -> None:
    """A query spelling with vowels whose consonants, read by another custom
    (``consonant_readings``: French ch for ش, Egyptian s for ث …), are those of a name
    stored without short vowels: the same name as far as the writing shows (in place)."""
    if not len(wanted.reading_codes):
        return
    columns = np.flatnonzero(codes[ABJAD] != 0)
    if not len(columns):
        return
    pairs, where = np.nonzero(wanted.reading_codes[:, None] == codes[CONSONANTS][columns][None, :])
    if not len(pairs):
        return
    rows, cols = wanted.reading_rows[pairs], columns[where]
    sim[rows, cols] = np.maximum(sim[rows, cols], wanted.same_skeleton[rows])


def alignments(wanted: QueryNames, sim: Floats, codes: Ints) -> tuple[Floats, Floats]:
    """The similarity as two alignments: *mixed* (any word with any, one of the other
    role counting ``OTHER_ROLE`` of its value) and *swapped* (every surname with a
    forename and back, at full value: a clean swap is one slip of data entry, scored
    ``CLEAN_SWAP`` as a whole)."""
    cross = wanted.roles[:, None] != codes[ROLE][None, :]
    mixed = np.where(cross, sim * OTHER_ROLE, sim).astype(np.float32, copy=False)
    swapped = np.where(cross, sim, 0.0).astype(np.float32, copy=False)
    return mixed, swapped


def combined(
    wanted: QueryNames, mixed: Floats, swapped: Floats, codes: Ints, offsets: npt.NDArray[np.int64]
) -> tuple[Floats, Floats]:
    """The name score of each identity (columns from ``offsets`` on) under each of the
    two alignments (``alignments``); what does not depend on the alignment (the query's
    weights, which identity owns each column, how many main words each has) is found
    once for both."""
    weights = np.asarray([p.weight for p in wanted.parts], dtype=np.float32)
    word = codes[MAIN]
    held = np.abs(word)
    owner = np.repeat(np.arange(len(offsets)), np.diff(np.append(offsets, len(word))))
    mains = np.maximum(np.add.reduceat(word > 0, offsets), 1)
    width = int(held.max(initial=0)) + 1
    return tuple(  # type: ignore[return-value]
        _combined(wanted, sim, offsets, weights, word, held, owner, mains, width)
        for sim in (mixed, swapped)
    )


def _combined(
    wanted: QueryNames,
    sim: Floats,
    offsets: npt.NDArray[np.int64],
    weights: Floats,
    word: Ints,
    held: Ints,
    owner: npt.NDArray[np.intp],
    mains: Ints,
    width: int,
) -> Floats:
    per_set = np.maximum.reduceat(sim, offsets, axis=1)  # query strings × sets
    per_part = np.maximum.reduceat(per_set, wanted.starts, axis=0)  # parts × sets
    per_part = np.where(per_part >= PART_FLOOR, per_part, 0.0)
    query_share = weights @ per_part / weights.sum()
    # the share of each identity's own words met: a word counts once, met in any of its
    # spellings (Lazić as lazic or lazich)
    met = (sim.max(axis=0) >= COVERED) & (word != 0)
    seen = np.zeros((len(offsets), width), dtype=np.bool_)  # identity × word number
    seen[owner[met], held[met]] = True
    stored_share = np.count_nonzero(seen, axis=1) / mains
    combined: Floats = (QUERY_SHARE * query_share + (1 - QUERY_SHARE) * stored_share).astype(
        np.float32
    )
    return combined

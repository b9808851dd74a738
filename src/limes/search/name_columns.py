"""Every stored identity's codes side by side in flat arrays, so that a search gathers
its candidates' names by indexing instead of walking their objects.

``NameColumns.of`` lays out, at a freeze (``PersonIndex.freeze``, and the snapshot's
state), the name sets (``name_match.NameSet``) of every person filed: one column per
stored string, identity after identity, person after person (ascending slots), with the
string's codes and its *spelling* number. Columns with one number hold the same string
with the same ``HALF`` and ``ABJAD`` rows, and so every row ``name_match.similarity``
reads (the others are functions of the string and ``ABJAD``); the string and its
``names.respelled`` form (computed once here, not per search) are kept once per number
(``words``). A search compares each spelling its candidates share once
(``Scorer``'s ``_compare``), and every column of it takes that spelling's values, to
the bit.

The columns are immutable once laid out, but for their ``fresh`` flags. A slot filed
again or removed since is *stale* (``stale``: the writer clears its flag before it
changes the person), and a slot filed after the freeze has no columns: ``gather`` takes
both from their name sets as before, in the candidates' order, so answers never depend
on which way a candidate came. A reader that met the person before a change reads either
its columns or its name sets, both of the person it met. Only a freeze replaces the
columns (the start-up build), never while searches run.

Memory: the codes (ten int32 rows a column) repeat the name sets' own; the words are
references to the name sets' strings; their respellings are new strings, one for each
distinct spelling.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, pairwise

import numpy as np
import numpy.typing as npt

from limes.search import names
from limes.search.features import Stored
from limes.search.name_match import ABJAD, HALF, RESPELLED, NameSet

Ints = npt.NDArray[np.int32]
Longs = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Gathered:
    """The candidates' identities as columns, in the candidates' order."""

    codes: Ints
    spelling: Ints
    """Each column's spelling number: columns with one number compare alike (see the
    module); a column taken from its name set has a number of its own."""
    widths: Longs
    """The columns of each identity."""
    counts: list[int]
    """The identities of each candidate."""
    words: Sequence[str]
    """The string of each spelling number below ``base`` (the columns' table)."""
    respelled: Sequence[str]
    """``names.respelled`` of the same, where ``RESPELLED`` marks it; else the string."""
    base: int = 0
    more_words: Sequence[str] = ()
    """The strings of the numbers from ``base`` on (taken from name sets)."""
    more_respelled: Sequence[str] = ()

    def spelled(self, numbers: list[int]) -> tuple[list[str], list[str]]:
        """The strings and respelled forms of ``numbers``."""
        if max(numbers, default=-1) < self.base:
            return list(map(self.words.__getitem__, numbers)), list(
                map(self.respelled.__getitem__, numbers)
            )
        words = [
            self.words[n] if n < self.base else self.more_words[n - self.base] for n in numbers
        ]
        respelled = [
            self.respelled[n] if n < self.base else self.more_respelled[n - self.base]
            for n in numbers
        ]
        return words, respelled


def ranges(first: Longs, last: Longs) -> Longs:
    """``first[i] .. last[i] - 1`` for every i, joined: the indexes of consecutive ranges."""
    sizes = last - first
    total = int(sizes.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    shift = np.repeat(first - (np.cumsum(sizes) - sizes), sizes)
    out: Longs = np.arange(total, dtype=np.int64) + shift
    return out


def _walked(sets: Sequence[NameSet]) -> tuple[list[str], list[str], Ints]:
    strings = list(chain.from_iterable(s.strings for s in sets))
    codes = np.concatenate([s.codes for s in sets], axis=1)
    respelled = [
        names.respelled(t) if changed else t
        for t, changed in zip(strings, codes[RESPELLED].tolist(), strict=True)
    ]
    return strings, respelled, codes


def walked(sets: Sequence[NameSet], counts: list[int] | None = None, base: int = 0) -> Gathered:
    """The columns of ``sets`` taken from the objects, each numbered on from ``base``;
    ``counts``, the identities of each candidate (one each when not given)."""
    widths = np.fromiter((len(s.strings) for s in sets), np.int64, len(sets))
    strings, respelled, codes = (
        _walked(sets) if sets else ([], [], np.zeros((RESPELLED + 1, 0), np.int32))
    )
    spelling = np.arange(base, base + len(strings), dtype=np.int32)
    counts = [1] * len(sets) if counts is None else counts
    return Gathered(codes, spelling, widths, counts, (), (), base, strings, respelled)


def walked_people(present: Sequence[tuple[int, Stored]], base: int = 0) -> Gathered:
    """``walked`` of every identity of each candidate (slot, person), in order."""
    each = [stored.name_sets for _, stored in present]
    return walked(list(chain.from_iterable(each)), list(map(len, each)), base)


@dataclass(frozen=True, slots=True)
class NameColumns:
    """The name sets of the people filed at a freeze, flattened (see the module)."""

    slots: Longs
    """The slots laid out, ascending."""
    fresh: npt.NDArray[np.bool_]
    """By position in ``slots``: False once the slot was filed again or removed."""
    first_set: Longs
    """Slot i's identities are ``first_set[i]`` up to ``first_set[i + 1]``."""
    set_start: Longs
    """Identity j's columns are ``set_start[j]`` up to ``set_start[j + 1]``."""
    words: list[str]
    """The string of each spelling number."""
    respelled: list[str]
    """Its ``names.respelled`` form where ``RESPELLED`` marks it, else the string."""
    codes: Ints
    spelling: Ints
    """Each column's spelling number."""

    @classmethod
    def of(cls, stored: Mapping[int, Stored]) -> NameColumns:
        slots = sorted(stored)
        people = [stored[slot].name_sets for slot in slots]
        sets = list(chain.from_iterable(people))
        counts = np.fromiter(map(len, people), np.int64, len(people))
        widths = np.fromiter((len(s.strings) for s in sets), np.int64, len(sets))
        strings, respelled, codes = (
            _walked(sets) if sets else ([], [], np.zeros((RESPELLED + 1, 0), np.int32))
        )
        numbers: dict[tuple[str, int, int], int] = {}
        keys = zip(strings, codes[HALF].tolist(), codes[ABJAD].tolist(), strict=True)
        spelling = np.fromiter(
            (numbers.setdefault(key, len(numbers)) for key in keys), np.int32, len(strings)
        )
        words = [word for word, _, _ in numbers]
        respelled_of = dict(zip(strings, respelled, strict=True))
        return cls(
            slots=np.asarray(slots, dtype=np.int64),
            fresh=np.ones(len(slots), dtype=np.bool_),
            first_set=np.concatenate(([0], np.cumsum(counts))).astype(np.int64),
            set_start=np.concatenate(([0], np.cumsum(widths))).astype(np.int64),
            words=words,
            respelled=list(map(respelled_of.__getitem__, words)),
            codes=codes,
            spelling=spelling,
        )

    def stale(self, slot: int) -> None:
        """The slot is filed again or removed: its columns no longer describe it (the
        writer calls this before it changes the person)."""
        at = int(np.searchsorted(self.slots, slot))
        if at < len(self.slots) and self.slots[at] == slot:
            self.fresh[at] = False

    def gather(self, present: Sequence[tuple[int, Stored]]) -> Gathered:
        """The identities of ``present`` (slot, person) in its order: laid-out columns
        where fresh, else the person's name sets."""
        wanted = np.fromiter((slot for slot, _ in present), np.int64, len(present))
        at = np.searchsorted(self.slots, wanted)
        at[at == len(self.slots)] = 0
        laid = (
            (self.slots[at] == wanted) & self.fresh[at]
            if len(self.slots)
            else np.zeros(len(present), np.bool_)
        )
        if laid.all():
            return self._laid_out(at)
        # runs of candidates alike (laid out or not), each gathered its own way, in order
        bounds = [0, *(np.flatnonzero(np.diff(laid)) + 1).tolist(), len(present)]
        pieces = []
        base = next_number = len(self.words)  # a walked column's number equals no laid one
        for begin, end in pairwise(bounds):
            if laid[begin]:
                pieces.append(self._laid_out(at[begin:end]))
                continue
            piece = walked_people(present[begin:end], next_number)
            pieces.append(piece)
            next_number += len(piece.spelling)
        return Gathered(
            np.concatenate([p.codes for p in pieces], axis=1),
            np.concatenate([p.spelling for p in pieces]),
            np.concatenate([p.widths for p in pieces]),
            list(chain.from_iterable(p.counts for p in pieces)),
            self.words,
            self.respelled,
            base,
            list(chain.from_iterable(p.more_words for p in pieces)),
            list(chain.from_iterable(p.more_respelled for p in pieces)),
        )

    def _laid_out(self, at: Longs) -> Gathered:
        first, last = self.first_set[at], self.first_set[at + 1]
        sets = ranges(first, last)
        begin, end = self.set_start[sets], self.set_start[sets + 1]
        columns = ranges(begin, end)
        return Gathered(
            self.codes[:, columns],
            self.spelling[columns],
            end - begin,
            (last - first).tolist(),
            self.words,
            self.respelled,
            len(self.words),
        )

"""The person index's posting lists (key number → slots) and the set operations of its
candidate step on them.

Every frozen array is ascending with each slot once (``freeze`` and ``merged`` make it
so, and the snapshot keeps them so: format 6), so a key met alone needs neither sort
nor de-duplication; the lists filed since are Python lists in the order filed, a slot
filed again appearing twice. The set operations below give NumPy's answers
(``np.unique``, ``np.union1d``, ``np.setdiff1d``) on ascending input without its
general machinery: at the hundreds to thousands of slots a search meets, the cost of
``np.unique`` (hashing, then sorting) was most of the candidate step's.

They select with ``np.compress`` and ``np.take``, never a boolean or integer array as
an index: the same elements, but indexing with a mask cost four times as much (NumPy
2.4: 230 µs against 50 µs for 50,000 slots), the most of the year filter's time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

Slots = npt.NDArray[np.int32]


def unique_sorted(slots: Slots) -> Slots:
    """``slots`` ascending, each once: ``np.unique(slots)``. What it is given is mostly
    a few ascending arrays joined: the stable sort (Timsort for int32) merges such runs
    instead of sorting anew, three to four times faster at 10,000-150,000 slots."""
    if len(slots) < 2:
        return slots
    ordered = np.sort(slots, kind="stable")
    first = np.empty(len(ordered), dtype=np.bool_)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return np.compress(first, ordered)


def union(arrays: Sequence[Slots]) -> Slots:
    """Every slot of ``arrays``, ascending, each once: ``np.union1d`` of them all."""
    return arrays[0] if len(arrays) == 1 else unique_sorted(np.concatenate(arrays))


TABLE_SPAN = 6
"""``difference`` marks the slots to leave out in a table when their span is at most this
many times the slots of both (NumPy's own bound for ``np.isin``'s table)..."""
TABLE_SLOTS = 256
"""... or when the slots to keep from are at least their span over this: a binary search
each costs some 15-20 ns once the other list is past the caches, the table about
0.06 ns a slot of its span (measured at 1.7 M persons: the slips' 30,000-70,000 slots
less a part's 3,000-30,000 took 0.7-1.3 ms searched, 0.1-0.4 ms through a table)."""


def difference(slots: Slots, without: Slots) -> Slots:
    """The slots of ``slots`` not in ``without``, both ascending and each once:
    ``np.setdiff1d(slots, without)``. Where the slots span few for their number
    (``TABLE_SPAN``, ``TABLE_SLOTS``), a table a cell a slot of their span marks those of
    ``without`` (``np.isin``'s ``table``): linear, where a binary search each cost
    several times as much at 30,000 slots and more."""
    if not len(slots) or not len(without):
        return slots
    low, high = int(slots[0]), int(slots[-1])
    span = high - low + 1
    if span <= TABLE_SPAN * (len(slots) + len(without)) or len(slots) * TABLE_SLOTS >= span:
        inside = without[np.searchsorted(without, low) : np.searchsorted(without, high, "right")]
        keep = np.ones(span, dtype=np.bool_)
        np.put(keep, inside - low, False)
        return np.compress(np.take(keep, slots - low), slots)
    at = np.searchsorted(without, slots)
    at[at == len(without)] = 0
    kept: Slots = np.compress(np.take(without, at) != slots, slots)
    return kept


def counted(
    slots: Slots, weights: npt.NDArray[np.float64]
) -> tuple[Slots, npt.NDArray[np.float64]]:
    """Each slot of ``slots`` once, ascending, with the sum of its ``weights`` added in
    the order met: ``np.unique(slots, return_inverse=True)`` and ``np.bincount`` (the
    same sums to the last bit, so the same candidates go on). One stable argsort finds
    both: equal slots stay in the order met, so each sum adds its weights in that order,
    and each slot's place among those found is the count of new slots up to it. What it
    is given is a few ascending arrays joined, which the stable sort (Timsort) merges:
    at 100,000 slots and more, half the time of finding each slot's place by a binary
    search or through an array a cell a slot, whose scattered reads over megabytes
    were most of the candidate step's time at 1.7 M persons."""
    if not len(slots):
        return slots, np.zeros(0, dtype=np.float64)
    order = np.argsort(slots, kind="stable")
    ordered = np.take(slots, order)
    first = np.empty(len(ordered), dtype=np.bool_)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    where = np.cumsum(first, dtype=np.intp)
    where -= 1
    found = np.compress(first, ordered)
    shared = np.bincount(where, weights=np.take(weights, order), minlength=len(found))
    return found, shared.astype(np.float64, copy=False)  # float64 already: no copy


def tallied(
    parts: Sequence[Slots], weights: Sequence[float], alive: npt.NDArray[np.bool_]
) -> tuple[Slots, npt.NDArray[np.float64]]:
    """Each slot of ``parts`` that is ``alive``, once, ascending, with the sum of the
    ``weights`` of the parts that hold it, added in their order (``counted``). The dead
    are dropped once counted, from the fewer slots found: a slot's sum is its own."""
    every = np.concatenate(parts)
    weight = np.repeat(np.asarray(weights, dtype=np.float64), [len(p) for p in parts])
    found, shared = counted(every, weight)
    keep = np.take(alive, found)
    return np.compress(keep, found), np.compress(keep, shared)


def merged(frozen: Mapping[int, Slots], recent: Mapping[int, list[int]]) -> dict[int, Slots]:
    """``frozen`` with ``recent`` added, every array ascending, each slot once."""
    out = dict(frozen)
    for key, slots in recent.items():
        extra = np.asarray(slots, dtype=np.int32)
        old = out.get(key)
        out[key] = unique_sorted(extra if old is None else np.concatenate((old, extra)))
    return out


LONG = 256
"""Frozen arrays from this length on keep their slots' years beside them (``Postings``)."""

Years = npt.NDArray[np.int16]


@dataclass(slots=True)
class Postings:
    """Key number → slots: frozen arrays (ascending, each slot once), lists for what
    was filed after.

    A search with a date of birth keeps only the slots born in the years it wants; the
    years of a long list's slots, read from the index's table of years by slot, are
    reads scattered over megabytes (most of the candidate step's time at 1.7 M persons).
    So each frozen array of ``LONG`` slots or more has their years beside it
    (``dated``), in its order, read in one pass. They are the years at the freeze: once
    a slot of such an array (one below ``dated_below``) is filed with another year
    (``redated``), the table is read again for every list, as before."""

    frozen: dict[int, Slots] = field(default_factory=dict)
    recent: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    years: dict[int, Years] = field(default_factory=dict)
    """The years of the slots of each frozen array of ``LONG`` or more, at the freeze."""
    dated_below: int = 0
    """Every slot those arrays hold is below this."""

    def dated(self, years: Years) -> Postings:
        """These postings with the years of their long arrays' slots (``years`` by slot)."""
        self.years = {key: years[slots] for key, slots in self.frozen.items() if len(slots) >= LONG}
        self.dated_below = 1 + max((int(self.frozen[key][-1]) for key in self.years), default=-1)
        return self

    def redated(self) -> None:
        """A slot below ``dated_below`` has another year now: the years kept are not used
        again (a slot is filed again with another date: rare, and never on a new slot)."""
        self.years, self.dated_below = {}, 0

    def under(
        self, keys: Iterable[int], years: Years, wanted: npt.NDArray[np.bool_] | None
    ) -> Slots | None:
        """The slots filed under any of ``keys``, ascending, each once, None when no key
        is; only those below ``len(years)``, and with ``wanted`` (indexed by year) those
        born in a year it marks.

        A long array with its years kept is filtered by them; the other arrays (most of
        the keys of a small index, whose lists are short) are joined first and filtered
        in one pass (``_kept``): the filter keeps each slot by its own year, so filtering
        the join equals joining the filtered, and a pass costs some five NumPy calls
        whatever its length, which per key were most of the candidate step's CPU at
        10,000 persons (six look-ups a search, each of several keys)."""
        pieces = []
        joined = []  # to filter together
        arrays = 0
        mixed = False
        bound = len(years)
        for key in keys:
            arr = self.frozen.get(key)
            if arr is not None:
                arrays += 1
                kept = self.years.get(key)
                if kept is not None and wanted is not None and len(arr) and arr[-1] < bound:
                    pieces.append(np.compress(np.take(wanted, kept), arr))
                else:
                    joined.append(arr)
            more = self.recent.get(key)
            if more:
                arrays += 1
                joined.append(np.fromiter(more, dtype=np.int32, count=len(more)))
                mixed = True
        if not arrays:
            return None
        if joined:
            pieces.append(
                _kept(joined[0] if len(joined) == 1 else np.concatenate(joined), years, wanted)
            )
        if arrays == 1:  # one frozen array: ascending, each slot once, as filed
            return unique_sorted(pieces[0]) if mixed else pieces[0]
        return unique_sorted(np.concatenate(pieces))


def _kept(slots: Slots, years: Years, wanted: npt.NDArray[np.bool_] | None) -> Slots:
    """The slots below ``len(years)``, born in a year ``wanted`` marks when it is given."""
    if len(slots) and int(slots.max()) >= len(years):
        slots = np.compress(slots < len(years), slots)
    if wanted is not None:
        slots = np.compress(np.take(wanted, np.take(years, slots)), slots)
    return slots

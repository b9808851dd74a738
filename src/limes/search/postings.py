"""The person index's posting lists (key number → slots) and the set operations of its
candidate step on them.

Every frozen array is ascending with each slot once (``freeze`` and ``merged`` make it
so, and the snapshot keeps them so: format 6), so a key met alone needs neither sort
nor de-duplication; the lists filed since are Python lists in the order filed, a slot
filed again appearing twice. The set operations below give NumPy's answers
(``np.unique``, ``np.union1d``, ``np.setdiff1d``) on ascending input without its
general machinery: at the hundreds to thousands of slots a search meets, the cost of
``np.unique`` (hashing, then sorting) was most of the candidate step's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

Slots = npt.NDArray[np.int32]


def unique_sorted(slots: Slots) -> Slots:
    """``slots`` ascending, each once: ``np.unique(slots)``."""
    if len(slots) < 2:
        return slots
    ordered = np.sort(slots)
    first = np.empty(len(ordered), dtype=np.bool_)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]


def union(arrays: Sequence[Slots]) -> Slots:
    """Every slot of ``arrays``, ascending, each once: ``np.union1d`` of them all."""
    return arrays[0] if len(arrays) == 1 else unique_sorted(np.concatenate(arrays))


def difference(slots: Slots, without: Slots) -> Slots:
    """The slots of ``slots`` not in ``without``, both ascending and each once:
    ``np.setdiff1d(slots, without)``."""
    if not len(slots) or not len(without):
        return slots
    at = np.searchsorted(without, slots)
    at[at == len(without)] = 0
    kept: Slots = slots[without[at] != slots]
    return kept


def counted(
    slots: Slots, weights: npt.NDArray[np.float64]
) -> tuple[Slots, npt.NDArray[np.float64]]:
    """Each slot of ``slots`` once, ascending, with the sum of its ``weights`` added in
    the order met: ``np.unique(slots, return_inverse=True)`` and ``np.bincount`` (the
    same sums to the last bit, so the same candidates go on)."""
    found = unique_sorted(slots)
    where = np.searchsorted(found, slots)
    shared = np.bincount(where, weights=weights, minlength=len(found))
    return found, shared.astype(np.float64, copy=False)  # float64 already: no copy


def merged(frozen: Mapping[int, Slots], recent: Mapping[int, list[int]]) -> dict[int, Slots]:
    """``frozen`` with ``recent`` added, every array ascending, each slot once."""
    out = dict(frozen)
    for key, slots in recent.items():
        extra = np.asarray(slots, dtype=np.int32)
        old = out.get(key)
        out[key] = unique_sorted(extra if old is None else np.concatenate((old, extra)))
    return out


@dataclass(slots=True)
class Postings:
    """Key number → slots: frozen arrays (ascending, each slot once), lists for what
    was filed after."""

    frozen: dict[int, Slots] = field(default_factory=dict)
    recent: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))

    def under(self, keys: Iterable[int]) -> tuple[Slots | None, bool]:
        """The slots filed under any of ``keys``, None when none is; and whether they may
        be out of order or repeated (more than one array, or a list filed since)."""
        arrays = []
        mixed = False
        for key in keys:
            arr = self.frozen.get(key)
            if arr is not None:
                arrays.append(arr)
            more = self.recent.get(key)
            if more:
                arrays.append(np.fromiter(more, dtype=np.int32, count=len(more)))
                mixed = True
        if not arrays:
            return None, False
        if len(arrays) == 1:
            return arrays[0], mixed
        return np.concatenate(arrays), True

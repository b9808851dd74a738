"""The candidate step's joins and count compiled (numba): the slots of several ascending
lists, each once, ascending, and each slot's sum of the weights of the lists holding it.

NumPy finds them by sorting what it is given joined (``postings.unique_sorted`` and
``postings.counted``: a stable sort, a comparison of neighbours, a cumulative sum and a
``bincount``): five passes over 30,000-300,000 slots for the common names, with their
temporary arrays, most of the candidate step's time at 1.7 M persons. These kernels
need no sort: the slots are taken a block of ``BLOCK`` slot numbers at a time, each
list's slots of the block marked (and its weight added) in a table a cell a slot of the
block, small enough to stay in the processor's cache, then the marked cells read in
order. Within a block the lists are walked in the order given, so a slot's sum adds its
weights in that order, as ``bincount`` over the stable sort adds them: the same sums to
the last bit, and so the same candidates (tests/search/test_slot_kernels.py holds them
to the NumPy functions).

The kernels are compiled at their first call and kept in numba's cache beside this
module (``cache=True``), so a new process compiles them only when this file changed.
They release the GIL (``nogil``): searches in threads run them side by side.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from numba import njit

Slots = npt.NDArray[np.int32]
Bounds = npt.NDArray[np.int64]
Years = npt.NDArray[np.int16]

BLOCK_BITS = 16
"""A block of 65,536 slot numbers: its table of sums (512 KiB) and marks (64 KiB) stay
in the second-level cache; 1.7 M persons are 26 blocks."""


_DE_BRUIJN_NUMBER = 0x03F79D71B4CB0A89
_DE_BRUIJN = np.uint64(_DE_BRUIJN_NUMBER)
_LOWEST_BIT = np.zeros(64, dtype=np.int64)
for _bit in range(64):
    _LOWEST_BIT[(((1 << _bit) * _DE_BRUIJN_NUMBER) % (1 << 64)) >> 58] = _bit
"""The place of a word's lowest bit set, by the top six bits of that bit times a de
Bruijn number (no instruction for it in numba's NumPy)."""


@njit(cache=True, nogil=True)
def _joined(
    flat: Slots,
    bounds: Bounds,
    weights: npt.NDArray[np.float64],
    alive: npt.NDArray[np.bool_],
    weighed: bool,
    block_bits: int,
    born: Years,
    wanted: npt.NDArray[np.bool_],
) -> tuple[Slots, npt.NDArray[np.float64]]:
    """The slots of the lists ``flat[bounds[i]:bounds[i + 1]]`` (each ascending), each
    once, ascending, those ``alive`` only when ``weighed`` (one past its flags is not),
    with the sum of the weights of the lists holding each (``weighed``), added in the
    lists' order. Given ``wanted`` (by year), only the slots whose year in ``born``
    (beside ``flat``) it marks."""
    lists = len(bounds) - 1
    found = np.empty(len(flat), dtype=np.int32)
    sums = np.empty(len(flat) if weighed else 0, dtype=np.float64)
    lowest, highest = np.int64(1) << 62, np.int64(-1)
    for at in range(lists):
        if bounds[at + 1] > bounds[at]:
            lowest = min(lowest, np.int64(flat[bounds[at]]))
            highest = max(highest, np.int64(flat[bounds[at + 1] - 1]))
    if highest < 0:
        return found[:0], sums[:0]
    size = np.int64(1) << block_bits
    table = np.zeros(size if weighed else 0, dtype=np.float64)
    marked = np.zeros(size >> 6, dtype=np.uint64)  # a bit a cell of the block
    heads = bounds[:-1].copy()
    count = np.int64(0)
    one, low6, top = np.uint64(1), np.int64(63), np.uint64(58)
    filtered = len(wanted) > 0
    base = (lowest >> block_bits) << block_bits
    while base <= highest:
        end = base + size
        first, last = size, np.int64(-1)  # the block's lowest and highest cell marked
        for at in range(lists):
            head, stop = heads[at], bounds[at + 1]
            if head < stop and flat[head] < end:
                first = min(first, np.int64(flat[head]) - base)
                weight = weights[at] if weighed else 0.0
                while head < stop and flat[head] < end:
                    cell = np.int64(flat[head]) - base
                    mark = np.uint64(wanted[born[head]]) if filtered else one
                    marked[cell >> 6] |= mark << np.uint64(cell & low6)
                    if weighed:
                        table[cell] += weight
                    head += 1
                last = max(last, np.int64(flat[head - 1]) - base)
                heads[at] = head
        # the marked cells in order: a word of 64 at a time, its bits lowest first
        for word in range(first >> 6, (last >> 6) + 1):
            bits = marked[word]
            marked[word] = 0
            while bits:
                lowest_bit = bits & (~bits + one)
                cell = (word << 6) + _LOWEST_BIT[(lowest_bit * _DE_BRUIJN) >> top]
                bits ^= lowest_bit
                slot = base + cell
                if weighed:
                    found[count] = slot
                    sums[count] = table[cell]
                    table[cell] = 0.0
                    if slot < len(alive):  # written, kept only if alive (past the flags: not)
                        count += np.int64(alive[slot])
                else:
                    found[count] = slot
                    count += 1
        base = end
    return found[:count], sums[: count if weighed else 0]


_NOBODY = _EVERY_YEAR = np.zeros(0, dtype=np.bool_)
_NO_WEIGHTS = np.zeros(0, dtype=np.float64)
_NO_YEARS = np.zeros(0, dtype=np.int16)


def _flat(parts: Sequence[Slots]) -> tuple[Slots, Bounds]:
    bounds = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum([len(p) for p in parts], out=bounds[1:])
    flat = np.concatenate(parts).astype(np.int32, copy=False) if parts else np.zeros(0, np.int32)
    return flat, bounds


def joined(
    parts: Sequence[Slots],
    born: Sequence[Years] | None = None,
    wanted: npt.NDArray[np.bool_] | None = None,
) -> Slots:
    """Every slot of ``parts`` (each ascending), ascending, each once: ``np.union1d`` of
    them all; with ``wanted`` (by year), only those whose year in ``born`` (an array
    beside each part) it marks."""
    flat, bounds = _flat(parts)
    if wanted is None or born is None:
        years, wanted = _NO_YEARS, _EVERY_YEAR
    else:
        years = np.concatenate(born) if born else _NO_YEARS
    found, _ = _joined(flat, bounds, _NO_WEIGHTS, _NOBODY, False, BLOCK_BITS, years, wanted)
    return found


def tallied(
    parts: Sequence[Slots], weights: Sequence[float], alive: npt.NDArray[np.bool_]
) -> tuple[Slots, npt.NDArray[np.float64]]:
    """Each slot of ``parts`` (each ascending, each slot once) that is ``alive``, once,
    ascending, with the sum of the ``weights`` of the parts that hold it, added in their
    order: ``postings.tallied``'s answer, to the bit."""
    flat, bounds = _flat(parts)
    weight = np.asarray(weights, dtype=np.float64)
    return _joined(flat, bounds, weight, alive, True, BLOCK_BITS, _NO_YEARS, _EVERY_YEAR)

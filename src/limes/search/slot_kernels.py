"""The candidate step's count compiled (numba): each slot of several ascending lists
once, ascending, with the sum of the weights of the lists holding it.

NumPy finds them by sorting the lists joined (a stable argsort, a comparison of
neighbours, a cumulative sum, a ``bincount``): passes over 30,000-300,000 slots for the
common names, with their temporary arrays. This kernel needs no sort: the slots are
taken a block of ``BLOCK_BITS`` slot numbers at a time, each list's slots of the block
marked in a bit table and its weight added in a table of sums, both small enough to
stay in the processor's cache, then the marked cells read back in order. Within a
block the lists are walked in the order given, so a slot's sum adds its weights in
that order, as ``bincount`` over the stable sort adds them: the same sums to the last
bit, and so the same candidates (tests/search/test_slot_kernels.py holds it to NumPy).

Only the count is compiled: the joins and the year filter done so too were slower
than NumPy's sort and ``np.compress`` on the index's real lists (the candidate step's
mean over its 60 costliest queries at 1.7 M persons 7.3 ms against 5.8), the count
alone faster (4.4 ms).

The kernel is compiled at its first call and kept in numba's cache beside this module
(``cache=True``), so a new process compiles it only when this file changed. It
releases the GIL (``nogil``): searches in threads run it side by side.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from numba import njit

Slots = npt.NDArray[np.int32]
Bounds = npt.NDArray[np.int64]

BLOCK_BITS = 16
"""A block of 65,536 slot numbers: its table of sums (512 KiB) and marks (8 KiB) stay
in the second-level cache; 1.7 M persons are 26 blocks."""

SPARSE = 8
"""A block whose cells met are fewer than its words of marks over this is read as those
cells, sorted, not word by word: a few hundred slots spread over 1.7 M persons are not
read as 26,000 words."""


_DE_BRUIJN_NUMBER = 0x03F79D71B4CB0A89
_DE_BRUIJN = np.uint64(_DE_BRUIJN_NUMBER)
_LOWEST_BIT = np.zeros(64, dtype=np.int64)
for _bit in range(64):
    _LOWEST_BIT[(((1 << _bit) * _DE_BRUIJN_NUMBER) % (1 << 64)) >> 58] = _bit
"""The place of a word's lowest bit set, by the top six bits of that bit times a de
Bruijn number (no instruction for it in numba's NumPy)."""


@njit(cache=True, nogil=True)
def _tallied(
    flat: Slots,
    bounds: Bounds,
    weights: npt.NDArray[np.float64],
    alive: npt.NDArray[np.bool_],
    block_bits: int,
) -> tuple[Slots, npt.NDArray[np.float64]]:
    """The slots of the lists ``flat[bounds[i]:bounds[i + 1]]`` (each ascending) that are
    ``alive`` (one past its flags is not), each once, ascending, with the sum of the
    weights of the lists holding each, added in the lists' order."""
    lists = len(bounds) - 1
    found = np.empty(len(flat), dtype=np.int32)
    sums = np.empty(len(flat), dtype=np.float64)
    lowest, highest = np.int64(1) << 62, np.int64(-1)
    for at in range(lists):
        if bounds[at + 1] > bounds[at]:
            lowest = min(lowest, np.int64(flat[bounds[at]]))
            highest = max(highest, np.int64(flat[bounds[at + 1] - 1]))
    if highest < 0:
        return found[:0], sums[:0]
    size = np.int64(1) << block_bits
    # a cell's sum is set when it is first marked: the table needs no clearing
    table = np.empty(size, dtype=np.float64)
    marked = np.zeros(size >> 6, dtype=np.uint64)  # a bit a cell of the block
    met = np.empty(len(flat), dtype=np.int64)  # the block's cells, as met
    heads = bounds[:-1].copy()
    count = np.int64(0)
    one, low6, top = np.uint64(1), np.int64(63), np.uint64(58)
    base = (lowest >> block_bits) << block_bits
    while base <= highest:
        end = base + size
        first, last, many = size, np.int64(-1), 0  # the block's cells met: span, number
        for at in range(lists):
            head, stop = heads[at], bounds[at + 1]
            if head < stop and flat[head] < end:
                first = min(first, np.int64(flat[head]) - base)
                weight = weights[at]
                while head < stop and flat[head] < end:
                    cell = np.int64(flat[head]) - base
                    bit = one << np.uint64(cell & low6)
                    held = marked[cell >> 6] & bit
                    table[cell] = (table[cell] if held else 0.0) + weight
                    marked[cell >> 6] |= bit
                    met[many] = cell
                    many += 1
                    head += 1
                last = max(last, np.int64(flat[head - 1]) - base)
                heads[at] = head
        if many * SPARSE < (last >> 6) - (first >> 6) + 1:
            # few cells over many words: those met, sorted, instead of every word
            for cell in np.sort(met[:many]):
                bit = one << np.uint64(cell & low6)
                if marked[cell >> 6] & bit:
                    marked[cell >> 6] ^= bit
                    slot = base + cell
                    found[count] = slot
                    sums[count] = table[cell]
                    if slot < len(alive):  # written, kept only if alive (past the flags: not)
                        count += np.int64(alive[slot])
        else:
            # the marked cells in order: a word of 64 at a time, its bits lowest first
            for word in range(first >> 6, (last >> 6) + 1):
                bits = marked[word]
                marked[word] = 0
                while bits:
                    lowest_bit = bits & (~bits + one)
                    cell = (word << 6) + _LOWEST_BIT[(lowest_bit * _DE_BRUIJN) >> top]
                    bits ^= lowest_bit
                    slot = base + cell
                    found[count] = slot
                    sums[count] = table[cell]
                    if slot < len(alive):  # written, kept only if alive (past the flags: not)
                        count += np.int64(alive[slot])
        base = end
    return found[:count], sums[:count]


def tallied(
    parts: Sequence[Slots], weights: Sequence[float], alive: npt.NDArray[np.bool_]
) -> tuple[Slots, npt.NDArray[np.float64]]:
    """Each slot of ``parts`` (each ascending) that is ``alive``, once, ascending, with
    the sum of the ``weights`` of the parts that hold it, added in their order:
    ``np.unique`` and ``np.bincount`` of the parts joined, to the bit."""
    bounds = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum([len(p) for p in parts], out=bounds[1:])
    flat = np.concatenate(parts).astype(np.int32, copy=False) if parts else np.zeros(0, np.int32)
    weight = np.asarray(weights, dtype=np.float64)
    return _tallied(flat, bounds, weight, alive, BLOCK_BITS)

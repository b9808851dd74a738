"""The compiled count gives NumPy's answers, to the last bit of every sum."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from limes.search import slot_kernels
from limes.search.slot_kernels import tallied

Slots = npt.NDArray[np.int32]


def _numpy_tallied(
    parts: Sequence[Slots], weights: Sequence[float], alive: npt.NDArray[np.bool_]
) -> tuple[Slots, npt.NDArray[np.float64]]:
    """``np.unique`` and ``np.bincount`` of the parts joined (weights in the order met), the
    dead dropped; a slot past ``alive`` is dead."""
    every = np.concatenate([np.zeros(0, np.int32), *parts])
    weight = np.repeat(np.asarray(weights, dtype=np.float64), [len(p) for p in parts])
    found, where = np.unique(every, return_inverse=True)
    shared = np.bincount(where, weights=weight, minlength=len(found))
    keep = np.asarray([s < len(alive) and alive[s] for s in found.tolist()], dtype=np.bool_)
    return found[keep], shared[keep]


def _check(parts: Sequence[Slots], weights: Sequence[float], alive: npt.NDArray[np.bool_]) -> None:
    found, shared = tallied(parts, weights, alive)
    expected, sums = _numpy_tallied(parts, weights, alive)
    assert found.dtype == np.int32 and np.array_equal(found, expected)
    assert shared.dtype == np.float64 and shared.tobytes() == sums.tobytes()


# weights whose sums depend on the order they are added in (1e16 + 1 + 1 != 1 + 1 + 1e16)
ORDERED = [1e16, 1.0, 1.0, 0.1, 0.2, 0.3, 7.7, 1e-9]


@pytest.mark.parametrize("bits", [slot_kernels.BLOCK_BITS, 6, 7])
@pytest.mark.parametrize("seed", range(25))
def test_random_lists_give_numpys_answers(
    seed: int, bits: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Random lists, dense and sparse, over one block or many (``BLOCK_BITS`` of 6: 64
    slots a block, one word of marks), some with repeats."""
    monkeypatch.setattr(slot_kernels, "BLOCK_BITS", bits)
    rng = np.random.default_rng(seed)
    top = int(rng.choice([1, 64, 65, 1000, 200_000]))
    parts = []
    for _ in range(int(rng.integers(1, 9))):
        slots = np.sort(rng.integers(0, top, size=int(rng.integers(0, 3000))).astype(np.int32))
        parts.append(slots if rng.random() < 0.3 else np.unique(slots))
    alive = rng.random(int(top * rng.choice([0.5, 1.0, 1.5])) + 1) < 0.9
    _check(parts, ORDERED[: len(parts)], alive)


@pytest.mark.parametrize(
    "parts",
    [
        [],
        [[]],
        [[], []],
        [[0]],
        [[5], [5], [5]],
        [[7, 7, 7]],
        [[0, 63, 64, 65, 127, 128], [63, 64], []],
        [[1_699_999], [0], [65_535, 65_536]],
        [[2**31 - 1], [2**31 - 2, 2**31 - 1]],
    ],
)
def test_edge_inputs_give_numpys_answers(parts: list[list[int]]) -> None:
    """No list, empty lists, one slot, a slot in every list, repeats, block and word
    edges, the highest int32 (past ``alive``: dead)."""
    arrays = [np.asarray(p, dtype=np.int32) for p in parts]
    _check(arrays, ORDERED[: len(arrays)], np.ones(2_000_000, dtype=np.bool_))


def test_a_slot_past_the_flags_is_dead_and_the_flags_are_not_changed() -> None:
    alive = np.ones(10, dtype=np.bool_)
    found, shared = tallied([np.asarray([3, 12], np.int32)], [2.0], alive)
    assert found.tolist() == [3] and shared.tolist() == [2.0]
    assert len(alive) == 10


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 300), max_size=60), max_size=10),
    st.lists(st.integers(0, 300), max_size=60),
)
def test_any_lists_give_numpys_answers(parts: list[list[int]], dead: list[int]) -> None:
    slot_kernels_bits = 6  # many blocks over 300 slots
    arrays = [np.asarray(sorted(p), dtype=np.int32) for p in parts]
    alive = np.ones(301, dtype=np.bool_)
    alive[dead] = False
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(slot_kernels, "BLOCK_BITS", slot_kernels_bits)
        _check(arrays, [0.1 * (n + 1) for n in range(len(arrays))], alive)
    _check(arrays, [0.1 * (n + 1) for n in range(len(arrays))], alive)

"""MCC's bit version: the matcher on 0/1 cylinders is the paper's XOR-popcount
similarity, a packed finger comes back as the same bits, and a genuine pair still
scores above impostors."""

from __future__ import annotations

import math
import zlib

import numpy as np
import pytest

from limes.biometrics.matching.cylinders import (
    DIRECTION_CELLS,
    SPATIAL_CELLS,
    Cylinders,
    angle_difference,
    cylinders,
    joined,
)
from limes.biometrics.matching.mcc import (
    MAX_ROTATION,
    MIN_MATCHABLE,
    local_similarities,
    score,
    scores_together,
)
from limes.biometrics.matching.packed import (
    binary,
    bit_scores,
    opened_together,
    pack,
    scores_of_held,
    unpack,
)
from limes.biometrics.synthetic.persons import person, ten_print

SEED = 23


@pytest.fixture(scope="module")
def fingers() -> list[Cylinders]:
    """Right thumbs: persons 0-3 enrolled, then person 0 captured again."""
    enrolled = [cylinders(ten_print(person(SEED, n), SEED, 0)[0]) for n in range(4)]
    return [*enrolled, cylinders(ten_print(person(SEED, 0), SEED, 1)[0])]


def reference_similarity(a: Cylinders, i: int, b: Cylinders, j: int) -> float:
    """Cappelli et al. 2010, section 4.3, one pair at a time with explicit bit operations:
    over the cells valid in both, 1 - √popcount(a XOR b) / (√popcount a + √popcount b)."""
    both = np.repeat(a.valid[i] & b.valid[j], DIRECTION_CELLS)
    if both.reshape(SPATIAL_CELLS, DIRECTION_CELLS)[:, 0].sum() < MIN_MATCHABLE * SPATIAL_CELLS:
        return 0.0
    if abs(float(angle_difference(a.minutiae[i, 2], b.minutiae[j, 2]))) > MAX_ROTATION:
        return 0.0
    a_bits = np.packbits(a.bits()[i] & both).view(np.uint64)
    b_bits = np.packbits(b.bits()[j] & both).view(np.uint64)
    differ = int(np.bitwise_count(a_bits ^ b_bits).sum())
    norms = math.sqrt(np.bitwise_count(a_bits).sum()) + math.sqrt(np.bitwise_count(b_bits).sum())
    return 1.0 - math.sqrt(differ) / norms if norms else 0.0


def test_the_matcher_on_bit_cylinders_is_the_xor_popcount_similarity(
    fingers: list[Cylinders],
) -> None:
    a, b = fingers[4], fingers[0]
    small_a, small_b = _first(a, 8), _first(b, 12)
    computed = local_similarities(binary(small_a), binary(small_b))
    expected = np.array(
        [
            [reference_similarity(small_a, i, small_b, j) for j in range(len(small_b))]
            for i in range(len(small_a))
        ]
    )
    assert computed.shape == (8, 12)
    assert np.count_nonzero(expected) > 10  # the rules let real pairs through
    np.testing.assert_allclose(computed, expected, atol=1e-6)


def test_bits_are_the_cells_past_the_midpoint_and_their_norms_their_counts(
    fingers: list[Cylinders],
) -> None:
    finger = fingers[0]
    bits = binary(finger)
    assert set(np.unique(bits.values)) <= {0.0, 1.0}
    np.testing.assert_array_equal(bits.values == 1.0, finger.values > 0.5)
    counts = (finger.values > 0.5).reshape(len(finger), SPATIAL_CELLS, DIRECTION_CELLS).sum(2)
    np.testing.assert_array_equal(bits.spatial_squares, counts)
    assert not bits.values[np.repeat(~finger.valid, DIRECTION_CELLS, axis=1)].any()


def test_a_packed_finger_unpacks_to_its_bit_cylinders(fingers: list[Cylinders]) -> None:
    finger = fingers[1]
    packed = pack(finger)
    back = unpack(packed)
    bits = binary(finger)
    np.testing.assert_array_equal(back.values, bits.values)
    np.testing.assert_array_equal(back.valid, bits.valid)
    np.testing.assert_array_equal(back.spatial_squares, bits.spatial_squares)
    np.testing.assert_allclose(back.minutiae, finger.minutiae, rtol=1e-6, atol=1e-4)
    float_bytes = finger.values.nbytes + finger.spatial_squares.nbytes + finger.valid.nbytes
    assert len(packed) * 50 < float_bytes
    assert score(binary(fingers[4]), back) == pytest.approx(
        score(binary(fingers[4]), bits), abs=1e-6
    )


def test_a_finger_without_cylinders_packs_and_scores_zero() -> None:
    empty = cylinders(np.zeros((0, 3)))
    back = unpack(pack(empty))
    assert len(back) == 0
    assert score(back, back) == 0.0


def test_a_packed_finger_of_the_wrong_length_is_refused(fingers: list[Cylinders]) -> None:
    raw = zlib.decompress(pack(fingers[0]))
    with pytest.raises(ValueError, match="wrong length"):
        unpack(zlib.compress(raw[:-1]))


def test_a_genuine_pair_of_bit_cylinders_ranks_first(fingers: list[Cylinders]) -> None:
    probe = binary(fingers[4])
    found = [score(probe, unpack(pack(f))) for f in fingers[:4]]
    assert int(np.argmax(found)) == 0
    assert found[0] > 3 * max(found[1:])


def _first(finger: Cylinders, count: int) -> Cylinders:
    return Cylinders(
        finger.values[:count],
        finger.valid[:count],
        finger.minutiae[:count],
        finger.spatial_squares[:count],
    )


def test_fingers_opened_together_are_each_opened_and_joined(fingers: list[Cylinders]) -> None:
    empty = cylinders(np.zeros((0, 3)))
    held = [pack(fingers[0]), pack(empty), pack(fingers[2]), pack(fingers[3])]
    together, counts = opened_together(held)
    each = [unpack(f) for f in held]
    assert counts == [len(f) for f in each] and counts[1] == 0
    expected = joined(each)
    np.testing.assert_array_equal(together.values, expected.values)
    np.testing.assert_array_equal(together.valid, expected.valid)
    np.testing.assert_array_equal(together.minutiae, expected.minutiae)
    np.testing.assert_array_equal(together.spatial_squares, expected.spatial_squares)
    floats, float_counts = opened_together([fingers[1], fingers[2]])
    np.testing.assert_array_equal(floats.values, joined([fingers[1], fingers[2]]).values)
    assert float_counts == [len(fingers[1]), len(fingers[2])]
    assert opened_together([])[1] == []
    with pytest.raises(ValueError, match="wrong length"):
        opened_together([zlib.compress(zlib.decompress(held[0])[:-1])])


def test_bits_counted_packed_score_as_the_opened_fingers_do(fingers: list[Cylinders]) -> None:
    # a latent-sized probe (a few cylinders) and a whole finger, against packed fingers
    # with an empty one among them, in chunks of two: the same scores to the bit
    empty = cylinders(np.zeros((0, 3)))
    held = [pack(f) for f in (fingers[0], empty, *fingers[1:4])]
    for probe in (binary(fingers[4]), binary(_first(fingers[4], 9))):
        expected = scores_together(probe, *opened_together(held))
        np.testing.assert_array_equal(bit_scores(probe, held), expected)
        np.testing.assert_array_equal(scores_of_held(probe, held, chunk=2), expected)
        assert expected[1] == 0.0 and expected[0] > 3 * max(expected[2:])
    assert bit_scores(binary(empty), held).tolist() == [0.0] * 5
    assert scores_of_held(binary(fingers[4]), []).tolist() == []
    floats = scores_of_held(fingers[4], [fingers[0], fingers[1]])
    np.testing.assert_array_equal(
        floats, scores_together(fingers[4], *opened_together(fingers[:2]))
    )

"""The bulk path gives every finger the cylinders the per-finger path gives, to the bit."""

from __future__ import annotations

import numpy as np

from limes.biometrics.matching.bulk import bulk_cylinders
from limes.biometrics.matching.cylinders import Cylinders, cylinders
from limes.biometrics.matching.packed import pack
from limes.biometrics.synthetic.persons import latent_mark, person, ten_print

SEED = 41


def _assert_same(bulk: Cylinders, single: Cylinders) -> None:
    for got, expected in zip(
        (bulk.values, bulk.valid, bulk.minutiae, bulk.spatial_squares),
        (single.values, single.valid, single.minutiae, single.spatial_squares),
        strict=True,
    ):
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)


def test_bulk_cylinders_are_the_per_finger_cylinders_bit_for_bit() -> None:
    prints = [p for n in range(6) for p in ten_print(person(SEED, n), SEED, n % 2)]
    latents = [latent_mark(person(SEED, n), SEED, 0)[1] for n in range(6)]
    few = [prints[0][:3], prints[1][:1], prints[2][:0]]  # too few neighbours, or none
    fingers = [*prints, *latents, *few]
    bulk = bulk_cylinders(fingers)
    assert len(bulk) == len(fingers)
    assert sum(len(c) for c in bulk) > 1500
    for finger, got in zip(fingers, bulk, strict=True):
        expected = cylinders(finger)
        _assert_same(got, expected)
        assert pack(got) == pack(expected)

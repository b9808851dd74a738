"""Synthetic face templates: seeded, unit length, genuine and impostor distances
spread as dlib's are (about 0.3-0.5 and 0.8 and over)."""

from __future__ import annotations

import numpy as np

from limes.biometrics.synthetic.faces import FaceSet


def test_the_same_seed_gives_the_same_templates() -> None:
    a, b = FaceSet(50, seed=3), FaceSet(50, seed=3)
    assert np.array_equal(a.captures(range(50), 2), b.captures(range(50), 2))
    assert not np.array_equal(a.captures(range(50), 2), a.captures(range(50), 3))
    assert not np.array_equal(a.centres, FaceSet(50, seed=4).centres)


def test_distances_are_shaped_like_dlibs() -> None:
    people = FaceSet(2000, seed=1)
    first, second = people.captures(range(2000), 0), people.captures(range(2000), 1)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    genuine = np.linalg.norm(first - second, axis=1)
    impostor = np.linalg.norm(first - np.roll(second, 1, axis=0), axis=1)
    assert 0.3 < np.median(genuine) < 0.5 and np.percentile(genuine, 99) < 0.7
    assert np.median(impostor) > 0.8 and np.percentile(impostor, 1) > 0.7


def test_templates_are_concentrated_and_calibrated_to_dlibs_medians() -> None:
    """Not spread evenly over 128 dimensions: the identities' spread has about 18
    effective dimensions; the medians are dlib's 0.41 and 0.91 and the error at dlib's
    threshold 0.6 is near the 0.62 % of its LFW accuracy."""
    people = FaceSet(6000, seed=2)
    spread = np.linalg.eigvalsh(np.cov(people.centres.T))
    assert 12 < spread.sum() ** 2 / (spread**2).sum() < 30  # an even spread gives ~128
    first, second = people.captures(range(6000), 0), people.captures(range(6000), 1)
    genuine = np.linalg.norm(first - second, axis=1)
    impostor = np.linalg.norm(first - np.roll(second, 1, axis=0), axis=1)
    assert abs(np.median(genuine) - 0.41) < 0.02 and abs(np.median(impostor) - 0.91) < 0.02
    error = ((genuine > 0.6).mean() + (impostor <= 0.6).mean()) / 2
    assert 0.002 < error < 0.015

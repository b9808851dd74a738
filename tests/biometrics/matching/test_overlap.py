"""LSS-R against a plain reading of the paper, and the agreement over the shared area
that latents are scored with (``matching.overlap``)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from limes.biometrics.identification import FingerprintGallery
from limes.biometrics.matching import overlap
from limes.biometrics.matching.cylinders import cylinders
from limes.biometrics.matching.mcc import Relaxed, pairs_to_average, relax, relaxed_scores, scores
from limes.biometrics.matching.packed import (
    as_compared,
    binary,
    pack,
    partial_scores,
    scores_of_held,
)
from limes.biometrics.synthetic.persons import latent_mark, person, ten_print


def _wrapped(angle: float) -> float:
    return (angle + math.pi) % (2 * math.pi) - math.pi


def _z(value: float, mu: float, tau: float) -> float:
    return 1.0 / (1.0 + math.exp(-tau * (value - mu)))


def _rho(a: np.ndarray, b: np.ndarray, t: tuple[int, int], k: tuple[int, int]) -> float:
    """Cappelli et al. 2010, eq. 26-27: how well pair t agrees with pair k."""
    (at, bt), (ak, bk) = (a[t[0]], b[t[1]]), (a[k[0]], b[k[1]])

    def radial(m1: np.ndarray, m2: np.ndarray) -> float:
        return _wrapped(m1[2] - math.atan2(m1[1] - m2[1], m1[0] - m2[0]))

    d1 = abs(math.dist(at[:2], ak[:2]) - math.dist(bt[:2], bk[:2]))
    d2 = abs(_wrapped(_wrapped(at[2] - ak[2]) - _wrapped(bt[2] - bk[2])))
    d3 = abs(_wrapped(radial(at, ak) - radial(bt, bk)))
    return _z(d1, 5.0, -8 / 5) * _z(d2, math.pi / 12, -30.0) * _z(d3, math.pi / 12, -30.0)


def reference_lss_r(gamma: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """LSS-R as the paper writes it, one pair at a time: the n_R = min(n_A, n_B) best
    pairs of the local similarity matrix, five rounds of relaxation with w_R = 0.5,
    then the mean relaxed value of the n_P pairs of highest efficiency. The paper does
    not say which of pairs of equal efficiency to take (a pair no other supports keeps
    exactly 0.5⁵ of its value), so this gives the lowest and the highest mean any
    choice among the pairs tied at the cut gives; they are one value without a tie."""
    rows, columns = gamma.shape
    count = min(rows, columns)
    cells = sorted(range(rows * columns), key=lambda c: -gamma.flat[c])[:count]
    pairs = [divmod(c, columns) for c in cells]
    initial = [float(gamma[i, j]) for i, j in pairs]
    if count < 2 or initial[0] <= 0:
        return 0.0, 0.0
    values = list(initial)
    for _ in range(5):
        values = [
            0.5 * values[t]
            + 0.5
            * sum(_rho(a, b, pairs[t], pairs[k]) * values[k] for k in range(count) if k != t)
            / (count - 1)
            for t in range(count)
        ]
    efficiency = [v / s if s > 0 else -math.inf for v, s in zip(values, initial, strict=True)]
    taken = min(pairs_to_average(rows, columns), count)
    cut = sorted(efficiency, reverse=True)[taken - 1]
    tied = abs(cut) * 1e-9 if math.isfinite(cut) else 0.0
    above = [values[t] for t in range(count) if efficiency[t] > cut + tied]
    at_cut = sorted(values[t] for t in range(count) if abs(efficiency[t] - cut) <= tied)
    wanted = taken - len(above)
    low = (sum(above) + sum(at_cut[:wanted])) / taken
    high = (sum(above) + sum(at_cut[len(at_cut) - wanted :])) / taken
    return low, high


def _random_reference(rng: np.random.Generator, a: np.ndarray, columns: int) -> tuple:
    """A reference of ``columns`` minutiae, half of them ``a``'s turned, shifted and
    jittered (pairs that support each other), the rest anywhere, and a local
    similarity matrix with the true pairs mostly high."""
    angle = rng.uniform(-1, 1)
    cos, sin = math.cos(angle), math.sin(angle)
    b = np.column_stack([rng.uniform(0, 150, (columns, 2)), rng.uniform(0, 2 * math.pi, columns)])
    shared = min(len(a), columns) // 2 + 1
    b[:shared, 0] = cos * a[:shared, 0] - sin * a[:shared, 1] + 20 + rng.normal(0, 2, shared)
    b[:shared, 1] = sin * a[:shared, 0] + cos * a[:shared, 1] - 10 + rng.normal(0, 2, shared)
    b[:shared, 2] = (a[:shared, 2] + angle + rng.normal(0, 0.05, shared)) % (2 * math.pi)
    gamma = rng.uniform(0, 0.6, (len(a), columns)) * (rng.random((len(a), columns)) < 0.6)
    gamma[np.arange(shared), np.arange(shared)] = rng.uniform(0.3, 1.0, shared)
    return gamma, b


@pytest.mark.parametrize("seed", range(8))
def test_lss_r_is_the_papers_definition(seed: int) -> None:
    rng = np.random.default_rng(seed)
    probe = np.column_stack([rng.uniform(0, 150, (7, 2)), rng.uniform(0, 2 * math.pi, 7)])
    references = [_random_reference(rng, probe, int(n)) for n in rng.integers(2, 12, 3)]
    width = max(len(b) for _, b in references)
    padded = np.full((len(references), len(probe), width), -1.0)
    points = np.zeros((len(references), width, 3))
    for number, (gamma, b) in enumerate(references):
        padded[number, :, : len(b)] = gamma
        points[number, : len(b)] = b
    sizes = np.array([len(b) for _, b in references])
    batched = relaxed_scores(padded, sizes, probe, points)
    for found, (gamma, b) in zip(batched.tolist(), references, strict=True):
        low, high = reference_lss_r(gamma, probe, b)
        assert low - 1e-12 <= found <= high + 1e-12
    relaxed = relax(padded, sizes, probe, points)
    assert relaxed.scores().tolist() == batched.tolist()


@pytest.fixture(scope="module")
def thumbs() -> dict[str, np.ndarray]:
    a, b = person(3, 0), person(3, 1)
    return {
        "a": ten_print(a, 3, 0)[0],
        "a again": ten_print(a, 3, 1)[0],
        "b": ten_print(b, 3, 0)[0],
    }


def _agreement(probe: np.ndarray, reference: np.ndarray) -> float:
    found: list[float] = []

    def keep(relaxed: Relaxed, p: np.ndarray, q: np.ndarray) -> np.ndarray:
        found.extend(overlap.agreement(relaxed, p, q).tolist())
        return relaxed.scores()

    scores_of_held(binary(cylinders(probe)), [pack(cylinders(reference))], consolidation=keep)
    return found[0]


def test_a_finger_agrees_with_itself_over_all_it_shares(thumbs: dict[str, np.ndarray]) -> None:
    assert _agreement(thumbs["a"], thumbs["a"]) == pytest.approx(1.0)


def test_a_mate_agrees_far_more_than_a_stranger(thumbs: dict[str, np.ndarray]) -> None:
    mate = _agreement(thumbs["a again"], thumbs["a"])
    stranger = _agreement(thumbs["a again"], thumbs["b"])
    assert mate > 0.3 and stranger < 0.2 and mate > 3 * stranger


def test_the_agreement_does_not_care_which_side_is_the_latent() -> None:
    subject = person(5, 3)
    position, latent = latent_mark(subject, 5, 0)
    finger = ten_print(subject, 5, 0)[position - 1]
    forward, backward = _agreement(latent, finger), _agreement(finger, latent)
    assert forward > 0.2 and backward > 0.2
    assert abs(forward - backward) < 0.1


def test_scores_weighed_by_the_agreement_never_exceed_lss_r(
    thumbs: dict[str, np.ndarray],
) -> None:
    probe = binary(cylinders(thumbs["a again"]))
    fingers = [pack(cylinders(thumbs[k])) for k in ("a", "b", "a again")]
    plain = scores_of_held(probe, fingers)
    weighed = scores_of_held(probe, fingers, consolidation=overlap.scores)
    assert np.all(weighed <= plain + 1e-12) and np.all(weighed >= 0)
    places, again = partial_scores(probe, fingers, keep=2)
    assert places.tolist() == np.argsort(-plain, kind="stable")[:2].tolist()
    assert again.tolist() == pytest.approx(weighed[places].tolist())


SEED, PERSONS, LATENT_OF, STRANGER = 5, 10, 9, 4
"""A seeded latent of person 9 whose mate LSS-R (the old latent score) ranks below the
best finger of person 4, a stranger."""


def test_a_latent_outranked_by_a_stranger_under_lss_r_finds_its_mate_first() -> None:
    gallery = FingerprintGallery()
    for number in range(PERSONS):
        gallery.enrol(number, [cylinders(p) for p in ten_print(person(SEED, number), SEED, 0)])
    gallery.freeze()
    position, points = latent_mark(person(SEED, LATENT_OF), SEED, 0)
    latent = cylinders(points)
    mate = gallery.template(LATENT_OF)[position - 1]
    stranger_best = max(scores(as_compared(latent, True), list(gallery.template(STRANGER))))
    assert stranger_best > scores(as_compared(latent, True), [mate])[0]
    found = gallery.search_latent(latent)
    assert found[0].person == LATENT_OF
    assert found[0].score > 0

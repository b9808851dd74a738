"""Minutia Cylinder-Code: cylinders that ignore where and how a finger lies, and scores
that tell mates from strangers (a table of cases, as the house style asks)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from limes.biometrics.matching.cylinders import CELLS, Cylinders, cylinders
from limes.biometrics.matching.mcc import local_similarities, pairs_to_average, score
from limes.biometrics.minutiae import Points
from limes.biometrics.synthetic.persons import person, ten_print

SEED = 11


def turned(points: Points, angle: float, shift: tuple[float, float]) -> Points:
    """The same minutiae with the finger turned (counter-clockwise as seen) and shifted."""
    cos, sin = math.cos(angle), math.sin(angle)
    result = points.copy()
    result[:, 0] = cos * points[:, 0] + sin * points[:, 1] + shift[0]
    result[:, 1] = -sin * points[:, 0] + cos * points[:, 1] + shift[1]
    result[:, 2] = (points[:, 2] + angle) % (2 * math.pi)
    return result


@pytest.fixture(scope="module")
def fingers() -> dict[str, Cylinders]:
    a, b = person(SEED, 0), person(SEED, 1)
    a_enrolled, a_later = ten_print(a, SEED, 0), ten_print(a, SEED, 1)
    return {
        "a thumb": cylinders(a_enrolled[0]),
        "a thumb again": cylinders(a_later[0]),
        "a thumb turned": cylinders(turned(a_enrolled[0], 0.5, (30.0, -20.0))),
        "a index": cylinders(a_enrolled[1]),
        "b thumb": cylinders(ten_print(b, SEED, 0)[0]),
    }


def test_a_cylinder_does_not_change_when_the_finger_turns_and_shifts(
    fingers: dict[str, Cylinders],
) -> None:
    still, moved = fingers["a thumb"], fingers["a thumb turned"]
    assert len(still) == len(moved)
    assert still.values.shape[1] == CELLS
    assert np.abs(still.values - moved.values).max() < 1e-3
    assert score(still, moved) > 0.95


CASES = [
    ("a finger and itself", "a thumb", "a thumb", 0.95, 1.0),
    ("two captures of one finger", "a thumb", "a thumb again", 0.06, 1.0),
    ("two fingers of one person", "a thumb", "a index", 0.0, 0.04),
    ("two persons' thumbs", "a thumb", "b thumb", 0.0, 0.04),
]


@pytest.mark.parametrize(("case", "left", "right", "low", "high"), CASES, ids=[c[0] for c in CASES])
def test_scores_tell_mates_from_strangers(
    fingers: dict[str, Cylinders], case: str, left: str, right: str, low: float, high: float
) -> None:
    assert low <= score(fingers[left], fingers[right]) <= high, case


def test_scoring_is_symmetric_enough_and_bounded(fingers: dict[str, Cylinders]) -> None:
    forward = score(fingers["a thumb"], fingers["a thumb again"])
    backward = score(fingers["a thumb again"], fingers["a thumb"])
    assert abs(forward - backward) < 0.05
    matrix = local_similarities(fingers["a thumb"], fingers["b thumb"])
    assert matrix.min() >= 0.0 and matrix.max() <= 1.0


def test_a_finger_without_minutiae_scores_nothing(fingers: dict[str, Cylinders]) -> None:
    empty = cylinders(np.zeros((0, 3)))
    assert len(empty) == 0
    assert score(empty, fingers["a thumb"]) == 0.0
    lonely = cylinders(np.array([[100.0, 100.0, 0.0]]))
    assert len(lonely) == 0  # no neighbour contributes: the paper drops such a cylinder


def test_the_pair_count_grows_with_the_minutiae_from_4_to_12() -> None:
    assert pairs_to_average(5, 50) == 4
    assert pairs_to_average(60, 60) == 12
    assert 4 < pairs_to_average(20, 30) < 12


def test_scoring_many_references_at_once_gives_each_its_own_score(
    fingers: dict[str, Cylinders],
) -> None:
    from limes.biometrics.matching.mcc import scores

    probe = fingers["a thumb again"]
    references = [fingers["a thumb"], cylinders(np.zeros((0, 3))), fingers["b thumb"]]
    batch = scores(probe, references)
    assert batch.tolist() == pytest.approx([score(probe, r) for r in references])
    assert scores(probe, []).tolist() == []

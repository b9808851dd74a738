"""NBIS Bozorth3 through nbis-py, fed from standard records converted to its layout."""

from __future__ import annotations

import pytest

from limes.biometrics.formats.iso19794_2 import FingerView
from limes.biometrics.matching.bozorth import MIN_MINUTIAE, Bozorth3
from limes.biometrics.minutiae import quantised
from limes.biometrics.synthetic.fingers import CANVAS
from limes.biometrics.synthetic.persons import person, ten_print

SEED = 21


def view(points: object, position: int = 1) -> FingerView:
    return FingerView(position=position, minutiae=quantised(points))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def bozorth() -> Bozorth3:
    return Bozorth3()


def test_bozorth3_scores_mates_above_strangers(bozorth: Bozorth3) -> None:
    a, b = person(SEED, 0), person(SEED, 1)
    enrolled = bozorth.template(view(ten_print(a, SEED, 0)[0]), *CANVAS)
    again = bozorth.template(view(ten_print(a, SEED, 1)[0]), *CANVAS)
    stranger = bozorth.template(view(ten_print(b, SEED, 0)[0]), *CANVAS)
    mate_score = bozorth.score(again, enrolled)
    assert mate_score > 2 * bozorth.score(stranger, enrolled)
    assert mate_score >= 20


def test_bozorth3_scores_nothing_below_its_minimum_of_minutiae(bozorth: Bozorth3) -> None:
    points = ten_print(person(SEED, 0), SEED, 0)[0][: MIN_MINUTIAE - 1]
    few = bozorth.template(view(points), *CANVAS)
    assert bozorth.score(few, few) == 0

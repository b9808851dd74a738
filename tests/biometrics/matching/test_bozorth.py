"""NBIS Bozorth3 through nbis-py, fed from standard records converted to its layout."""

from __future__ import annotations

import struct

import pytest

from limes.biometrics.formats.iso19794_2 import FingerView
from limes.biometrics.formats.nbis_template import NBIS_HEADER, nbis_template
from limes.biometrics.matching.bozorth import MIN_MINUTIAE, Bozorth3
from limes.biometrics.minutiae import quantised
from limes.biometrics.synthetic.fingers import CANVAS
from limes.biometrics.synthetic.persons import person, ten_print

SEED = 21


def view(points: object, position: int = 1) -> FingerView:
    return FingerView(position=position, minutiae=quantised(points))  # type: ignore[arg-type]


def test_the_nbis_layout_has_its_26_byte_header() -> None:
    finger = view(ten_print(person(SEED, 0), SEED, 0)[0], position=3)
    data = nbis_template(finger, *CANVAS)
    assert NBIS_HEADER.size == 26
    assert data[:8] == b"FMR\x00 20\x00"
    assert struct.unpack(">I", data[8:12]) == (len(data),)
    assert struct.unpack(">HH", data[14:18]) == CANVAS
    assert data[18] == 3 and data[25] == len(finger.minutiae)
    assert len(data) == 26 + 6 * len(finger.minutiae)
    assert max(data[26 + 5 :: 6]) <= 63  # its quality scale is 0-63


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

"""The NBIS template layout Bozorth3 reads: its 26-byte header, then six bytes a minutia."""

from __future__ import annotations

import struct

from tests.biometrics.matching.test_bozorth import SEED, view

from limes.biometrics.formats.nbis_template import NBIS_HEADER, nbis_template
from limes.biometrics.synthetic.fingers import CANVAS
from limes.biometrics.synthetic.persons import person, ten_print


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

"""Synthetic captures as ISO/IEC 19794-2 records: one view per finger, off-sensor
minutiae left out, read back by the strict parser."""

from __future__ import annotations

import numpy as np

from limes.biometrics.formats.iso19794_2 import decode
from limes.biometrics.synthetic.fingers import CANVAS
from limes.biometrics.synthetic.records import LATENT_IMPRESSION, iso_record


def test_a_record_holds_a_view_per_finger_and_only_minutiae_on_the_sensor() -> None:
    inside = np.array([[10.0, 20.0, 0.5], [400.0, 500.0, 3.0]])
    outside = np.array([[-1.0, 20.0, 0.5], [10.0, CANVAS[1] + 2.0, 1.0]])
    record = decode(iso_record({2: np.vstack([inside, outside]), 7: inside}, quality=45))
    assert (record.width, record.height) == CANVAS
    assert [v.position for v in record.views] == [2, 7]
    assert [(m.x, m.y) for m in record.views[0].minutiae] == [(10, 20), (400, 500)]
    assert {v.quality for v in record.views} == {45}


def test_a_latent_is_finger_zero_with_the_latent_impression_type() -> None:
    (view,) = decode(iso_record({0: np.array([[5.0, 5.0, 0.0]])}, impression=4)).views
    assert (view.position, view.impression) == (0, LATENT_IMPRESSION)

"""Synthetic captures as the ISO/IEC 19794-2 records a door receives."""

from __future__ import annotations

from collections.abc import Mapping

from limes.biometrics.formats.iso19794_2 import FingerMinutiaeRecord, FingerView, encode
from limes.biometrics.minutiae import Points, quantised
from limes.biometrics.synthetic.fingers import CANVAS

LATENT_IMPRESSION = 4
"""ISO/IEC 19794-2 impression type of a latent impression."""


def iso_record(fingers: Mapping[int, Points], quality: int = 60, impression: int = 0) -> bytes:
    """One record holding a view per finger position (0 for a latent of unknown finger).
    Minutiae the capture moved off the sensor are left out, as a scanner would not see
    them."""
    width, height = CANVAS
    views = []
    for position, array in sorted(fingers.items()):
        inside = array[
            (array[:, 0] >= 0) & (array[:, 0] < width) & (array[:, 1] >= 0) & (array[:, 1] < height)
        ]
        minutiae = quantised(inside, quality)
        views.append(FingerView(position, minutiae, impression=impression, quality=quality))
    return encode(FingerMinutiaeRecord(width, height, tuple(views)))

"""NBIS Bozorth3 through nbis-py: the reference matcher MCC is measured against.

Bozorth3 (NIST Biometric Image Software) compares the pairwise distances and angles of
two minutiae sets; its score is an unbounded count of compatible pairs (about 40 is
NIST's usual threshold for a match). Two properties of nbis-py's binding show in the
figures: it answers 0 when either side has fewer than ``MIN_MINUTIAE`` minutiae, and it
works in NIST's direction units of 11.25 degrees, so finer angles are rounded away.
nbis-py cannot read a standard ISO/IEC 19794-2 record; each view is handed over in its
own layout (``formats.nbis_template``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import nbis  # type: ignore[import-untyped]  # nbis-py ships no type hints

from limes.biometrics.formats.iso19794_2 import FingerView
from limes.biometrics.formats.nbis_template import nbis_template

MIN_MINUTIAE = 15
"""nbis-py's Bozorth3 scores 0 below this many minutiae on either side."""
MATCH_THRESHOLD = 40
"""NIST's customary Bozorth3 decision threshold."""

_SETTINGS = nbis.NbisExtractorSettings(
    min_quality=0.0, get_center=False, check_fingerprint=False, compute_nfiq2=False, ppi=None
)


@dataclass(frozen=True, slots=True)
class BozorthTemplate:
    """A finger view loaded into nbis-py, ready for ``score``."""

    loaded: Any


class Bozorth3:
    """Loads views into nbis-py and scores pairs of them."""

    def __init__(self) -> None:
        self._extractor = nbis.new_nbis_extractor(_SETTINGS)

    def template(self, view: FingerView, width: int, height: int) -> BozorthTemplate:
        """The view, as nbis-py's matcher takes it."""
        return BozorthTemplate(
            self._extractor.load_iso_19794_2_2005(nbis_template(view, width, height))
        )

    @staticmethod
    def score(probe: BozorthTemplate, reference: BozorthTemplate) -> int:
        """Bozorth3's score of the pair: 0 for unrelated prints, usually over 40 for mates."""
        return int(probe.loaded.compare(reference.loaded))

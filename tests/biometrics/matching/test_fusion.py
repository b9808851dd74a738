"""Score fusion across fingers: a ten-print sums its fingers, a latent takes the best."""

from __future__ import annotations

import pytest

from limes.biometrics.matching.fusion import latent_score, ten_print_score


def test_fusion_sums_fingers_and_a_latent_takes_the_best() -> None:
    assert ten_print_score({1: 0.2, 2: 0.3}) == pytest.approx(0.5)
    assert ten_print_score({}) == 0.0
    assert latent_score([0.1, 0.4, 0.2]) == 0.4
    assert latent_score([]) == 0.0

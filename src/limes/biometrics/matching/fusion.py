"""Fusing finger scores into one score per person.

Sum rule over the fingers both sides have (Kittler et al. 1998; the rule that holds up
best for independent fingers): a ten-print candidate scores the sum of its ten finger
scores, so one finger that happens to look alike cannot outweigh nine that do not. A
latent has no known finger: it scores the best of the person's fingers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def ten_print_score(finger_scores: Mapping[int, float]) -> float:
    """A person's score from the scores of its fingers (finger position → score)."""
    return float(sum(finger_scores.values()))


def latent_score(finger_scores: Sequence[float]) -> float:
    """A person's score for a latent: the best of the fingers it was compared with."""
    return float(max(finger_scores, default=0.0))

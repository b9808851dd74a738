"""Verification and identification error rates, computed here (a few lines of numpy
each, where a dependency such as pyeer would add a package for no extra rigour).

Verification: FMR(t) is the share of impostor scores at or above t, FNMR(t) the share
of genuine scores below it; the EER is where they cross. Identification (as NIST's FRVT
and ELFT define it, at rank 1): a search returns its candidates scoring above a
threshold T; FPIR(T) is the share of non-mated searches that return anyone, FNIR(T) the
share of mated searches whose mate is not returned first. T is set from the non-mated
searches, so an FPIR below 1 / (their number) cannot be measured and is reported so
(``fnir_cell``: "not measurable: N non-mated searches"; FPIR 0.1 % needs 1,000).
Non-mated searches are searches of persons never enrolled, nothing else: a mated
search's best non-mate is not counted as one (its short list holds the mate).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Scores = npt.NDArray[np.float64]


def error_rates(genuine: Scores, impostor: Scores, thresholds: Scores) -> tuple[Scores, Scores]:
    """(FMR, FNMR) at each threshold."""
    genuine, impostor = np.sort(genuine), np.sort(impostor)
    fmr = 1.0 - np.searchsorted(impostor, thresholds, side="left") / len(impostor)
    fnmr = np.searchsorted(genuine, thresholds, side="left") / len(genuine)
    return fmr, fnmr


def equal_error_rate(genuine: Sequence[float], impostor: Sequence[float]) -> float:
    """The EER: the mean of FMR and FNMR at the threshold where they are closest."""
    genuine_array, impostor_array = np.asarray(genuine, float), np.asarray(impostor, float)
    thresholds = np.unique(np.concatenate([genuine_array, impostor_array, [np.inf]]))
    fmr, fnmr = error_rates(genuine_array, impostor_array, thresholds)
    closest = int(np.argmin(np.abs(fmr - fnmr)))
    return float((fmr[closest] + fnmr[closest]) / 2)


def fnmr_at_fmr(genuine: Sequence[float], impostor: Sequence[float], target: float) -> float:
    """FNMR at the lowest threshold whose FMR is at most ``target`` (a DET point)."""
    genuine_array, impostor_array = np.asarray(genuine, float), np.asarray(impostor, float)
    thresholds = np.unique(np.concatenate([genuine_array, impostor_array, [np.inf]]))
    fmr, fnmr = error_rates(genuine_array, impostor_array, thresholds)
    return float(fnmr[np.flatnonzero(fmr <= target)[0]])


@dataclass(frozen=True, slots=True)
class Search:
    """One search's outcome: the mate's rank (0 first; None when absent or non-mated), the
    mate's score, and the best score of anyone else."""

    mate_rank: int | None
    mate_score: float
    best_other: float


def rank_one_rate(mated: Sequence[Search]) -> float:
    """The share of mated searches whose mate comes first."""
    return sum(1 for s in mated if s.mate_rank == 0) / len(mated)


def fnir_at_fpir(mated: Sequence[Search], non_mated: Sequence[float], fpir: float) -> float | None:
    """FNIR at the threshold that lets ``fpir`` of the non-mated searches' best scores
    through; None when there are too few non-mated searches to resolve it."""
    if len(non_mated) < searches_needed(fpir):
        return None
    ordered = np.sort(np.asarray(non_mated, float))[::-1]
    threshold = ordered[math.floor(fpir * len(ordered) + 1e-9)]
    missed = sum(1 for s in mated if s.mate_rank != 0 or s.mate_score <= threshold)
    return missed / len(mated)


COHORT = 9
"""The candidates after the first that a normalised decision score divides by."""


def normalised(answered: Sequence[Sequence[float]], mated: int) -> tuple[list[Search], list[float]]:
    """A search's decision score normalised by its own other candidates: the first
    candidate's score over the mean of the next ``COHORT`` (missing ones count 0).
    ``answered``: each search's mate rank (-1: none) and candidate scores, ``mated``
    mated searches first (as the accuracy bench keeps them). The order of candidates
    within a search is unchanged, so rank-1 is too; only the threshold sees the ratio."""
    searches, non_mated = [], []
    for number, (rank, *scores) in enumerate(answered):
        rest = [*scores[1 : COHORT + 1], *[0.0] * COHORT][:COHORT]
        ratio = scores[0] / max(sum(rest) / COHORT, 1e-9) if scores else 0.0
        if number < mated:
            first = int(rank) == 0
            searches.append(Search(0 if first else None, ratio if first else 0.0, ratio))
        else:
            non_mated.append(ratio)
    return searches, non_mated


def fnir_cell(mated: Sequence[Search], non_mated: Sequence[float], fpir: float) -> str:
    """FNIR at ``fpir`` as a table prints it: a percentage, or why there is none."""
    value = fnir_at_fpir(mated, non_mated, fpir)
    if value is None:
        return f"not measurable: {len(non_mated)} non-mated searches"
    return f"{value:.1%}"


def searches_needed(fpir: float) -> int:
    """The fewest non-mated searches that resolve ``fpir`` (one of them let through)."""
    return math.ceil(1 / fpir - 1e-9)


def hit_rate_at_penetration(ranks: Sequence[int], gallery: int, penetration: float) -> float:
    """The share of mated searches whose mate is within the first ``penetration`` share of
    the gallery the index ranks (so would reach the matcher's re-ranking)."""
    shortlist = max(1, math.ceil(penetration * gallery))
    return sum(1 for rank in ranks if rank < shortlist) / len(ranks)


def linear_fit(sizes: Sequence[float], seconds: Sequence[float]) -> tuple[float, float]:
    """(intercept, slope) of the least-squares line through (size, seconds)."""
    slope, intercept = np.polyfit(np.asarray(sizes, float), np.asarray(seconds, float), 1)
    return float(intercept), float(slope)

"""Accuracy of MCC and of Bozorth3 on the synthetic sets: verification (EER, DET points,
score distributions), identification (rank-1, FNIR at FPIR) and the index's hit rate
against its penetration."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.biometrics.metrics import (
    Search,
    equal_error_rate,
    fnir_cell,
    fnmr_at_fmr,
    hit_rate_at_penetration,
    normalised,
    rank_one_rate,
    searches_needed,
)
from bench.biometrics.sets import LatentProbe, Sets, TenPrintProbe
from limes.biometrics.formats.iso19794_2 import FingerView
from limes.biometrics.identification import FINGERS, LATENT_SHORTLIST, Candidate
from limes.biometrics.matching.bozorth import Bozorth3, BozorthTemplate
from limes.biometrics.matching.mcc import score
from limes.biometrics.matching.packed import binary
from limes.biometrics.minutiae import Points, quantised
from limes.biometrics.synthetic.fingers import CANVAS

PENETRATIONS = (0.005, 0.01, 0.02, 0.05, 0.10, 0.20)
PROGRESS = 250
"""Non-mated searches between two progress lines of a row."""
SHORTLIST_SHARE = 0.05
"""The share of the gallery the index hands to the matcher in these accuracy runs, but
for the latent searches the product makes (MCC bits), which re-rank its own short list,
``identification.LATENT_SHORTLIST`` fingers (all of a gallery of 400 persons: some
1.2 s a latent); the float version and Bozorth3 (7 ms a comparison) keep the share."""


class BozorthCache:
    """nbis-py templates of raw minutiae, each loaded once."""

    def __init__(self) -> None:
        self.matcher = Bozorth3()
        self._loaded: dict[int, BozorthTemplate] = {}

    def template(self, points: Points) -> BozorthTemplate:
        key = id(points)
        if key not in self._loaded:
            view = FingerView(position=0, minutiae=quantised(points))
            self._loaded[key] = self.matcher.template(view, *CANVAS)
        return self._loaded[key]

    def score(self, probe: Points, reference: Points) -> float:
        return float(self.matcher.score(self.template(probe), self.template(reference)))


def verification(sets: Sets, bozorth: BozorthCache) -> dict[str, dict[str, list[float]]]:
    """Genuine and impostor finger scores per matcher and capture kind. Impostors: the
    same finger position of the next two persons. "MCC" is the float version, "MCC bits"
    the bit version the product re-ranks with (the probe's bits against the packed
    gallery's)."""
    persons = len(sets.enrolled_points)
    found: dict[str, dict[str, list[float]]] = {}
    names = ("MCC", "MCC bits", "Bozorth3")
    for name in [f"{n} {kind}" for kind in ("ten-print", "latent") for n in names]:
        found[name] = {"genuine": [], "impostor": []}
    templates, bits = sets.float_gallery.template, sets.gallery.template
    for probe in sets.mated:
        for position in range(FINGERS):
            for other, kind in (
                (probe.person, "genuine"),
                ((probe.person + 1) % persons, "impostor"),
                ((probe.person + 2) % persons, "impostor"),
            ):
                found["MCC ten-print"][kind].append(
                    score(probe.fingers[position], templates(other)[position])
                )
                found["MCC bits ten-print"][kind].append(
                    score(binary(probe.fingers[position]), bits(other)[position])
                )
                found["Bozorth3 ten-print"][kind].append(
                    bozorth.score(probe.points[position], sets.enrolled_points[other][position])
                )
    for latent in sets.mated_latents:
        index = latent.position - 1
        for offset in range(4):
            other = (latent.person + offset) % persons
            kind = "genuine" if offset == 0 else "impostor"
            found["MCC latent"][kind].append(score(latent.finger, templates(other)[index]))
            found["MCC bits latent"][kind].append(score(binary(latent.finger), bits(other)[index]))
            found["Bozorth3 latent"][kind].append(
                bozorth.score(latent.points, sets.enrolled_points[other][index])
            )
    return found


def print_verification(found: dict[str, dict[str, list[float]]]) -> None:
    print("\nVerification (finger 1:1)        EER    FNMR@FMR1%  FNMR@FMR0.1%  pairs gen/imp")
    for name, scores in found.items():
        genuine, impostor = scores["genuine"], scores["impostor"]
        print(
            f"  {name:<28} {equal_error_rate(genuine, impostor):7.2%}  "
            f"{fnmr_at_fmr(genuine, impostor, 0.01):9.2%}  "
            f"{fnmr_at_fmr(genuine, impostor, 0.001):11.2%}  "
            f"{len(genuine)}/{len(impostor)}"
        )
    print("\nScore distributions (percentiles 1/10/50/90/99)")
    for name, scores in found.items():
        for kind in ("genuine", "impostor"):
            cut = np.percentile(scores[kind], [1, 10, 50, 90, 99])
            print(f"  {name:<22} {kind:<9} " + " ".join(f"{v:8.3f}" for v in cut))


def load() -> str:
    return "load " + " ".join(f"{v:.2f}" for v in os.getloadavg())


def _search(candidates: Sequence[Candidate], mate: int | None) -> Search:
    rank = next((i for i, c in enumerate(candidates) if c.person == mate), None)
    mate_score = candidates[rank].score if rank is not None else 0.0
    others = [c.score for c in candidates if c.person != mate]
    return Search(rank, mate_score, max(others, default=0.0))


def identification(
    sets: Sets,
    bozorth: BozorthCache,
    comparisons: int | None = None,
    product_only: bool = False,
    kept: dict[str, list[list[float]]] | None = None,
    kind: str | None = None,
) -> Iterator[tuple[str, list[Search], list[float], float]]:
    """Per matcher and search kind, as each is done: the mated searches, the best scores
    of the non-mated searches (persons never enrolled; all of them for the product's
    matcher, MCC bits, the first ``comparisons`` for the float version and Bozorth3,
    whose searches cost up to 1.4 s each) and the seconds the row took.
    ``product_only``: the MCC bits rows alone; ``kind``: the "ten-print" or "latent" rows
    alone. Every 250 non-mated searches of a row its FNIR so far is printed (a long run
    cut short still says something). ``kept``: by row, each search's mate's
    rank (-1: none listed, or non-mated) and candidate scores, mated searches first,
    for studying other decision scores offline."""
    gallery = sets.gallery
    shortlist = max(1, round(SHORTLIST_SHARE * len(gallery)))
    latent_shortlist = max(1, round(SHORTLIST_SHARE * len(gallery) * FINGERS))
    few_tens, few_latents = sets.non_mated[:comparisons], sets.non_mated_latents[:comparisons]
    rows: list[tuple[str, Callable[[Any], list[Candidate]], Sequence[Any], Sequence[Any]]] = [
        (
            "MCC ten-print",
            lambda p: sets.float_gallery.search_ten_print(p.fingers, shortlist),
            sets.mated,
            few_tens,
        ),
        (
            "MCC bits ten-print",
            lambda p: gallery.search_ten_print(p.fingers, shortlist),
            sets.mated,
            sets.non_mated,
        ),
        (
            "Bozorth3 ten-print",
            lambda p: _bozorth_ten_print(sets, bozorth, p, shortlist),
            sets.mated,
            few_tens,
        ),
        (
            "MCC latent",
            lambda p: sets.float_gallery.search_latent(p.finger, latent_shortlist),
            sets.mated_latents,
            few_latents,
        ),
        (
            "MCC bits latent",
            lambda p: gallery.search_latent(p.finger, LATENT_SHORTLIST),
            sets.mated_latents,
            sets.non_mated_latents,
        ),
        (
            "Bozorth3 latent",
            lambda p: _bozorth_latent(sets, bozorth, p, latent_shortlist),
            sets.mated_latents,
            few_latents,
        ),
    ]
    for name, search, mated, non_mated in rows:
        if product_only and not name.startswith("MCC bits"):
            continue
        if kind is not None and not name.endswith(kind):
            continue
        started = time.perf_counter()
        answered: list[list[float]] = [] if kept is None else kept.setdefault(name, [])

        def searched(probe: Any, mate: int | None) -> Search:
            candidates = search(probe)  # noqa: B023 - used within its iteration
            outcome = _search(candidates, mate)
            rank = -1 if outcome.mate_rank is None else outcome.mate_rank
            answered.append([rank, *(c.score for c in candidates)])  # noqa: B023
            return outcome

        mated_searches = [searched(p, p.person) for p in mated]
        fresh = []
        for probe in non_mated:
            fresh.append(searched(probe, None).best_other)
            if len(fresh) % PROGRESS == 0 and len(fresh) < len(non_mated):
                print(
                    f"    {name}: {len(fresh)} non-mated searched, so far rank-1 "
                    f"{rank_one_rate(mated_searches):.1%}, FNIR@FPIR1% "
                    f"{fnir_cell(mated_searches, fresh, 0.01)}, FNIR@FPIR0.1% "
                    f"{fnir_cell(mated_searches, fresh, 0.001)} ({load()})",
                    flush=True,
                )
        yield name, mated_searches, fresh, time.perf_counter() - started


def save_candidates(path: Path, kept: dict[str, list[list[float]]]) -> None:
    """Each row's mate ranks and candidate scores, one search a line padded with NaN."""
    arrays = {}
    for name, answered in kept.items():
        table = np.full((len(answered), max(map(len, answered), default=0)), np.nan)
        for row, scores in enumerate(answered):
            table[row, : len(scores)] = scores
        arrays[name.replace(" ", "_")] = table
    np.savez(path, **arrays)  # type: ignore[arg-type]


def _bozorth_ten_print(
    sets: Sets, bozorth: BozorthCache, probe: TenPrintProbe, shortlist: int
) -> list[Candidate]:
    """Bozorth3 re-ranks the same index short list, fused by the same sum rule."""
    persons = sets.gallery.ten_print_shortlist(probe.fingers, shortlist)
    found = []
    for person in persons:
        fingers = tuple(
            (
                position + 1,
                bozorth.score(probe.points[position], sets.enrolled_points[person][position]),
            )
            for position in range(FINGERS)
        )
        found.append(Candidate(int(person), sum(v for _, v in fingers), fingers))
    return sorted(found, key=lambda c: (-c.score, c.person))


def _bozorth_latent(
    sets: Sets, bozorth: BozorthCache, latent: LatentProbe, shortlist: int
) -> list[Candidate]:
    best: dict[int, float] = {}
    for finger in sets.gallery.latent_shortlist(latent.finger, shortlist):
        person, position = divmod(int(finger), FINGERS)
        value = bozorth.score(latent.points, sets.enrolled_points[person][position])
        best[person] = max(best.get(person, 0.0), value)
    found = [Candidate(p, v, ()) for p, v in best.items()]
    return sorted(found, key=lambda c: (-c.score, c.person))


def print_identification(
    rows: Iterable[tuple[str, list[Search], list[float], float]], gallery_persons: int
) -> None:
    """One line a row as it is done. FNIR at an FPIR the non-mated searches cannot
    resolve (fewer than ``searches_needed``) is printed as not measurable, not as 0."""
    print(
        f"\nIdentification 1:N over {gallery_persons} persons "
        f"({gallery_persons * FINGERS} fingers), index short list "
        f"{SHORTLIST_SHARE:.0%} of the gallery ("
        f"{min(LATENT_SHORTLIST, gallery_persons * FINGERS):,} fingers for MCC bits latent, "
        "the product's), then the matcher; non-mated searches are persons never enrolled "
        f"(FPIR 1 % needs {searches_needed(0.01):,} of them, 0.1 % {searches_needed(0.001):,})"
    )
    print(
        "                                rank-1  FNIR@FPIR1%  FNIR@FPIR0.1%"
        "                      mated/non-mated   seconds  load average"
    )
    for name, mated, non_mated, seconds in rows:
        print(
            f"  {name:<28} {rank_one_rate(mated):7.1%}  {fnir_cell(mated, non_mated, 0.01):>11}"
            f"  {fnir_cell(mated, non_mated, 0.001):>36}  {len(mated):>7}/{len(non_mated):<9}"
            f" {seconds:7.0f}  {load()}",
            flush=True,
        )


def print_normalised(kept: dict[str, list[list[float]]], mated: int) -> None:
    """The latent rows again, each search's decision score its first candidate's over
    the mean of the next nine (``metrics.normalised``; the candidates as searched)."""
    for name, answered in kept.items():
        if name.endswith("latent"):
            searches, non_mated = normalised(answered, min(mated, len(answered)))
            print(
                f"  {name + ' / mean of next 9':<38} {fnir_cell(searches, non_mated, 0.01):>11}"
                f"  {fnir_cell(searches, non_mated, 0.001):>36}"
            )


def penetration(sets: Sets) -> None:
    """The index alone: where each mate ranks among all gallery entries by votes."""
    gallery = sets.gallery
    persons, fingers = len(gallery), len(gallery) * FINGERS
    ten_ranks = [
        _rank(gallery.ten_print_shortlist(p.fingers, persons), p.person) for p in sets.mated
    ]
    latent_ranks = [
        _rank(gallery.latent_shortlist(p.finger, fingers), p.person * FINGERS + p.position - 1)
        for p in sets.mated_latents
    ]
    print(
        "\nIndex penetration rate vs hit rate (mate within the share of the gallery "
        "the index hands on)"
    )
    print("  penetration   " + "  ".join(f"{p:6.1%}" for p in PENETRATIONS))
    print(
        "  ten-print     "
        + "  ".join(f"{hit_rate_at_penetration(ten_ranks, persons, p):6.1%}" for p in PENETRATIONS)
    )
    print(
        "  latent        "
        + "  ".join(
            f"{hit_rate_at_penetration(latent_ranks, fingers, p):6.1%}" for p in PENETRATIONS
        )
    )


def _rank(ranked: np.ndarray, wanted: int) -> int:
    where = np.flatnonzero(ranked == wanted)
    return int(where[0]) if len(where) else len(ranked)

"""Latent 1:N and the reverse latent search on a gallery of distinct persons.

    OPENBLAS_NUM_THREADS=1 python -m bench.biometrics.latent_search [--seed 16]
        [--persons 3000] [--latents 100] [--ten-prints 50] [--non-mated N]
        [--bank 1000] [--drawn FILE]

The gallery is ``--persons`` distinct persons of the seeded stream (``distinct.
DistinctPersons``: person n is the one mated probe n searches for). ``--drawn`` keeps
the drawn persons in FILE (written the first time, read after), so that runs of two
worktrees, alternated, search the same gallery without drawing it again.

* latent searches (``FingerprintGallery.search_latent``, the product's short list,
  ``LATENT_SHORTLIST`` fingers): ``--latents`` mated (persons 0, 1, ...) and
  ``--non-mated`` (as many unless given) non-mated ones (persons never enrolled); rank-1,
  FNIR at FPIR 1 % and 0.1 % (set from the non-mated searches' best scores only: 0.1 %
  needs 1,000 of them, and is printed as not measurable with fewer), the mate within
  the index's short list, CPU of the searching thread p50/p99;
* ten-print searches (20-person short list) likewise: ``--ten-prints`` mated and
  ``--non-mated`` (as many unless given) non-mated;
* the reverse latent search (``LatentBank.search`` as the service runs it, its short
  list and ``LATENT_HIT``): a bank of ``--bank`` latents, one of each of persons 0, 1,
  ...; each mated ten-print (capture 1) should list its own person's latent, and a
  non-mated one none.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.biometrics.distinct import drawn
from bench.biometrics.metrics import Search, fnir_cell, rank_one_rate
from bench.biometrics.sets import (
    NON_MATED_START,
    Drawn,
    TenPrintProbe,
    latent_probe,
    ten_print_probe,
)
from limes.biometrics.identification import (
    FINGERS,
    LATENT_SHORTLIST,
    Candidate,
    FingerprintGallery,
)
from limes.biometrics.latents import LatentBank
from limes.service.biometric_checks import LATENT_HIT, SHORTLIST

TEN_PRINT_SHORTLIST = 20


def searched(
    search: Callable[[Any], list[Candidate]], probes: Sequence[Any], mated: bool
) -> tuple[list[Search], list[float]]:
    """Each search's outcome and the CPU seconds of the searching thread."""
    outcomes, spent = [], []
    for probe in probes:
        started = time.thread_time()
        candidates = search(probe)
        spent.append(time.thread_time() - started)
        mate = probe.person if mated else None
        rank = next((i for i, c in enumerate(candidates) if c.person == mate), None)
        others = [c.score for c in candidates if c.person != mate]
        mate_score = candidates[rank].score if rank is not None else 0.0
        outcomes.append(Search(rank, mate_score, max(others, default=0.0)))
    return outcomes, spent


def print_searches(name: str, mated: tuple[list[Search], list[float]], non_mated: Any) -> None:
    outcomes, spent = mated
    fresh, fresh_spent = non_mated
    others = [s.best_other for s in fresh]
    cpu = spent + fresh_spent
    found = [s.mate_score for s in outcomes if s.mate_rank == 0]
    print(
        f"  {name:<10} rank-1 {rank_one_rate(outcomes):6.1%} of {len(outcomes)} mated,"
        f" {len(others)} non-mated: FNIR@FPIR1% {fnir_cell(outcomes, others, 0.01)},"
        f" FNIR@FPIR0.1% {fnir_cell(outcomes, others, 0.001)}; best non-mate p50 "
        f"{statistics.median(others):.4f}, found mates' p10 "
        f"{np.percentile(found, 10) if found else float('nan'):.4f}  CPU p50/p99 "
        f"{np.percentile(cpu, 50):.3f}/{np.percentile(cpu, 99):.3f} s  ({_load()})",
        flush=True,
    )


def reverse(seed: int, bank_size: int, probes: Sequence[TenPrintProbe], fresh: Any) -> None:
    """The reverse latent search's hit rate and false hits, as the service asks it."""
    bank = LatentBank()
    with bank.loading():
        for number in range(bank_size):
            bank.put(f"p{number}", {100: latent_probe(seed, number).finger})
    hits = first = false = 0
    spent = []
    for probe in [*probes, *fresh]:
        fingers = {position + 1: f for position, f in enumerate(probe.fingers)}
        started = time.thread_time()
        matches = bank.search(fingers, SHORTLIST, LATENT_HIT)
        spent.append(time.thread_time() - started)
        own = f"p{probe.person}"
        hits += any(m.key == own for m in matches)
        first += bool(matches) and matches[0].key == own
        false += sum(1 for m in matches if m.key != own)
    searches = len(probes) + len(fresh)
    print(
        f"  reverse latent search over {bank_size:,} latents (short list {SHORTLIST}, "
        f"LATENT_HIT {LATENT_HIT}): own latent listed for {hits / len(probes):.1%} of "
        f"{len(probes)} mated ten-prints (first {first / len(probes):.1%}), "
        f"{false / searches:.2f} false hits a search ({len(fresh)} non-mated among "
        f"{searches}); CPU p50 {statistics.median(spent):.3f} s  ({_load()})",
        flush=True,
    )


def _load() -> str:
    return "load " + " ".join(f"{v:.1f}" for v in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--latents", type=int, default=100)
    parser.add_argument("--ten-prints", type=int, default=50)
    parser.add_argument(
        "--non-mated", type=int, default=None, help="non-mated searches of each kind"
    )
    parser.add_argument("--bank", type=int, default=1000)
    parser.add_argument("--drawn", type=Path, default=None)
    args = parser.parse_args()
    started = time.perf_counter()
    gallery = FingerprintGallery()
    for number, fingers, keys in drawn(args.seed, args.persons, args.drawn):
        gallery.enrol(number, fingers, keys)
    gallery.freeze()
    print(
        f"{args.persons:,} distinct persons ({args.persons * FINGERS:,} fingers, seed "
        f"{args.seed}) ready in {time.perf_counter() - started:.0f} s ({_load()})",
        flush=True,
    )
    fresh_latents = args.latents if args.non_mated is None else args.non_mated
    fresh_ten_prints = args.ten_prints if args.non_mated is None else args.non_mated
    fresh = range(NON_MATED_START, NON_MATED_START + fresh_latents)
    latents = [latent_probe(args.seed, n) for n in range(args.latents)]
    within = sum(
        1
        for p in latents
        if p.person * FINGERS + p.position - 1
        in gallery.latent_shortlist(p.finger, LATENT_SHORTLIST).tolist()
    )
    print(f"  latents' mates within the index's short list: {within / len(latents):.1%}")
    print_searches(
        "latent",
        searched(lambda p: gallery.search_latent(p.finger), latents, True),
        searched(
            lambda p: gallery.search_latent(p.finger),
            Drawn(latent_probe, args.seed, fresh),
            False,
        ),
    )
    tens = [ten_print_probe(args.seed, n) for n in range(args.ten_prints)]
    fresh_tens = Drawn(
        ten_print_probe, args.seed, range(NON_MATED_START, NON_MATED_START + fresh_ten_prints)
    )

    def ten_search(probe: TenPrintProbe) -> list[Candidate]:
        return gallery.search_ten_print(probe.fingers, TEN_PRINT_SHORTLIST)

    print_searches(
        "ten-print", searched(ten_search, tens, True), searched(ten_search, fresh_tens, False)
    )
    reverse(args.seed, args.bank, tens, fresh_tens[: args.ten_prints])
    print(f"Total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()

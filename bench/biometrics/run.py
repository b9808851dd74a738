"""``make bench-biometrics``: fingerprint accuracy and speed on the synthetic sets.

    python -m bench.biometrics.run [--persons 400] [--probes 200] [--non-mated 1000]
        [--comparisons 200] [--product-only] [--kind latent] [--scale 1,2,4,8] [--speed-only]
        [--accuracy-only] [--distinct [--drawn-persons N] [--drawn FILE]] [--keep FILE.npz]

``--probes`` mated searches of each kind (persons 0, 1, ...); ``--non-mated`` searches of
persons never enrolled for the product's matcher (MCC bits): FNIR at FPIR 0.1 % needs
1,000 of them and is printed as not measurable with fewer; the float version and
Bozorth3, there to compare, take the first ``--comparisons`` of them (a Bozorth3 search
costs some 1.4 s); ``--product-only`` leaves their identification rows out.

Run with OPENBLAS_NUM_THREADS=1 (the Makefile does): the matrix products are small, and
on 2 shared cores BLAS threads cost more in hand-offs than they save.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench.biometrics import accuracy, anchors, speed
from bench.biometrics.sets import build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--persons", type=int, default=400, help="enrolled persons")
    parser.add_argument("--probes", type=int, default=200, help="searches of each kind")
    parser.add_argument(
        "--non-mated", type=int, default=None, help="non-mated searches of each kind (--probes)"
    )
    parser.add_argument(
        "--comparisons",
        type=int,
        default=None,
        help="non-mated searches for the float MCC and Bozorth3 rows (--probes)",
    )
    parser.add_argument(
        "--product-only", action="store_true", help="identification rows of MCC bits only"
    )
    parser.add_argument(
        "--kind",
        choices=("ten-print", "latent"),
        default=None,
        help="identification rows of one kind (no 1:1 figures)",
    )
    parser.add_argument("--scale", default="1,2,4,8", help="gallery multiples for speed")
    parser.add_argument(
        "--speed-only", action="store_true", help="skip the accuracy figures (scale runs)"
    )
    parser.add_argument("--accuracy-only", action="store_true", help="skip the speed figures")
    parser.add_argument(
        "--keep", type=Path, default=None, help="save each search's candidate scores (npz)"
    )
    parser.add_argument(
        "--distinct",
        action="store_true",
        help="grow the speed galleries with new persons, not copies of the measured ones",
    )
    parser.add_argument(
        "--drawn-persons",
        type=int,
        default=None,
        help="with --distinct: draw this many persons; those beyond are them enrolled again",
    )
    parser.add_argument(
        "--drawn", type=Path, default=None, help="keep the drawn persons here (read if there)"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    non_mated = args.probes if args.non_mated is None else args.non_mated
    comparisons = args.probes if args.comparisons is None else args.comparisons
    sets = build(args.seed, args.persons, args.probes, non_mated)
    print(
        f"Synthetic sets (seed {args.seed}): {args.persons} enrolled persons, "
        f"{args.probes} mated and {non_mated} non-mated searches of each kind, built in "
        f"{time.perf_counter() - started:.0f} s ({accuracy.load()})",
        flush=True,
    )
    bozorth = accuracy.BozorthCache()
    if not args.speed_only:
        if args.kind is None:  # the 1:1 figures take both kinds
            accuracy.print_verification(accuracy.verification(sets, bozorth))
        kept: dict[str, list[list[float]]] = {}
        accuracy.print_identification(
            accuracy.identification(sets, bozorth, comparisons, args.product_only, kept, args.kind),
            args.persons,
        )
        accuracy.print_normalised(kept, min(args.probes, args.persons))
        if args.keep is not None:
            accuracy.save_candidates(args.keep, kept)
        accuracy.penetration(sets)
    if not args.accuracy_only:
        speed.per_comparison(sets, bozorth)
        speed.scaling(
            sets,
            [int(m) for m in args.scale.split(",")],
            args.distinct,
            args.drawn_persons,
            args.drawn,
        )
    anchors.print_anchors()
    print(f"\nTotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()

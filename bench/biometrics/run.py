"""``make bench-biometrics``: fingerprint accuracy and speed on the synthetic sets.

    python -m bench.biometrics.run [--persons 400] [--probes 200] [--scale 1,2,4,8]
        [--speed-only] [--distinct]

Run with OPENBLAS_NUM_THREADS=1 (the Makefile does): the matrix products are small, and
on 2 shared cores BLAS threads cost more in hand-offs than they save.
"""

from __future__ import annotations

import argparse
import time

from bench.biometrics import accuracy, anchors, speed
from bench.biometrics.sets import build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--persons", type=int, default=400, help="enrolled persons")
    parser.add_argument("--probes", type=int, default=200, help="searches of each kind")
    parser.add_argument("--scale", default="1,2,4,8", help="gallery multiples for speed")
    parser.add_argument(
        "--speed-only", action="store_true", help="skip the accuracy figures (scale runs)"
    )
    parser.add_argument(
        "--distinct",
        action="store_true",
        help="grow the speed galleries with new persons, not copies of the measured ones",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    sets = build(args.seed, args.persons, args.probes)
    print(
        f"Synthetic sets (seed {args.seed}): {args.persons} enrolled persons, "
        f"{args.probes} searches of each kind, built in {time.perf_counter() - started:.0f} s"
    )
    bozorth = accuracy.BozorthCache()
    if not args.speed_only:
        accuracy.print_verification(accuracy.verification(sets, bozorth))
        accuracy.print_identification(accuracy.identification(sets, bozorth), args.persons)
        accuracy.penetration(sets)
    speed.per_comparison(sets, bozorth)
    speed.scaling(sets, [int(m) for m in args.scale.split(",")], args.distinct)
    anchors.print_anchors()
    print(f"\nTotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()

"""The bit-score distributions the service's fingerprint thresholds are set from.

    OPENBLAS_NUM_THREADS=1 python -m bench.biometrics.thresholds [--seeds 16,17,18]
        [--persons 300] [--others 12] [--float] [--save scores.npz]

The galleries (``AlertGallery``, ``LatentBank``) re-rank with MCC's bit version, so the
thresholds applied to their scores are measured on bit scores, here as the service
computes them: minutiae quantised as an ISO/IEC 19794-2 record stores them, the enrolled
side packed and unpacked, the probe turned into bits.

* ten-print finger pairs: a probe finger (capture 1) against the enrolled finger
  (capture 0) of the same position; genuine: the same person; impostor: ``--others``
  other persons. The mean over the ten fingers is the score of a full ten-print.
* latent-finger pairs, as the reverse latent search compares them: a stored latent
  against a ten-print finger; genuine: the finger that left it; impostor: all ten
  fingers of ``--others`` other persons. These are LSS-R alone: the bank now weighs it
  by the agreement over the shared area, and ``LATENT_HIT`` is set on those scores from
  the reverse part of ``bench.biometrics.latent_search`` (false hits a search), so it is
  not compared here.

For each kind: genuine median and 5th percentile, impostor 99th and 99.9th percentiles
and maximum, and the FNMR and FMR at the old and the new thresholds.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from limes.biometrics.matching.cylinders import Cylinders, cylinders
from limes.biometrics.matching.mcc import scores
from limes.biometrics.matching.packed import binary, pack, unpack
from limes.biometrics.minutiae import Points, points, quantised
from limes.biometrics.synthetic.persons import latent_mark, person, ten_print
from limes.service.biometric_checks import LINK_THRESHOLD, SAME_PERSON

OLD = {"SAME_PERSON": 0.08, "LINK_THRESHOLD": 0.04}
"""The values before the recalibration (set on float scores; ``VERIFY_THRESHOLD`` served
as the link threshold)."""
NEW = {"SAME_PERSON": SAME_PERSON, "LINK_THRESHOLD": LINK_THRESHOLD}

FMR_TARGETS = (0.01, 0.003, 0.001, 0.0001)


def _stored(finger: Points) -> Cylinders:
    return cylinders(points(quantised(finger)))


def measure(
    seed: int, persons: int, others: int, bits: bool = True
) -> dict[str, tuple[list[float], list[float]]]:
    """Genuine and impostor bit scores (or float ones) per kind: "finger", "ten-print"
    (mean of ten), "latent"."""
    held = (lambda f: unpack(pack(f))) if bits else (lambda f: f)
    probed = binary if bits else (lambda f: f)
    enrolled, probes, latents = [], [], []
    for number in range(persons):
        subject = person(seed, number)
        enrolled.append([held(_stored(f)) for f in ten_print(subject, seed, 0)])
        probes.append([probed(_stored(f)) for f in ten_print(subject, seed, 1)])
        position, mark = latent_mark(subject, seed, 0)
        latents.append((position, held(_stored(mark))))
    found: dict[str, tuple[list[float], list[float]]] = {
        kind: ([], []) for kind in ("finger", "ten-print", "latent")
    }
    for number in range(persons):
        rivals = [(number + k) % persons for k in range(1, others + 1)]
        per_person = np.zeros(1 + others)
        for position in range(10):
            references = [enrolled[number][position]] + [enrolled[r][position] for r in rivals]
            values = scores(probes[number][position], references)
            found["finger"][0].append(float(values[0]))
            found["finger"][1].extend(float(v) for v in values[1:])
            per_person += values
        found["ten-print"][0].append(float(per_person[0] / 10))
        found["ten-print"][1].extend(float(v / 10) for v in per_person[1:])
        position, latent = latents[number]
        own = probes[number][position - 1]
        found["latent"][0].append(float(scores(latent, [own])[0]))
        strangers = [probes[r][p] for r in rivals for p in range(10)]
        found["latent"][1].extend(float(v) for v in scores(latent, strangers))
    return found


def _rates(genuine: np.ndarray, impostor: np.ndarray, threshold: float) -> str:
    fnmr = float(np.mean(genuine < threshold))
    fmr = float(np.mean(impostor >= threshold))
    return f"{threshold:.3f}: FNMR {fnmr:6.1%} FMR {fmr:7.3%}"


def report(found: dict[str, tuple[list[float], list[float]]]) -> None:
    print("kind        pairs gen/imp  gen p5   gen p50  imp p99  imp p99.9  imp max")
    for kind, (genuine, impostor) in found.items():
        g, i = np.array(genuine), np.array(impostor)
        print(
            f"{kind:<11} {len(g):>6}/{len(i):<7} {np.percentile(g, 5):7.4f}  "
            f"{np.median(g):7.4f}  {np.percentile(i, 99):7.4f}  "
            f"{np.percentile(i, 99.9):8.4f}  {i.max():7.4f}"
        )
    for kind, (genuine, impostor) in found.items():
        g, i = np.array(genuine), np.array(impostor)
        cuts = [(fmr, float(np.quantile(i, 1 - fmr))) for fmr in FMR_TARGETS]
        print(
            f"{kind:<11} at FMR "
            + "  ".join(f"{fmr:.2%}: {t:.4f} FNMR {np.mean(g < t):5.1%}" for fmr, t in cuts)
        )
    uses = {
        "SAME_PERSON": ("finger", "ten-print"),
        "LINK_THRESHOLD": ("finger", "ten-print"),
    }
    for name, kinds in uses.items():
        for kind in kinds:
            g, i = np.array(found[kind][0]), np.array(found[kind][1])
            print(
                f"{name:<15} {kind:<10} old {_rates(g, i, OLD[name])}   "
                f"new {_rates(g, i, NEW[name])}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", default="16,17,18")
    parser.add_argument("--persons", type=int, default=300)
    parser.add_argument("--others", type=int, default=12, help="impostors per person")
    parser.add_argument(
        "--float", action="store_true", help="MCC's float version instead (to compare)"
    )
    parser.add_argument("--save", help="write the pooled scores to this .npz file")
    args = parser.parse_args()
    started = time.perf_counter()
    pooled: dict[str, tuple[list[float], list[float]]] = {}
    for seed in (int(s) for s in args.seeds.split(",")):
        found = measure(seed, args.persons, args.others, bits=not args.float)
        version = "float" if args.float else "bit"
        print(f"\nseed {seed} ({version} scores): {args.persons} persons, {args.others} others")
        report(found)
        for kind, (genuine, impostor) in found.items():
            pooled.setdefault(kind, ([], []))
            pooled[kind][0].extend(genuine)
            pooled[kind][1].extend(impostor)
    print(f"\npooled over seeds {args.seeds}")
    report(pooled)
    if args.save:
        arrays = {
            f"{kind} {side}": np.array(pooled[kind][n])
            for kind in pooled
            for n, side in enumerate(("genuine", "impostor"))
        }
        np.savez_compressed(args.save, **arrays)  # type: ignore[arg-type]
    print(f"\n{time.perf_counter() - started:.0f} s, load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

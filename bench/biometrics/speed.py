"""Speed: enrolment per ten-print, one comparison per matcher, and 1:N search time over
galleries of growing size with a linear fit out to 1 M and 10 M fingers.

The larger galleries are the measured gallery enrolled again under new person numbers
(every enrolment runs the real code: keys computed, postings merged); the searches'
work is the index's gather and count, which grows with the postings, plus a fixed
short list re-ranked by MCC, which does not.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence

from bench.biometrics.accuracy import BozorthCache
from bench.biometrics.metrics import linear_fit
from bench.biometrics.sets import Sets
from limes.biometrics.identification import FINGERS, FingerprintGallery
from limes.biometrics.matching.mcc import score

TEN_PRINT_SHORTLIST = 50
LATENT_SHORTLIST = 100
TIMED_SEARCHES = 10
TARGETS = (1_000_000, 10_000_000)


def per_comparison(sets: Sets, bozorth: BozorthCache) -> None:
    probe = sets.mated[0]
    references = [sets.gallery.template(p.person)[0] for p in sets.mated[:50]]
    points = [sets.enrolled_points[p.person][0] for p in sets.mated[:50]]
    mcc = _seconds(lambda: [score(probe.fingers[0], r) for r in references]) / len(references)
    for reference in points:
        bozorth.template(reference)
    bozorth.template(probe.points[0])
    nbis = _seconds(lambda: [bozorth.score(probe.points[0], r) for r in points]) / len(points)
    print(
        f"\nEnrolment per ten-print (10 x MCC cylinders + index keys): "
        f"{sets.enrol_seconds * 1000:.0f} ms"
    )
    print(
        f"One finger comparison: MCC (LSS-R) {mcc * 1000:.2f} ms, "
        f"Bozorth3 (nbis-py) {nbis * 1000:.2f} ms"
    )


def scaling(sets: Sets, multiples: Sequence[int]) -> None:
    base = len(sets.gallery)
    sizes: list[int] = []
    ten_print_times: list[float] = []
    latent_times: list[float] = []
    memory: list[int] = []
    print(
        "\n1:N search time (median of "
        f"{TIMED_SEARCHES}; short lists {TEN_PRINT_SHORTLIST} persons / "
        f"{LATENT_SHORTLIST} fingers)"
    )
    started = time.perf_counter()
    keys = [sets.gallery.finger_keys(sets.gallery.template(p)) for p in range(base)]
    hashing = (time.perf_counter() - started) / (base * FINGERS)
    print(f"  hashing a finger's cylinders into index keys: {hashing * 1000:.2f} ms")
    print("   fingers   postings merged (fingers/s)   index MB   ten-print s   latent s")
    for multiple in multiples:
        gallery = FingerprintGallery()
        started = time.perf_counter()
        for copy in range(multiple):
            for person in range(base):
                gallery.enrol(copy * base + person, sets.gallery.template(person), keys[person])
        gallery.freeze()
        build_rate = base * multiple * FINGERS / (time.perf_counter() - started)
        ten = statistics.median(
            _seconds(lambda p=p, g=gallery: g.search_ten_print(p.fingers, TEN_PRINT_SHORTLIST))
            for p in sets.mated[:TIMED_SEARCHES]
        )
        latent = statistics.median(
            _seconds(lambda p=p, g=gallery: g.search_latent(p.finger, LATENT_SHORTLIST))
            for p in sets.mated_latents[:TIMED_SEARCHES]
        )
        fingers = base * multiple * FINGERS
        sizes.append(fingers)
        ten_print_times.append(ten)
        latent_times.append(latent)
        memory.append(gallery.memory_bytes)
        print(
            f"  {fingers:8d}   {build_rate:27,.0f}   {gallery.memory_bytes / 1e6:8.1f}   "
            f"{ten:11.3f}   {latent:8.3f}"
        )
    if len(sizes) > 1:
        per_finger = (memory[-1] - memory[0]) / (sizes[-1] - sizes[0])
        print(
            f"  index memory: {per_finger:,.0f} bytes per finger beyond a fixed "
            f"{(memory[0] - per_finger * sizes[0]) / 1e6:.0f} MB of bucket bounds -> "
            + ", ".join(f"{t:,} fingers {per_finger * t / 1e9:.1f} GB" for t in TARGETS)
        )
    for name, times in (("ten-print", ten_print_times), ("latent", latent_times)):
        intercept, slope = linear_fit(sizes, times)
        projected = ", ".join(f"{t:,} fingers {intercept + slope * t:.1f} s" for t in TARGETS)
        print(
            f"  linear fit {name}: {intercept * 1000:.1f} ms + "
            f"{slope * 1e9:.1f} ns per finger -> {projected}"
        )


def _seconds(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started

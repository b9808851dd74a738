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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bench.biometrics.accuracy import BozorthCache
from bench.biometrics.distinct import (
    DistinctPersons,
    RepeatedPersons,
    drawn,
    postings_per_key,
    print_penetration,
)
from bench.biometrics.face_index import load, rss_mib
from bench.biometrics.metrics import linear_fit
from bench.biometrics.sets import Sets
from limes.biometrics.identification import FINGERS, LATENT_SHORTLIST, FingerprintGallery
from limes.biometrics.index import Ids
from limes.biometrics.matching.mcc import score
from limes.biometrics.matching.packed import binary, pack, unpack

TEN_PRINT_SHORTLIST = 20
TIMED_SEARCHES = 50
TARGETS = (1_000_000, 10_000_000)
AIMS = {"ten-print": 1.0, "latent": 10.0}
"""Issue 16's aims, seconds a search over ``AIM_FINGERS`` fingers (1 M: 100,000 persons)."""
AIM_FINGERS = 1_000_000
FREEZE_FINGERS = 50_000
CAP_MULTIPLES = (32, 8, 2)
"""Buckets of more than these multiples of the mean postings left out of the votes."""


def per_comparison(sets: Sets, bozorth: BozorthCache) -> None:
    probe = sets.mated[0]
    people = [p.person for p in sets.mated[:50]]
    references = [sets.float_gallery.template(p)[0] for p in people]
    bits = [sets.gallery.template(p)[0] for p in people]
    packed = [pack(r) for r in references]
    points = [sets.enrolled_points[p][0] for p in people]
    mcc = _seconds(lambda: [score(probe.fingers[0], r) for r in references]) / len(references)
    probe_bits = binary(probe.fingers[0])
    mcc_bits = _seconds(lambda: [score(probe_bits, r) for r in bits]) / len(bits)
    unpacking = _seconds(lambda: [unpack(b) for b in packed]) / len(packed)
    for reference in points:
        bozorth.template(reference)
    bozorth.template(probe.points[0])
    nbis = _seconds(lambda: [bozorth.score(probe.points[0], r) for r in points]) / len(points)
    print(
        f"\nEnrolment per ten-print (10 x MCC cylinders, packed bits, index keys): "
        f"{sets.enrol_seconds * 1000:.0f} ms"
    )
    print(
        f"One finger comparison: MCC (LSS-R) {mcc * 1000:.2f} ms, MCC bits "
        f"{mcc_bits * 1000:.2f} ms (+ {unpacking * 1000:.2f} ms to unpack the finger, "
        f"{statistics.mean(len(b) for b in packed):,.0f} bytes packed), "
        f"Bozorth3 (nbis-py) {nbis * 1000:.2f} ms"
    )


@dataclass
class Timings:
    """Per gallery size: the index's share of a search (votes and short list) and the
    whole search (with the MCC re-ranking of the short list), medians of CPU seconds of
    the searching thread (the machine is shared: its wall time is printed beside)."""

    sizes: list[int] = field(default_factory=list)
    memory: list[int] = field(default_factory=list)
    index: dict[str, list[float]] = field(default_factory=lambda: {"ten-print": [], "latent": []})
    whole: dict[str, list[float]] = field(default_factory=lambda: {"ten-print": [], "latent": []})
    whole99: dict[str, list[float]] = field(default_factory=lambda: {"ten-print": [], "latent": []})


def scaling(
    sets: Sets,
    multiples: Sequence[int],
    distinct: bool = False,
    drawn_persons: int | None = None,
    keep: Path | None = None,
) -> None:
    """One gallery grown to each multiple of the measured one in turn, then searched;
    frozen every ``FREEZE_FINGERS`` fingers enrolled, as a process that enrols while it
    serves would (it also bounds the postings pending before a freeze). Every enrolled
    finger holds its own copy of its packed bits (real memory), its postings real.

    ``distinct``: the persons beyond the measured ones are new persons of the same seeded
    stream, drawn in ``distinct.WORKERS`` processes (``distinct.DistinctPersons``), not
    the measured ones again; the build rate then includes drawing them.

    ``drawn_persons`` (with ``distinct``): only that many persons are drawn (read from
    ``keep`` when it holds them, else drawn and written there); person n beyond them
    is drawn person n mod ``drawn_persons`` enrolled again (``RepeatedPersons``), so a
    million fingers are measured, not projected, without hours of drawing."""
    base = len(sets.gallery)
    timings = Timings()
    grown = (
        "new persons of the same stream, drawn while enrolling"
        if distinct
        else "the measured persons enrolled again under new numbers"
    )
    if distinct and drawn_persons is not None:
        grown = (
            f"{drawn_persons:,} persons of the same stream drawn once, person n beyond"
            f" them drawn person n mod {drawn_persons:,} enrolled again"
        )
    print(
        f"\n1:N search time (CPU of the searching thread, p50/p99 of "
        f"{min(TIMED_SEARCHES, len(sets.mated))} searches; short lists "
        f"{TEN_PRINT_SHORTLIST} persons / {LATENT_SHORTLIST} fingers re-ranked by MCC bits;"
        f" the larger galleries are {grown}, each finger with its own packed copy)"
    )
    started = time.perf_counter()
    keys = [sets.gallery.finger_keys(sets.gallery.template(p)) for p in range(base)]
    hashing = (time.perf_counter() - started) / (base * FINGERS)
    packed = [[pack(f) for f in sets.float_gallery.template(p)] for p in range(base)]
    print(f"  hashing a finger's cylinders into index keys: {hashing * 1000:.2f} ms")
    print(
        "   fingers  merged fingers/s  index MB  templates MB  RSS/peak MiB"
        "   ten-print index p50, all p50/p99 (wall p50/p99) s"
        "   latent index p50, all p50/p99 (wall p50/p99) s   postings per probe key"
        " ten-print/latent   load average"
    )
    source: DistinctPersons | RepeatedPersons | None = None
    if distinct and drawn_persons is not None:
        started = time.perf_counter()
        source = RepeatedPersons(drawn(sets.seed, drawn_persons, keep))
        print(
            f"  {drawn_persons:,} distinct persons ready in"
            f" {time.perf_counter() - started:.0f} s ({load()})",
            flush=True,
        )
    elif distinct:
        source = DistinctPersons(sets.seed)
    gallery = FingerprintGallery()
    enrolled = 0
    for multiple in sorted(multiples):
        started = time.perf_counter()
        if source is None:
            _copies(gallery, packed, keys, enrolled, multiple)
        else:
            _distinct(gallery, source, enrolled * base, multiple * base)
        gallery.freeze()
        build_rate = (multiple - enrolled) * base * FINGERS / (time.perf_counter() - started)
        enrolled = multiple
        fingers = base * multiple * FINGERS
        ten_probes = [p.fingers for p in sets.mated[:TIMED_SEARCHES]]
        latents = [p.finger for p in sets.mated_latents[:TIMED_SEARCHES]]
        searches: dict[str, tuple[Callable[[Any], object], Callable[[Any], object], list[Any]]]
        searches = {
            "ten-print": (
                lambda p, g=gallery: g.ten_print_shortlist(p, TEN_PRINT_SHORTLIST),
                lambda p, g=gallery: g.search_ten_print(p, TEN_PRINT_SHORTLIST),
                ten_probes,
            ),
            "latent": (
                lambda p, g=gallery: g.latent_shortlist(p, LATENT_SHORTLIST),
                lambda p, g=gallery: g.search_latent(p),
                latents,
            ),
        }
        timings.sizes.append(fingers)
        timings.memory.append(gallery.memory_bytes)
        columns, firsts = [], []
        for kind, (index, whole, probes) in searches.items():
            index_part = statistics.median(_both(index, probes)[0])
            cpu, wall = _both(whole, probes, answers := [])
            firsts.append(rank_one(answers))
            timings.index[kind].append(index_part)
            timings.whole[kind].append(statistics.median(cpu))
            timings.whole99[kind].append(_p(cpu, 99))
            columns.append(
                f"{index_part:6.3f}, {_p(cpu, 50):6.3f}/{_p(cpu, 99):6.3f}"
                f" ({_p(wall, 50):6.3f}/{_p(wall, 99):6.3f})"
            )
        per_key = postings_per_key(
            gallery, sets.mated[:TIMED_SEARCHES], sets.mated_latents[:TIMED_SEARCHES]
        )
        print(
            f"  {fingers:8d}  {build_rate:16,.0f}  {gallery.memory_bytes / 1e6:8.1f}"
            f"  {gallery.template_bytes / 1e6:12.1f}  {rss_mib():6.0f}/{_peak_mib():6.0f}"
            f"   {columns[0]}   {columns[1]}   {per_key[0]:8,.0f}/{per_key[1]:,.0f}   {load()}",
            flush=True,
        )
        repeated = drawn_persons is not None and base * multiple > drawn_persons
        if source is not None and not repeated:  # copies tie with their mate
            print(
                f"    rank-1 of these mated searches (probe n searches for person n):"
                f" ten-print {firsts[0]:.1%}, latent {firsts[1]:.1%}"
            )
        _index_alone(gallery, sets)
    if isinstance(source, DistinctPersons):
        source.close()
        count = enrolled * base * FINGERS
        print(
            f"  drawing a distinct finger (generation, bulk cylinders, packing, keys) took"
            f" {source.cpu_seconds / max(count, 1) * 1000:.2f} ms of the workers' CPU"
        )
    _projections(timings)


def _index_alone(gallery: FingerprintGallery, sets: Sets) -> None:
    """Hit rates of the index alone over ``gallery``, with popular buckets left out at
    ``CAP_MULTIPLES`` of the mean bucket."""
    settings = gallery.indexes[0].settings
    every_bucket = np.arange(settings.tables << settings.bucket_bits)
    mean_bucket = float(np.mean([i.bucket_sizes(every_bucket).mean() for i in gallery.indexes]))
    print(
        f"    the index alone ({mean_bucket:,.1f} postings in a bucket on average, caps at"
        f" {', '.join(str(m) for m in CAP_MULTIPLES)} times that; {load()}):"
    )
    print_penetration(
        gallery,
        (sets.mated[:TIMED_SEARCHES], sets.mated_latents[:TIMED_SEARCHES]),
        (TEN_PRINT_SHORTLIST, LATENT_SHORTLIST),
        [None, *(round(m * mean_bucket) for m in CAP_MULTIPLES)],
    )


def _copies(
    gallery: FingerprintGallery,
    packed: list[list[bytes]],
    keys: list[list[Ids]],
    enrolled: int,
    multiple: int,
) -> None:
    """The measured persons enrolled again as copies ``enrolled`` to ``multiple - 1``."""
    base = len(packed)
    for copy in range(enrolled, multiple):
        for person in range(base):
            own = [bytes(bytearray(b)) for b in packed[person]]
            gallery.enrol(copy * base + person, own, keys[person])
        if (copy + 1) * base * FINGERS % FREEZE_FINGERS < base * FINGERS:
            gallery.freeze()


def _distinct(
    gallery: FingerprintGallery,
    source: DistinctPersons | RepeatedPersons,
    start: int,
    stop: int,
) -> None:
    """Persons ``start`` to ``stop - 1`` drawn and enrolled."""
    for number, fingers, keys in source.drawn(start, stop):
        gallery.enrol(number, fingers, keys)
        if (number + 1) * FINGERS % FREEZE_FINGERS == 0:
            gallery.freeze()


def _both(
    search: Callable[[Any], object], probes: Sequence[Any], answers: list[Any] | None = None
) -> tuple[list[float], list[float]]:
    """CPU seconds of the searching thread and wall seconds of each search; each search's
    answer appended to ``answers`` if given."""
    cpu, wall = [], []
    for probe in probes:
        on_cpu, started = time.thread_time(), time.perf_counter()
        answer = search(probe)
        cpu.append(time.thread_time() - on_cpu)
        wall.append(time.perf_counter() - started)
        if answers is not None:
            answers.append(answer)
    return cpu, wall


def rank_one(answers: Sequence[Any]) -> float:
    """The share of searches, the n-th for person n, whose first candidate is person n."""
    first = [bool(a) and a[0].person == n for n, a in enumerate(answers)]
    return sum(first) / max(len(first), 1)


def _p(values: Sequence[float], percent: float) -> float:
    return float(np.percentile(values, percent))


def _peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def verdict(seconds: float, aim: float, fingers: int, measured: int) -> str:
    """Whether ``seconds`` meets ``aim``, and how it was had: measured at ``fingers``, or
    projected there by the linear fit from ``measured`` fingers at most."""
    how = "measured" if measured >= fingers else f"projected from {measured:,} fingers"
    return f"{seconds:.2f} s, aim <= {aim:g} s {'met' if seconds <= aim else 'NOT met'} ({how})"


def _projections(timings: Timings) -> None:
    """The index part grows with the gallery (a linear fit); the re-ranking of a fixed
    short list does not (its median is added as measured, and for p99 the p99 of the
    whole search less the index part at the largest size measured). Each aim is said
    met or not, with how its figure was had."""
    sizes, memory = timings.sizes, timings.memory
    if len(sizes) < 2:
        return
    per_finger = (memory[-1] - memory[0]) / (sizes[-1] - sizes[0])
    print(f"  linear fit over the measured sizes {', '.join(f'{s:,}' for s in sizes)} fingers")
    print(
        f"  index memory: {per_finger:,.0f} bytes per finger beyond a fixed "
        f"{(memory[0] - per_finger * sizes[0]) / 1e6:.0f} MB of bucket bounds -> "
        + ", ".join(f"{t:,} fingers {per_finger * t / 1e9:.1f} GB" for t in TARGETS)
    )
    for kind in ("ten-print", "latent"):
        intercept, slope = linear_fit(sizes, timings.index[kind])
        rerank = statistics.median(
            w - i for w, i in zip(timings.whole[kind], timings.index[kind], strict=True)
        )
        rerank99 = timings.whole99[kind][-1] - timings.index[kind][-1]
        projected = ", ".join(
            f"{t:,} fingers {intercept + slope * t + rerank:.2f} s" for t in TARGETS
        )
        print(
            f"  {kind} (CPU): index {intercept * 1000:.1f} ms + {slope * 1e9:.1f} ns per finger "
            f"(linear fit), re-ranking {rerank * 1000:.0f} ms -> {projected}"
        )
        at_aim = intercept + slope * AIM_FINGERS
        print(
            f"    aim at {AIM_FINGERS:,} fingers: p50 "
            f"{verdict(at_aim + rerank, AIMS[kind], AIM_FINGERS, sizes[-1])}; p99 "
            f"{verdict(at_aim + rerank99, AIMS[kind], AIM_FINGERS, sizes[-1])}"
        )


def _seconds(action: Callable[[], object], clock: Callable[[], float] = time.perf_counter) -> float:
    started = clock()
    action()
    return clock() - started

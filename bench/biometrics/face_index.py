"""Face 1:N at scale: the product's index against the exact search and an inverted file
(``make bench-biometrics``, its faces part).

    python -m bench.biometrics.face_index [--faces 1000000] [--probes 1000]
        [--graph 32:64:128/256/512] [--ivf 4096:64/128]

Over ``--faces`` synthetic templates (``biometrics/synthetic/faces``, one identity
each), each index is built (on 2 threads, as faiss builds), then searched one probe at
a time on one thread (as a request is) with a later capture of ``--probes`` enrolled
identities, for a shortlist re-ranked by exact distance. For each it prints the build
time (wall and CPU) and the memory it added, p50/p99 of a search (wall and CPU), how
often the mate comes first, how often its first answer is the exact search's first (the
index's recall, as against the templates' own accuracy) and the penetration: the share
of the gallery whose distance to the probe was computed.

* exact: a flat scan of every template (the ceiling no index can pass);
* the product's ``FaceIndex`` (``biometrics/faces/index``: HNSW over 8-bit templates,
  float32 templates beside it for the exact re-ranking), for each ``M:efConstruction``
  and efSearch of ``--graph``; enrolled through its own ``add``, searched through its
  own ``search``, so the figures are the product's;
* IVF-SQ8: a k-means coarse quantiser of ``nlist`` cells, 8-bit templates in inverted
  lists, ``nprobe`` nearest cells scanned, the shortlist re-ranked exactly.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import faiss
import numpy as np

from limes.biometrics.faces.encoder import DIMENSIONS
from limes.biometrics.faces.index import FaceIndex, GraphSettings
from limes.biometrics.synthetic.faces import FaceSet

SHORTLIST = 200
AIM_P99_MS = 10.0
TRAIN = 100_000
BLOCK = 100_000
BUILD_THREADS = 2


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


@contextmanager
def building(name: str) -> Iterator[None]:
    """Times a build on ``BUILD_THREADS`` threads: wall, CPU of the process, RSS added."""
    faiss.omp_set_num_threads(BUILD_THREADS)
    before, started, on_cpu = rss_mib(), time.perf_counter(), time.process_time()
    yield
    print(
        f"  {name}: built in {time.perf_counter() - started:.0f} s wall,"
        f" {time.process_time() - on_cpu:.0f} s CPU ({BUILD_THREADS} threads),"
        f" RSS +{rss_mib() - before:.0f} MiB (now {rss_mib():.0f} MiB), {load()}",
        flush=True,
    )
    faiss.omp_set_num_threads(1)


class Probes:
    """The probes, their mates and the exact search's first answers."""

    def __init__(self, templates: np.ndarray, mates: np.ndarray, exact_first: np.ndarray):
        self.templates, self.mates, self.exact_first = templates, mates, exact_first

    def measure(
        self, name: str, search: Callable[[np.ndarray], int], visited: Callable[[], float]
    ) -> None:
        """Searches each probe on one thread; ``search`` answers the first label and
        ``visited`` the distances computed so far."""
        faiss.omp_set_num_threads(1)
        times, cpu, firsts = [], [], []
        for probe in self.templates:
            started, on_cpu = time.perf_counter(), time.thread_time()
            firsts.append(search(probe.reshape(1, DIMENSIONS)))
            cpu.append((time.thread_time() - on_cpu) * 1000)
            times.append((time.perf_counter() - started) * 1000)
        p50, p99 = np.percentile(times, [50, 99])
        c50, c99 = np.percentile(cpu, [50, 99])
        first = np.array(firsts)
        count = len(self.templates)
        print(
            f"  {name:34} wall p50 {p50:6.2f} p99 {p99:6.2f} ms, CPU p50 {c50:6.2f}"
            f" p99 {c99:6.2f} ms  mate first {(first == self.mates[:count]).mean():6.1%}"
            f"  = exact first {(first == self.exact_first[:count]).mean():6.1%}"
            f"  penetration {visited() / count:7.3%}"
            f"  {'met' if c99 <= AIM_P99_MS else 'NOT met'} (CPU p99), {load()}",
            flush=True,
        )


def exact(gallery: np.ndarray, probes: np.ndarray, mates: np.ndarray) -> Probes:
    flat = faiss.IndexFlatL2(DIMENSIONS)
    flat.add(gallery)
    faiss.omp_set_num_threads(BUILD_THREADS)
    _, labels = flat.search(probes, 1)
    found = Probes(probes, mates, labels[:, 0])
    print(f"  exact search puts the mate first for {(found.exact_first == mates).mean():.1%}")
    few = Probes(probes[:100], mates, found.exact_first)
    few.measure(
        "exact (flat scan, 100 probes)",
        lambda p: int(flat.search(p, SHORTLIST)[1][0][0]),
        lambda: 1.0 * len(few.templates),
    )
    return found


def product(
    gallery: np.ndarray, probes: Probes, links: int, build: int, breadths: list[int]
) -> None:
    index = FaceIndex(GraphSettings(links, build, max(breadths)))
    with building(f"FaceIndex (HNSW-SQ8 M {links}, efConstruction {build})"):
        for start in range(0, len(gallery), BLOCK):
            block = gallery[start : start + BLOCK]
            index.add(((str(start + n), 0), face) for n, face in enumerate(block))
    stats = faiss.cvar.hnsw_stats
    for breadth in breadths:
        stats.reset()
        probes.measure(
            f"FaceIndex M {links} efC {build} efS {breadth}",
            lambda p, b=breadth: int(index.search(p, SHORTLIST, b)[0].key[0]),
            lambda: float(stats.ndis) / len(gallery),
        )


def inverted(gallery: np.ndarray, probes: Probes, cells: int, nprobes: list[int]) -> None:
    quantiser = faiss.IndexFlatL2(DIMENSIONS)
    coded = faiss.IndexIVFScalarQuantizer(
        quantiser, DIMENSIONS, cells, faiss.ScalarQuantizer.QT_8bit
    )
    with building(f"IVF-SQ8 nlist {cells} (8-bit codes; float32 templates held beside)"):
        rng = np.random.default_rng(0)
        coded.train(gallery[rng.choice(len(gallery), min(len(gallery), TRAIN), replace=False)])
        coded.add(gallery)
    sizes = np.array([coded.invlists.list_size(c) for c in range(cells)])
    for nprobe in nprobes:
        coded.nprobe = nprobe
        scanned = [0]

        def search(p: np.ndarray, scanned: list[int] = scanned) -> int:
            _, near = quantiser.search(p, coded.nprobe)
            scanned[0] += int(sizes[near[0]].sum())
            labels = coded.search(p, SHORTLIST)[1][0]
            live = labels[labels >= 0]
            return int(live[np.argmin(np.linalg.norm(gallery[live] - p, axis=1))])

        probes.measure(
            f"IVF-SQ8 nprobe {nprobe} + exact",
            search,
            lambda s=scanned: float(s[0]) / len(gallery),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--faces", type=int, default=1_000_000)
    parser.add_argument("--probes", type=int, default=1000)
    parser.add_argument(
        "--graph", default="32:64:128/256/512", help="M:efConstruction:efSearch/…, …"
    )
    parser.add_argument("--ivf", default="4096:64/128", help="nlist:nprobe/…, … ('' skips)")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    people = FaceSet(args.faces, args.seed)
    gallery = np.vstack(
        [
            people.captures(range(s, min(s + BLOCK, args.faces)), 0)
            for s in range(0, args.faces, BLOCK)
        ]
    )
    mates = rng.choice(args.faces, args.probes, replace=False)
    print(
        f"{len(gallery):,} synthetic faces drawn in {time.perf_counter() - started:.0f} s,"
        f" RSS {rss_mib():.0f} MiB, {load()}",
        flush=True,
    )
    print(f"\nFace 1:N over {len(gallery):,} faces, {args.probes} probes, shortlist {SHORTLIST}")
    probes = exact(gallery, people.captures(mates, 1), mates)
    for shape in [s for s in args.graph.split(",") if s]:
        links, build, breadths = shape.split(":")
        product(gallery, probes, int(links), int(build), [int(b) for b in breadths.split("/")])
    for shape in [s for s in args.ivf.split(",") if s]:
        cells, nprobes = shape.split(":")
        inverted(gallery, probes, int(cells), [int(n) for n in nprobes.split("/")])


if __name__ == "__main__":
    main()

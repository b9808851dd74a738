"""``make bench-biometrics`` (its faces part): enrolment time per face, 1:N search over a
million synthetic templates, index build rate and memory, and the synthetic distances.

    python -m bench.biometrics.faces [--faces 1000000] [--probes 1000] [--seed 16]

* enrolment: decode, detect, landmarks and template of the photographs packages ship
  (matplotlib's Grace Hopper, scikit-image's astronaut), through ``captures.capture``;
* the index: ``--faces`` synthetic templates (``biometrics/synthetic/faces``, one
  identity each) added in blocks, its rate and the memory the process grew by;
* search: one later capture of ``--probes`` enrolled identities, the time of
  ``FaceIndex.search`` (the graph and the exact re-ranking; after the template) and
  whether the mate comes first;
* distances: genuine (two captures of one identity) and impostor (two identities)
  pairs of the synthetic set, with the error rates at the verification distance.

The aims are printed beside the figures.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import time
from pathlib import Path

import matplotlib
import numpy as np
from PIL import Image

from limes.biometrics.faces.captures import capture
from limes.biometrics.faces.index import FaceIndex
from limes.biometrics.synthetic.faces import FaceSet
from limes.service.faces import SHORTLIST, VERIFY_DISTANCE

AIM_SEARCH_P99_MS = 10.0
AIM_ENROL_S = 1.0
BLOCK = 50_000


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def portraits() -> dict[str, bytes]:
    hopper = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    found = {"grace_hopper.jpg (512 x 600)": hopper.read_bytes()}
    spec = importlib.util.find_spec("skimage")
    if spec is not None and spec.origin is not None:
        astronaut = Path(spec.origin).parent / "data" / "astronaut.png"
        found["astronaut.png (512 x 512)"] = astronaut.read_bytes()
    big = io.BytesIO()
    Image.open(hopper).resize((1536, 1800)).save(big, "JPEG", quality=90)
    found["grace_hopper at 1536 x 1800"] = big.getvalue()
    return found


def enrolment(repeats: int) -> None:
    print(f"\nEnrolment per face (decode + detect + 68 landmarks + template), {repeats} runs")
    capture(portraits()["grace_hopper.jpg (512 x 600)"])  # loads the models once
    for name, data in portraits().items():
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            capture(data)
            times.append(time.perf_counter() - started)
        print(
            f"  {name:30} median {np.median(times) * 1000:7.0f} ms  "
            f"max {max(times) * 1000:7.0f} ms   (aim ≤ {AIM_ENROL_S:.0f} s)"
        )


def distances(people: FaceSet, pairs: int, rng: np.random.Generator) -> None:
    chosen = rng.choice(len(people), pairs, replace=False)
    first, second = people.captures(chosen, 1), people.captures(chosen, 2)
    genuine = np.linalg.norm(first - second, axis=1)
    impostor = np.linalg.norm(first - np.roll(second, 1, axis=0), axis=1)
    cuts = [1, 5, 50, 95, 99]
    print(f"\nSynthetic distances, {pairs} pairs each (percentiles {cuts})")
    print(f"  genuine   {np.round(np.percentile(genuine, cuts), 3)}   (aim ~0.3-0.5, as dlib's)")
    print(f"  impostor  {np.round(np.percentile(impostor, cuts), 3)}   (aim ~0.8 and over)")
    fnmr = float((genuine > VERIFY_DISTANCE).mean())
    fmr = float((impostor <= VERIFY_DISTANCE).mean())
    print(f"  at the verification distance {VERIFY_DISTANCE}: FNMR {fnmr:.3f}, FMR {fmr:.5f}")


def scale(people: FaceSet, probes: int, rng: np.random.Generator) -> None:
    print(f"\nIndex of {len(people):,} faces (HNSW over 8-bit templates, exact re-ranking)")
    before = rss_mib()
    index = FaceIndex()
    started = time.perf_counter()
    for start in range(0, len(people), BLOCK):
        stop = min(len(people), start + BLOCK)
        block = people.captures(range(start, stop), 0)
        index.add(((f"P{n}", 1), block[n - start]) for n in range(start, stop))
        if stop % 200_000 == 0 or stop == len(people):
            rate = stop / (time.perf_counter() - started)
            print(f"  {stop:>9,} faces  {rate:8.0f} faces/s  RSS +{rss_mib() - before:6.0f} MiB")
    built = time.perf_counter() - started
    print(f"  built in {built:.0f} s: {len(people) / built:.0f} faces/s (templates drawn included)")
    print(f"  memory: {rss_mib() - before:.0f} MiB for the graph, 8-bit and float32 templates")
    chosen = rng.choice(len(people), probes, replace=False)
    probe_set = people.captures(chosen, 1)
    times, first = [], 0
    for person, probe in zip(chosen, probe_set, strict=True):
        started = time.perf_counter()
        found = index.search(probe, SHORTLIST)
        times.append((time.perf_counter() - started) * 1000)
        first += found[0].key == (f"P{person}", 1)
    p50, p99 = np.percentile(times, [50, 99])
    print(
        f"  search (shortlist {SHORTLIST}, after the template), {probes} probes: "
        f"p50 {p50:.2f} ms  p99 {p99:.2f} ms   (aim p99 ≤ {AIM_SEARCH_P99_MS:.0f} ms)"
    )
    print(f"  the mate first: {first}/{probes} ({first / probes:.1%})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--faces", type=int, default=1_000_000)
    parser.add_argument("--probes", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    enrolment(args.repeats)
    people = FaceSet(args.faces, args.seed)
    distances(people, min(args.faces, 20_000), rng)
    scale(people, args.probes, rng)


if __name__ == "__main__":
    main()

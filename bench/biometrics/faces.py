"""``make bench-biometrics`` (its faces part): enrolment time per face and the synthetic
distances; the index at scale is ``bench/biometrics/face_index.py``'s.

    python -m bench.biometrics.faces [--pairs 20000] [--seed 16]

* enrolment: decode, detect, landmarks and template of the photographs packages ship
  (matplotlib's Grace Hopper, scikit-image's astronaut), through ``captures.capture``;
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
from limes.biometrics.synthetic.faces import FaceSet
from limes.service.faces import VERIFY_DISTANCE

AIM_ENROL_S = 1.0


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--pairs", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    enrolment(args.repeats)
    distances(FaceSet(args.pairs, args.seed), args.pairs, rng)


if __name__ == "__main__":
    main()

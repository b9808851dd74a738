"""A var folder with a fresh SQLite store of demo alerts, made the way an operator does.

``limes init`` (keyring, audit signing key, migrations), then ``limes demo`` (the bulk
path: ``AlertService.bulk_issue``, encrypted at rest), as subprocesses of the project's
own ``limes``: the server of part 3 must be able to open what part 2 reads.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

LIMES = Path(sys.executable).parent / "limes"
PERSONS_SHARE = 0.1


@dataclass(frozen=True, slots=True)
class Loaded:
    var: Path
    persons: int
    objects: int
    seconds: float


def prepare(var: Path, alerts: int, seed: int) -> Loaded:
    """Initialise ``var`` and load ``alerts`` demo alerts (10% on persons) into its store."""
    persons = int(alerts * PERSONS_SHARE)
    env = {**os.environ, "LIMES_VAR": str(var), "LIMES_ENV": "development"}  # served unsafe
    subprocess.run([str(LIMES), "init"], env=env, check=True, capture_output=True)
    started = time.perf_counter()
    subprocess.run(
        [str(LIMES), "demo", "--persons", str(persons), "--objects", str(alerts - persons),
         "--seed", str(seed), "--batch", "5000"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    return Loaded(var, persons, alerts - persons, time.perf_counter() - started)

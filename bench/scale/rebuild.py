"""The search indexes rebuilt from the store, with 1 and with N processes (issue 15).

    python -m bench.scale.rebuild --size 1000000 [--persons-share 0.1453]
                                  [--processes 1,2] [--rounds 2] --folder DIR [--keep]

Loads ``size`` demo alerts once (as ``bench.scale`` does, into ``DIR/var-<size>``; a
store already there is reused), then times only the build from the store, each in a
new process (``python -m bench.scale.rebuild --build VAR P``), the process counts
alternated round after round. Each line gives the seconds, alerts a second, the peak
resident memory of the building process and of its workers summed (sampled every
0.1 s from ``/proc``), and the load average. ``--keep`` leaves the store in place.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.scale.__main__ import _load, _settings
from bench.scale.startup import pss_kib
from bench.scale.stream import Queries, progress
from bench.search.measure import line, load_average


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for row in status:
                if row.startswith("VmRSS:"):
                    return int(row.split()[1])
    except OSError:
        pass
    return 0


def _pss(pid: int) -> int:
    try:
        return pss_kib(str(pid))
    except OSError:  # a worker that just ended
        return 0


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (the pool's workers), from ``/proc``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def _build(var: Path, processes: int) -> None:
    """In a process of its own: build the indexes and print one JSON line."""
    from limes.bootstrap import build
    from limes.config import Settings
    from limes.search.engine import SearchEngine

    app = build(Settings(var_dir=var, search_snapshot_seconds=0))
    me, peak, done = os.getpid(), [0, 0], threading.Event()

    def sample() -> None:  # the parent's RSS, and the PSS of the parent with its workers
        while not done.wait(0.25):
            peak[0] = max(peak[0], _rss_kib(me))
            peak[1] = max(peak[1], sum(_pss(p) for p in (me, *_children(me))))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    engine = SearchEngine(app.store, app.crypto, processes=processes)
    before = resource.getrusage(resource.RUSAGE_SELF)
    report = engine.build()
    done.set()
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)  # the pool's, ended and waited for
    sampler.join()
    print(
        json.dumps(
            {
                "seconds": report.seconds,
                "alerts": report.alerts,
                "persons": report.persons,
                "identifiers": report.identifiers,
                "parent_peak_kib": peak[0],
                "all_peak_kib": peak[1],
                "parent_cpu": own.ru_utime + own.ru_stime - before.ru_utime - before.ru_stime,
                "workers_cpu": workers.ru_utime + workers.ru_stime,
            }
        ),
        flush=True,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument("--persons-share", type=float, default=0.1453)
    parser.add_argument("--processes", default=f"1,{os.cpu_count() or 1}")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--folder", required=True)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--build", nargs=2, metavar=("VAR", "PROCESSES"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build:
        _build(Path(args.build[0]), int(args.build[1]))
        return
    var = Path(args.folder) / f"var-{args.size}"
    settings = _settings(var)
    if not (var / "limes.db").exists() or not (var / "loaded").exists():
        persons = max(1, round(args.size * args.persons_share))
        progress(f"loading {args.size:,} alerts ({persons:,} on persons)")
        queries = Queries.drawn(1, random.Random(args.seed))
        _load(settings, persons, args.size - persons, args.seed, queries)
        (var / "loaded").touch()
    counts = [int(p) for p in args.processes.split(",")]
    line(f"rebuild from the store: {args.size:,} alerts, {os.cpu_count()} cpus, processes {counts}")
    try:
        for round_ in range(args.rounds):
            for processes in counts:
                before = load_average()[0]
                out = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "bench.scale.rebuild",
                        "--build",
                        str(var),
                        str(processes),
                        "--folder",
                        args.folder,
                    ],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                found = json.loads(out.strip().splitlines()[-1])
                line(
                    f"round {round_ + 1}, {processes} process(es): {found['seconds']:.1f} s = "
                    f"{found['alerts'] / found['seconds']:,.0f} alerts/s; peak RSS "
                    f"{found['parent_peak_kib'] / 1024:,.0f} MiB in the parent, peak PSS "
                    f"{found['all_peak_kib'] / 1024:,.0f} MiB with its workers; CPU "
                    f"{found['parent_cpu']:.1f} s in the parent, {found['workers_cpu']:.1f} s in "
                    f"the workers; load average "
                    f"{before:.1f} -> {load_average()[0]:.1f} ({found['alerts']:,} alerts, "
                    f"{found['persons']:,} persons, {found['identifiers']:,} identifiers)"
                )
    finally:
        if not args.keep:
            shutil.rmtree(var)


if __name__ == "__main__":
    started = time.time()
    main()

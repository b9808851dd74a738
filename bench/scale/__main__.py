"""How Limes scales with the number of alerts: ``make bench-scale`` (issue 15).

    python -m bench.scale [--sizes 50000,100000,200000] [--persons-share 0.01824]
                          [--folder DIR]

For each size N, in a fresh installation (a keyring file, a SQLite store, as ``limes
init`` makes them, in a temporary folder, in ``DIR`` if given): generate N demo alerts,
persons sharing as in SIS (1.7 M of 93.2 M: 1.824 %), loaded as they are generated
(``bench/scale/stream.py``: memory stays flat at any N; progress with the time on
stderr), and print

* the load rate through the bulk path (``AlertService.bulk_issue``: validation,
  blind-index tokens, sealing, change events; the audit of the bulk command);
* the disk bytes per alert by table and index (SQLite's ``dbstat``);
* the time to build the search indexes from the store in one process and in one per
  CPU (``search/build_pool.py``), and to write the snapshot, with its size;
* the start-up to the first answered search, from a new process's start, without the
  snapshot (read and open every alert) and with it (``bench/scale/startup.py``);
* the index memory: the PSS one such process gains by starting search, and the PSS
  of two started side by side, summed (shared pages count once);
* person and object search latency in process (p50, p99), on the loaded indexes;
* the index process of ``limes serve --workers N`` with two workers: PSS and index
  memory summed, and the latency its hop adds (``bench/scale/shared.py``);

then a linear fit of each figure over the sizes, extrapolated to 93,195,404 alerts.
The machine is shared (load average printed): timings vary with what else runs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from bench.ingest import ctx_for
from bench.scale.shared import measure_shared
from bench.scale.startup import pss_kib
from bench.scale.stream import LOAD_BATCH, Queries, load_streamed, progress, rss_mib
from bench.search.measure import latency_figures, line, load_average, timed_calls
from limes.audit.heads import ensure_audit_key
from limes.bootstrap import build
from limes.config import Settings
from limes.crypto.keyring import ensure_keyring
from limes.demo.generator import generate
from limes.domain.alerts import AlertContent
from limes.search.engine import SearchEngine
from limes.search.identifiers import IdentifierQuery, check_query

SIS_ALERTS = 93_195_404
SIS_PERSONS_SHARE = 1.7e6 / SIS_ALERTS
SEARCHES = 300


def _settings(var: Path) -> Settings:
    settings = Settings(var_dir=var)
    var.mkdir(mode=0o700, parents=True, exist_ok=True)
    ensure_keyring(settings.keyring_file)
    ensure_audit_key(settings.audit_key_path)
    return settings


def _load(
    settings: Settings, persons: int, objects: int, seed: int, queries: Queries
) -> tuple[int, float]:
    """Generate and load in step (``bench/scale/stream.py``): (alerts, bulk path seconds)."""
    app = build(settings)
    app.store.migrate()

    def load(state: str, contents: list[AlertContent]) -> int:
        *_, loaded = app.alerts.bulk_issue(ctx_for(state), contents, batch=LOAD_BATCH)
        return loaded

    try:
        return load_streamed(generate(persons, objects, seed), load, queries, persons + objects)
    finally:
        app.close()


def _disk(db: Path) -> dict[str, int]:
    """Bytes on disk by table and index (``dbstat``), the largest first."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"
        ).fetchall()
    return {str(name): int(size) for name, size in rows}


def _startup(
    var: Path, mode: str, processes: int, socket: Path | None = None
) -> list[dict[str, Any]]:
    """Start ``processes`` cold processes side by side; each one's figures and its PSS
    measured while all are alive (``socket``: the index process of mode ``remote``)."""
    env = {**os.environ, "LIMES_VAR": str(var)}
    extra = [str(socket)] if socket else []
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "bench.scale.startup", str(var), mode, *extra],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        for _ in range(processes)
    ]
    figures = []
    for child in started:
        assert child.stdout is not None
        figures.append(json.loads(child.stdout.readline()))
    for child, found in zip(started, figures, strict=True):
        found["pss_now_kib"] = pss_kib(str(child.pid))  # every process alive: shared once
    for child in started:
        child.communicate("\n")
    return figures


def measure(size: int, share: float, seed: int, folder: Path) -> dict[str, Any]:
    persons = max(1, round(size * share))
    var = folder / f"var-{size}"
    settings = _settings(var)
    queries = Queries.drawn(SEARCHES, random.Random(seed))
    progress(f"[{size:,}] generating and loading {size:,} alerts ({persons:,} on persons)")
    count, load_seconds = _load(settings, persons, size - persons, seed, queries)
    progress(f"[{size:,}] measuring the disk (dbstat)")
    disk = _disk(var / "limes.db")
    total = sum(disk.values())
    line(
        f"[{size:,}] loaded {count:,} alerts ({persons:,} on persons) in {load_seconds:.1f} s "
        f"= {count / load_seconds:,.0f} alerts/s; load average {load_average()[0]:.1f}"
    )
    line(f"[{size:,}] disk: {total / count:,.0f} bytes per alert in all")
    for name, size_bytes in list(disk.items())[:12]:
        line(f"[{size:,}]   {name:40s} {size_bytes / count:8.1f} B/alert")

    app = build(settings)
    progress(f"[{size:,}] building the index from the store in one process")
    alone = SearchEngine(app.store, app.crypto, processes=1).build()
    line(
        f"[{size:,}] index built from the store in 1 process in {alone.seconds:.1f} s "
        f"({alone.alerts / alone.seconds:,.0f} alerts/s); load average {load_average()[0]:.1f}"
    )
    engine = SearchEngine(app.store, app.crypto)  # one process per CPU (search/build_pool.py)
    progress(f"[{size:,}] building the index from the store in {engine.processes} processes")
    report = engine.build()
    progress(f"[{size:,}] built in {report.seconds:.1f} s, RSS {rss_mib():,.0f} MiB; the snapshot")
    path = var / "search" / "index.snapshot"
    saved = engine.save(path)
    line(
        f"[{size:,}] index built from the store in {engine.processes} processes in "
        f"{report.seconds:.1f} s ({report.alerts / report.seconds:,.0f} alerts/s; load average "
        f"{load_average()[0]:.1f}); snapshot written in {saved.seconds:.1f} s, "
        f"{saved.size / 2**20:.1f} MiB ({saved.size / count:.0f} B/alert)"
    )
    people, values = queries.people.items, queries.values.items
    # the engine bound as a default, not by the closure: it is let go below
    person_s, _ = timed_calls([lambda q=q, e=engine: e.persons_matching(q, 10) for q in people], 20)
    checked = [check_query(IdentifierQuery(None, v)) for v in values]
    object_s, _ = timed_calls(
        [lambda q=q, e=engine: e.identifiers_matching(q) for q in checked], 20
    )
    person, found = latency_figures(person_s), latency_figures(object_s)
    line(
        f"[{size:,}] in process: person search p50 {person['p50_ms']:.2f} ms p99 "
        f"{person['p99_ms']:.2f} ms; object search p50 {found['p50_ms']:.3f} ms "
        f"p99 {found['p99_ms']:.3f} ms"
    )

    del engine  # its figures are taken: the start-ups below need the memory, not it
    progress(f"[{size:,}] start-up without the snapshot (one process builds from the store)")
    cold = _startup(var, "store", 1)[0]
    progress(f"[{size:,}] without the snapshot: {cold['seconds']:.1f} s; now with it")
    warm = _startup(var, "snapshot", 1)[0]
    progress(f"[{size:,}] with the snapshot: {warm['seconds']:.1f} s; now two side by side")
    two = _startup(var, "snapshot", 2)
    summed = sum(f["pss_now_kib"] for f in two)
    line(
        f"[{size:,}] start-up to the first answered search: {cold['seconds']:.1f} s without "
        f"the snapshot, {warm['seconds']:.1f} s with it (of which the interpreter and imports "
        f"{warm['seconds'] - warm['start_seconds']:.1f} s; loading and the feed "
        f"{warm['start_seconds']:.1f} s, against {cold['start_seconds']:.1f} s to build); "
        f"two processes side by side with it: {max(f['seconds'] for f in two):.1f} s"
    )
    line(
        f"[{size:,}] index memory: {warm['index_kib'] / 1024:.0f} MiB in one process; two "
        f"processes {summed / 1024:.0f} MiB PSS summed, one alone {warm['pss_kib'] / 1024:.0f}"
        f" MiB: {summed / warm['pss_kib']:.2f}x (each loads its own copy)"
    )
    progress(f"[{size:,}] the index process and two workers")
    shared = measure_shared(app, settings, _startup, warm, (people, checked))
    app.close()
    return shared | {
        "alerts": count,
        "load_rate": count / load_seconds,
        "disk_bytes": total,
        "build_seconds": report.seconds,
        "build_one_process_seconds": alone.seconds,
        "snapshot_seconds": saved.seconds,
        "snapshot_bytes": saved.size,
        "startup_store_seconds": cold["seconds"],
        "startup_snapshot_seconds": warm["seconds"],
        "load_snapshot_seconds": warm["start_seconds"],
        "index_kib": warm["index_kib"],
        "two_workers_pss_kib": summed,
        "in_process_person_p50_ms": person["p50_ms"],
        "person_p99_ms": person["p99_ms"],
        "object_p99_ms": found["p99_ms"],
    }


def extrapolate(rows: list[dict[str, Any]]) -> None:
    """A least-squares line per figure over the sizes, read at SIS's 93 M alerts."""
    sizes = np.array([r["alerts"] for r in rows], dtype=float)
    line(f"linear fit over {len(rows)} sizes, read at {SIS_ALERTS:,} alerts:")
    units = {
        "disk_bytes": ("disk", 2**30, "GiB"),
        "build_seconds": ("index build, N processes", 60, "min"),
        "build_one_process_seconds": ("index build, 1 process", 60, "min"),
        "snapshot_seconds": ("snapshot write", 60, "min"),
        "snapshot_bytes": ("snapshot size", 2**30, "GiB"),
        "startup_store_seconds": ("start-up without snapshot", 60, "min"),
        "startup_snapshot_seconds": ("start-up with snapshot", 60, "min"),
        "load_snapshot_seconds": ("snapshot load + feed", 60, "min"),
        "index_kib": ("index memory, one process", 2**20, "GiB"),
        "two_workers_pss_kib": ("PSS of two processes", 2**20, "GiB"),
        "shared_pss_kib": ("PSS, index process + 2 workers", 2**20, "GiB"),
        "shared_index_kib": ("index memory, shared", 2**20, "GiB"),
    }
    for key, (label, scale, unit) in units.items():
        slope, intercept = np.polyfit(sizes, [r[key] for r in rows], 1)
        line(f"  {label:30s} {(slope * SIS_ALERTS + intercept) / scale:10.1f} {unit}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50000,100000,200000")
    parser.add_argument("--persons-share", type=float, default=SIS_PERSONS_SHARE)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--folder", help="where the stores go (a temporary folder in it)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    line(
        f"bench-scale: sizes {sizes}, persons share {args.persons_share:.4%}, {os.cpu_count()} cpus"
    )
    with tempfile.TemporaryDirectory(prefix="limes-scale-", dir=args.folder) as tmp:
        free = os.statvfs(tmp)
        line(f"disk free where the stores go: {free.f_bavail * free.f_frsize / 2**30:.0f} GiB")
        rows = [measure(size, args.persons_share, args.seed, Path(tmp)) for size in sizes]
    if len(rows) >= 2:
        extrapolate(rows)


if __name__ == "__main__":
    main()

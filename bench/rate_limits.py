"""What one rate-limit ``admit`` costs (issue 13: one bucket a principal across workers).

    python -m bench.rate_limits [--admits 200000] [--principals 2000]

``UsageMonitor.admit`` runs on every request of every door. Each process admits
``--admits`` requests of ``--principals`` principals in turn (limits high enough that
none is refused; a refusal costs the same plus the exception), one process and then two
at once on one principal set. Three ways:

* ``local``: the buckets of one process (main's way before issue 13, and still the way
  of one worker and of the CLI);
* ``shared``: the table of ``limes serve --workers N`` (``service/rate_buckets.py``:
  a mapped file, ``flock``);
* ``sqlite``: the option not taken, for comparison: a bucket row per principal in a
  separate SQLite file (WAL, ``synchronous=OFF``, ``BEGIN IMMEDIATE``, one transaction
  an admit).
"""

from __future__ import annotations

import argparse
import multiprocessing
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from limes.config import Limits
from limes.domain.roles import Purpose, Role
from limes.policy.permissions import Context, Principal
from limes.service.abuse import UsageMonitor
from limes.service.rate_buckets import LocalBuckets, SharedBuckets, create_shared, spend

FORK = multiprocessing.get_context("fork")
LIMITS = Limits(rate_per_second=1e6, burst=1_000_000)
WAYS = ("local", "shared", "sqlite")


class SqliteBuckets:
    """A bucket row per principal in a SQLite file of its own: one write transaction an admit."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS bucket (who TEXT PRIMARY KEY, tokens REAL, refilled INT)"
        )

    def take(self, who: str, now: int, limits: Limits) -> int:
        self.db.execute("BEGIN IMMEDIATE")
        row = self.db.execute("SELECT tokens, refilled FROM bucket WHERE who = ?", (who,))
        found = row.fetchone() or (float(limits.burst), now)
        tokens, wait = spend(found[0], found[1], now, limits)
        self.db.execute("INSERT OR REPLACE INTO bucket VALUES (?, ?, ?)", (who, tokens, now))
        self.db.execute("COMMIT")
        return wait


def contexts(count: int) -> list[Context]:
    roles = frozenset({Role.BORDER_GUARD})
    return [
        Context(Principal(f"guard-{n}", "DE", "Border DE", roles), Purpose.BORDER_CHECK)
        for n in range(count)
    ]


def monitor(way: str, folder: Path, table: Path) -> UsageMonitor:
    buckets: Any = {
        "local": LocalBuckets,
        "shared": lambda: SharedBuckets(table),
        "sqlite": lambda: SqliteBuckets(folder / "buckets.db"),
    }[way]()
    return UsageMonitor(lambda: datetime.now(UTC), LIMITS, buckets)


def admitter(way: str, folder: Path, table: Path, args: Any, start: float, out: Any) -> None:
    """One process: ``args.admits`` admits from ``start`` on; sends µs per admit."""
    usage, ctxs = monitor(way, folder, table), contexts(args.principals)
    for ctx in ctxs:  # every bucket made, outside the measured time
        usage.admit(ctx)
    time.sleep(max(0.0, start - time.time()))
    began = time.perf_counter()
    for n in range(args.admits):
        usage.admit(ctxs[n % len(ctxs)])
    out.put((time.perf_counter() - began) / args.admits * 1e6)


def measure(way: str, processes: int, args: Any) -> list[float]:
    with tempfile.TemporaryDirectory(prefix="limes-bench-rate-") as folder:
        table = create_shared()
        try:
            out = FORK.Queue()
            start = time.time() + 0.5
            parts = (way, Path(folder), table.path, args, start, out)
            workers = [FORK.Process(target=admitter, args=parts) for _ in range(processes)]
            for worker in workers:
                worker.start()
            costs = [out.get(timeout=600) for _ in workers]
            for worker in workers:
                worker.join()
            return costs
        finally:
            table.remove()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--admits", type=int, default=200_000)
    parser.add_argument("--principals", type=int, default=2_000)
    args = parser.parse_args()
    print(f"rate-limit admit, {args.admits} admits a process, {args.principals} principals")
    print(f"{'way':8} {'processes':>9} {'µs per admit':>13} {'admits/s in all':>16}")
    for way in WAYS:
        admits = args.admits if way != "sqlite" else args.admits // 10
        for processes in (1, 2):
            costs = measure(way, processes, argparse.Namespace(**{**vars(args), "admits": admits}))
            mean = sum(costs) / len(costs)
            total = sum(1e6 / cost for cost in costs)
            print(f"{way:8} {processes:>9} {mean:>13.2f} {total:>16,.0f}")


if __name__ == "__main__":
    main()

"""What the read bounds cost an answer as the day's reads grow (issue 13).

    python -m bench.read_bounds [--answers 3000] [--ledger 0,20000,200000]

Every answer that opens alerts passes ``ReadGuard.opened`` (``service/reading.py``): one
write transaction of the store that checks the blocks, the daily quota and the distinct
alerts the principal and its authority opened in the last hour and day, and records the
new ones. For each ``--ledger`` size, the authority's ledger is first filled with that
many alerts opened over the last 24 hours (what the border guards of one authority open
on a busy day); then ``--answers`` answers of 2,000 principals of that authority, each
opening two alerts (one new, one it opened before), are timed one after the other.
Printed: microseconds of wall and CPU time an answer, at each ledger size.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from limes.config import ReadBounds
from limes.domain.roles import Purpose, Role
from limes.policy.permissions import Context, Principal
from limes.service.reading import ReadGuard, authority_scope
from limes.store.port import Store
from limes.store.sqlite import SqliteStore

PRINCIPALS = 2000
HIGH = ReadBounds(10**9, 10**9, 10**9, 10**9, 10**9)
START = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def ctx(n: int) -> Context:
    principal = Principal(f"guard-{n}", "DE", "BPOL", frozenset({Role.BORDER_GUARD}))
    return Context(principal, Purpose.BORDER_CHECK)


def fill(store: Store, rows: int) -> None:
    """The authority's ledger: ``rows`` alerts opened evenly over the last 24 hours."""
    scope = [authority_scope(ctx(0).principal)]
    step = timedelta(days=1) / max(rows, 1)
    with store.transaction() as tx:
        for start in range(0, rows, 1000):
            ids = [f"L{i:08d}" for i in range(start, min(rows, start + 1000))]
            at = START - timedelta(days=1) + step * (start + 1)
            tx.read_ledger.remember(scope, ids, at, at - timedelta(days=1))


def run(store: Store, answers: int) -> tuple[float, float]:
    now = [START]

    def clock() -> datetime:
        return now[0]

    reads = ReadGuard(store, clock, HIGH)
    for n in range(PRINCIPALS):  # each has opened one alert before
        reads.opened(ctx(n), [f"P{n:08d}"])
    began, cpu = time.perf_counter(), time.process_time()
    for n in range(answers):
        now[0] += timedelta(milliseconds=1)
        who = n % PRINCIPALS
        reads.opened(ctx(who), [f"P{who:08d}", f"N{n:08d}"])
    return (
        (time.perf_counter() - began) / answers * 1e6,
        (time.process_time() - cpu) / answers * 1e6,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=3000)
    parser.add_argument("--ledger", default="0,20000,200000")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}; {args.answers} answers, SQLite store")
    print(f"{'ledger rows':>12}  {'µs/answer':>10}  {'CPU µs':>8}")
    for rows in (int(r) for r in args.ledger.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            store = SqliteStore(Path(folder) / "limes.db")
            store.migrate()
            try:
                fill(store, rows)
                wall, cpu = run(store, args.answers)
            finally:
                store.close()
        print(f"{rows:>12}  {wall:>10.0f}  {cpu:>8.0f}")


if __name__ == "__main__":
    main()

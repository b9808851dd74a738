"""Durable audit appends a second, and their latency, with 1, 2 and 4 appending processes.

    python -m bench.audit.appends [--processes 1,2,4] [--threads 8] [--seconds 3]
        [--database-url postgresql://…]

Each process appends one record at a time from ``--threads`` threads (as a server's
worker does, one record per search) to one log, for ``--seconds``. Two ways:

* ``direct``: each process appends to the store itself (main's path before issue 13:
  group commit within a process only; processes queue on the store's lock);
* ``writer``: through one audit writer process (``limes.audit.writer``), as
  ``limes serve --workers N`` does: one commit for the records of every process.

An append counts once ``AuditLog.append`` returned, i.e. once the record is durable.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from limes.audit.heads import ensure_audit_key
from limes.audit.log import AuditLog
from limes.audit.record import Actor, AlertRef, Entry, Outcome
from limes.audit.relay import WriterRelay
from limes.audit.sqlite import SqliteAuditStore
from limes.audit.store import AuditStore
from limes.audit.writer import WriterProcess
from limes.config import Settings

SPAWN = multiprocessing.get_context("spawn")
Window = tuple[float, float]  # wall-clock start and end of the measured time
RECORD = Entry(
    action="search:persons",
    outcome=Outcome.ALLOWED,
    actor=Actor("officer-1", "Border DE", "DE", ("border_guard",), "session-1"),
    purpose="border",
    alerts=(AlertRef("A0000000000000000000000001", 1, "DE"),),
    query={"surnames": ["k:5f1c…"], "date_of_birth": "k:a93e…"},
    refs={"hits": 1},
    rules=("border-persons",),
    categories=("arrest",),
)


def appender(store: AuditStore, relay: str | None, threads: int, window: Window, out: Any) -> None:
    """One process: append during ``window``; send the latencies to ``out``."""
    log = AuditLog(store, relay=WriterRelay(relay) if relay else None)
    log.append([RECORD])  # connect and warm up outside the measured time
    latencies: list[float] = []
    start, until = window
    time.sleep(max(0.0, start - time.time()))  # every process starts at once

    def run() -> None:
        while time.time() < until:
            started = time.perf_counter()
            log.append([RECORD])
            latencies.append(time.perf_counter() - started)  # list.append is atomic

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    log.close()
    out.put(latencies)


def audit_store(folder: Path, database_url: str | None) -> AuditStore:
    if database_url is None:
        return SqliteAuditStore(folder / "audit.db")
    from limes.audit.postgres import PostgresAuditStore

    return PostgresAuditStore(database_url, f"bench_{uuid.uuid4().hex[:12]}_audit")


def drop_schema(database_url: str, schema: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


def measure(way: str, processes: int, args: argparse.Namespace, folder: Path) -> str:
    store = audit_store(folder, args.database_url)
    store.migrate()
    writer = None
    if way == "writer":
        key = folder / "keys" / "audit-signing-key.pem"
        ensure_audit_key(key)
        writer = WriterProcess(store, Settings(var_dir=folder / "var", audit_signing_key=key))
        writer.start()
    relay = str(writer.socket_path) if writer else None
    out = SPAWN.Queue()
    start = time.time() + 1.0 + processes  # time enough for every process to start
    window = (start, start + args.seconds)
    pool = [
        SPAWN.Process(target=appender, args=(store, relay, args.threads, window, out))
        for _ in range(processes)
    ]
    for process in pool:
        process.start()
    latencies = [x for _ in pool for x in out.get()]
    for process in pool:
        process.join()
    if writer is not None:
        writer.stop()
    store.close()
    if args.database_url is not None:
        drop_schema(args.database_url, getattr(store, "schema", ""))
    return report(way, processes, args, latencies)


def report(way: str, processes: int, args: argparse.Namespace, latencies: list[float]) -> str:
    ms = sorted(x * 1000 for x in latencies)
    p50 = statistics.median(ms)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    rate = len(ms) / args.seconds
    return (
        f"{way:<7} {processes} × {args.threads} threads: {rate:8.0f} appends/s   "
        f"p50 {p50:6.2f} ms   p99 {p99:7.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", default="1,2,4")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--ways", default="direct,writer")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    where = "PostgreSQL" if args.database_url else "SQLite (WAL, synchronous=FULL)"
    print(f"audit appends, durable, on {where}; {args.seconds:g} s each")
    for way in args.ways.split(","):
        for processes in (int(p) for p in args.processes.split(",")):
            with tempfile.TemporaryDirectory(prefix="limes-bench-audit-") as folder:
                print(measure(way, processes, args, Path(folder)), flush=True)


if __name__ == "__main__":
    main()

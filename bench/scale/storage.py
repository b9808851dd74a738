"""Bytes on disk per alert and the bulk load rate, SQLite and PostgreSQL (issue 15, aims 1, 5).

    python -m bench.scale.storage [--size 50000] [--persons-share 0.01824] [--postgres URL]
                                  [--workers N]

Loads ``size`` demo alerts through the bulk path (``AlertService.bulk_issue``: validation,
blind-index tokens, sealing, change events, the audit of each batch) into a fresh
installation, then prints the load rate, the CPU seconds per 1,000 alerts (this process
and its workers: less sensitive to a shared machine than the rate; on PostgreSQL, beside
it, the CPU seconds of the server's processes on this machine, which the load costs
too), and the bytes on disk per alert by table and index, and per object and person
alert (the sealed body's size by subject, since the rest of a row is the same for both).
With ``--postgres``, the same into a fresh database on that server
(``pg_total_relation_size`` per table, and ``pg_relation_size`` per index). The load
average is printed beside each figure.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql as pgsql

from bench.ingest import ctx_for
from bench.scale.__main__ import SIS_PERSONS_SHARE, _settings
from bench.search.measure import line, load_average
from limes.bootstrap import build
from limes.config import Settings
from limes.demo.generator import generate
from limes.domain.alerts import AlertContent
from limes.store.event_codes import subject_of


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def server_cpu(proc: Path = Path("/proc")) -> dict[int, float]:
    """CPU seconds used so far by each PostgreSQL process of this machine, by pid (every
    database's: another user of the server counts too); none where ``/proc`` lacks them."""
    found: dict[int, float] = {}
    for stat in proc.glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # ended meanwhile
        name, fields = text[text.find("(") + 1 : text.rfind(")")], text[text.rfind(")") + 2 :]
        if name.startswith("postgres"):
            utime, stime = fields.split()[11:13]
            found[int(stat.parent.name)] = (int(utime) + int(stime)) / os.sysconf("SC_CLK_TCK")
    return found


def server_cpu_since(before: dict[int, float], proc: Path = Path("/proc")) -> float:
    """The PostgreSQL processes' CPU seconds since ``before`` (``server_cpu``): those
    still running, and those started since; one that ended meanwhile is not counted,
    so the figure is a lower bound."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in server_cpu(proc).items())


def _load(
    settings: Settings, by_state: dict[str, list[AlertContent]], workers: int
) -> tuple[int, float, float, float]:
    """(alerts, seconds, CPU seconds of this process and its workers, of PostgreSQL's)."""
    app = build(settings)
    app.store.migrate()
    total, cpu, server = 0, _cpu_seconds(), server_cpu()
    started = time.perf_counter()
    for state, contents in by_state.items():
        *_, loaded = app.alerts.bulk_issue(ctx_for(state), contents, workers=workers)
        total += loaded
    seconds = time.perf_counter() - started
    app.close()  # the workers end here: their CPU counts once they are waited for
    return total, seconds, _cpu_seconds() - cpu, server_cpu_since(server)


def _sqlite_disk(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC")
        return {str(name): int(size) for name, size in rows}


def _body_bytes(conn: Any) -> dict[str, tuple[int, int]]:
    """(alerts, sealed body bytes) by subject."""
    rows = conn.execute("SELECT subject, count(*), sum(length(body)) FROM alerts GROUP BY 1")
    # the subject by number since migration 0028 (store/event_codes.py)
    return {
        subject_of(s) if isinstance(s, int) else str(s): (int(n), int(b or 0)) for s, n, b in rows
    }


def _postgres_disk(conn: psycopg.Connection[Any]) -> dict[str, int]:
    rows = conn.execute(
        "SELECT c.relname, CASE WHEN c.relkind = 'i' THEN pg_relation_size(c.oid) "
        "ELSE pg_table_size(c.oid) END FROM pg_class c JOIN pg_namespace n ON n.oid = "
        "c.relnamespace WHERE n.nspname = 'limes' AND c.relkind IN ('r', 'i') ORDER BY 2 DESC"
    ).fetchall()
    return {str(name): int(size) for name, size in rows}


def _report(
    label: str, loaded: tuple[int, float, float, float], disk: dict[str, int], bodies: Any
) -> None:
    count, seconds, cpu, server = loaded
    total = sum(disk.values())
    beside = ""
    if server:
        beside = f" (+ at least {server / count * 1000:.3f} in PostgreSQL's processes)"
    line(
        f"[{label}] loaded {count:,} alerts in {seconds:.1f} s = {count / seconds:,.0f} "
        f"alerts/s, {cpu / count * 1000:.3f} CPU-s per 1,000 alerts{beside}; "
        f"load average {load_average()[0]:.1f}"
    )
    line(f"[{label}] disk: {total / count:,.0f} bytes per alert in all, indexes included")
    for name, size in list(disk.items())[:12]:
        line(f"[{label}]   {name:40s} {size / count:8.1f} B/alert")
    rest = (total - sum(b for _, b in bodies.values())) / count
    for subject, (n, body) in sorted(bodies.items()):
        line(
            f"[{label}]   {subject} alerts: sealed body {body / n:.0f} B, "
            f"about {rest + body / n:,.0f} B per alert on disk"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=50_000)
    parser.add_argument("--persons-share", type=float, default=SIS_PERSONS_SHARE)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", help="a server URL: also load into a fresh database")
    parser.add_argument("--workers", type=int, default=1, help="bulk_issue's worker processes")
    args = parser.parse_args(argv)
    persons = max(1, round(args.size * args.persons_share))
    by_state: dict[str, list[AlertContent]] = defaultdict(list)
    for state, content in generate(persons, args.size - persons, args.seed):
        by_state[state].append(content)
    line(
        f"bench-scale storage: {args.size:,} alerts ({persons:,} on persons), {os.cpu_count()} cpus"
    )
    with tempfile.TemporaryDirectory(prefix="limes-storage-") as tmp:
        settings = _settings(Path(tmp) / "var")
        loaded = _load(settings, by_state, args.workers)
        with sqlite3.connect(settings.var_dir / "limes.db") as conn:
            bodies = _body_bytes(conn)
        loaded = (*loaded[:3], 0.0)  # SQLite runs in this process
        _report("sqlite", loaded, _sqlite_disk(settings.var_dir / "limes.db"), bodies)
        if args.postgres:
            name = f"limes_storage_{uuid.uuid4().hex[:12]}"
            with psycopg.connect(args.postgres, autocommit=True) as admin:
                admin.execute(pgsql.SQL("CREATE DATABASE {}").format(pgsql.Identifier(name)))
            url = args.postgres.rsplit("/", 1)[0] + "/" + name
            try:
                pg = Settings(var_dir=Path(tmp) / "var-pg", database_url=url)
                _settings(pg.var_dir)
                loaded = _load(pg, by_state, args.workers)
                with psycopg.connect(url) as conn:
                    conn.execute("SET search_path = limes")
                    _report("postgres", loaded, _postgres_disk(conn), _body_bytes(conn))
            finally:
                with psycopg.connect(args.postgres, autocommit=True) as admin:
                    admin.execute(
                        pgsql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                            pgsql.Identifier(name)
                        )
                    )


if __name__ == "__main__":
    main()

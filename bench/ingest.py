"""Ingest throughput: alerts per second loaded through the service layer.

    python -m bench.ingest [--alerts 1000000] [--persons-share 0.01824] [--workers 2]
                           [--stores sqlite,postgres] [--single 5000]

Generates the demo data first (not timed; persons 1.824 % of the alerts, as in SIS at the
end of 2024), then loads it with the bulk path (``AlertService.bulk_issue``: validation,
blind-index tokens, sealing, one transaction per batch with its change events and its
audit), over ``--workers`` processes that validate, seal and make the rows while this
one writes them (issue 15, aim 5), into a fresh SQLite file and a fresh PostgreSQL
schema, and, for comparison, a smaller number through the one-at-a-time path
(``AlertService.issue``: one durable transaction per alert, with the compatibility
check). Prints one line per figure: alerts/s, the CPU microseconds an alert costs in all
(this process and its workers: less sensitive to a shared machine than the rate) and in
the writing process alone (what one writer can keep up with), and the load average.
The cost of each stage of the bulk path is printed by ``python -m bench.ingest_stages``.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from limes.audit.heads import ensure_audit_key
from limes.bootstrap import build
from limes.config import Settings
from limes.crypto.keyring import Keyring
from limes.demo.generator import generate
from limes.domain.alerts import AlertContent
from limes.domain.roles import Purpose, Role
from limes.policy.permissions import Context, Principal
from limes.policy.standins import unsafe_stand_in_clearance
from limes.store.port import Store
from limes.store.sqlite import SqliteStore

KEYRING = Keyring.generate()  # fresh keys in memory: the figures include encryption at rest
SIS_PERSONS_SHARE = 1.7e6 / 93_195_404  # persons among SIS's alerts at the end of 2024
PG_URL = os.environ.get("LIMES_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def ctx_for(state: str) -> Context:
    return Context(
        Principal(
            f"bench-{state}",
            state,
            "SIRENE",
            frozenset({Role.SIRENE_OPERATOR}),
            purposes=frozenset({Purpose.SIRENE}),
            clearance=unsafe_stand_in_clearance("the ingest benchmark"),
        ),
        Purpose.SIRENE,
    )


def bench_settings(folder: Path) -> Settings:
    """Settings whose var folder is in the benchmark's temporary one, with the audit key
    (made beside that var folder, so inside ``folder`` too)."""
    settings = Settings(var_dir=folder / "var")
    ensure_audit_key(settings.audit_key_path)
    return settings


def cpu_seconds(who: int) -> float:
    """User and system CPU seconds of ``resource.RUSAGE_SELF`` or ``RUSAGE_CHILDREN``
    (the bulk path's workers, counted once they have been waited for)."""
    used = resource.getrusage(who)
    return used.ru_utime + used.ru_stime


def load(
    store: Store, by_state: dict[str, list[AlertContent]], settings: Settings, workers: int = 1
) -> tuple[int, float, float, float]:
    """(alerts, seconds, CPU seconds in all, CPU seconds of this process: the writer)."""
    app = build(settings, store=store, keyring=KEYRING)
    own, children = cpu_seconds(resource.RUSAGE_SELF), cpu_seconds(resource.RUSAGE_CHILDREN)
    total, start = 0, time.perf_counter()
    for state, contents in by_state.items():
        *_, loaded = app.alerts.bulk_issue(ctx_for(state), contents, workers=workers)
        total += loaded
    seconds = time.perf_counter() - start
    own = cpu_seconds(resource.RUSAGE_SELF) - own
    return total, seconds, own + cpu_seconds(resource.RUSAGE_CHILDREN) - children, own


def load_one_by_one(
    store: Store, by_state: dict[str, list[AlertContent]], n: int, settings: Settings
) -> tuple[int, float]:
    app = build(settings, store=store, keyring=KEYRING)
    done, start = 0, time.perf_counter()
    for state, contents in by_state.items():
        ctx = ctx_for(state)
        for content in contents:
            app.alerts.issue(ctx, content)
            done += 1
            if done >= n:
                return done, time.perf_counter() - start
    return done, time.perf_counter() - start


def sqlite_store(folder: Path) -> Store:
    store = SqliteStore(folder / f"bench-{uuid.uuid4().hex}.db")
    store.migrate()
    return store


def postgres_store(_: Path) -> Store:
    from limes.store.postgres import PostgresStore

    store = PostgresStore(PG_URL, schema=f"bench_{uuid.uuid4().hex[:12]}")
    store.migrate()
    return store


def drop_postgres(store: Store) -> None:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{store.schema}" CASCADE')  # type: ignore[attr-defined]
        # the audit log's schema beside it (audit/wiring.py)
        conn.execute(f'DROP SCHEMA IF EXISTS "{store.schema}_audit" CASCADE')  # type: ignore[attr-defined]


STORES: dict[str, Callable[[Path], Store]] = {"sqlite": sqlite_store, "postgres": postgres_store}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=1_000_000)
    parser.add_argument("--persons-share", type=float, default=SIS_PERSONS_SHARE)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--single", type=int, default=5_000, help="alerts for the one-by-one path")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    persons = int(args.alerts * args.persons_share)
    start = time.perf_counter()
    by_state: dict[str, list[AlertContent]] = defaultdict(list)
    for state, content in generate(persons, args.alerts - persons, args.seed):
        by_state[state].append(content)
    print(
        f"generated {args.alerts:,} demo alerts ({persons:,} on persons) "
        f"in {time.perf_counter() - start:.1f} s (not part of the figures)"
    )

    with tempfile.TemporaryDirectory(prefix="limes-bench-") as tmp:
        for name in args.stores.split(","):
            store = STORES[name](Path(tmp))
            try:
                settings = bench_settings(Path(tmp))
                count, seconds, cpu, own = load(store, by_state, settings, args.workers)
                print(
                    f"bulk     {name:8s} {count:>10,} alerts in {seconds:7.1f} s = "
                    f"{count / seconds:>9,.0f} alerts/s, {cpu / count * 1e6:.1f} us CPU an "
                    f"alert ({own / count * 1e6:.1f} in the writer), {args.workers} worker(s); "
                    f"load average {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
            finally:
                if name == "postgres":
                    drop_postgres(store)
                store.close()
            store = STORES[name](Path(tmp))
            try:
                count, seconds = load_one_by_one(
                    store, by_state, args.single, bench_settings(Path(tmp))
                )
                print(
                    f"one-by-one {name:6s} {count:>10,} alerts in {seconds:7.1f} s = "
                    f"{count / seconds:>9,.0f} alerts/s (durable commit per alert)"
                )
            finally:
                if name == "postgres":
                    drop_postgres(store)
                store.close()


if __name__ == "__main__":
    main()

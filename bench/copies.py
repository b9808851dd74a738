"""National copies (issue 17): replication lag, catch-up, initial copy, search at a copy.

    python -m bench.copies [--rates 500,2000] [--seconds 10] [--catch-up 20000]
                           [--writer store|service]

A centre (SQLite, encryption at rest, audit) takes alert writes at a steady rate, in
ticks of 50 ms, each a transaction with its change events. ``--writer store`` (the
default) seals every alert before the timed window (validation, encryption, blind-index
tokens: the use case's work) and writes them through the store's bulk path
(``Store.bulk_insert``, the path ``bulk_issue`` ends in) at the rate asked: the feed
events are real, what is left out is the centre's per-alert CPU, which on this machine
(2 shared cores) caps the use case at a few hundred alerts a second and would measure
the writer rather than replication. ``--writer service`` goes through ``bulk_issue``
(policy, validation, sealing and audit inside the window). Either way a
publisher thread carries the feed with sealed rows to JetStream (a nats-server of the
benchmark's own in a temporary folder: the pinned 2.15 of the dev lock with the shipped
``deploy/nats/jetstream.conf``, every message synced before its acknowledgement, as
``tests/feed/own_nats.py`` starts it); a copy in **another
process** follows its durable consumer and applies each batch to its own SQLite store.
Lag is measured per event at the copy: the time it was applied there minus the time
the centre committed it (one clock, one machine).

Then: the **catch-up rate** of a copy that was away (a fresh copy reading the whole
stream from NATS, and one paging ``GET /v1/feed`` through the HTTP door in-process);
the **initial copy time per million** alerts, extrapolated linearly from the measured
catch-up from feed 0 (said so in the line); and **search latency at the copy** (person
searches through the service, policy and audit included). Prints one line per figure,
then a table of the figures with their aims, met or NOT met.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.feed.own_nats import OwnNats

from bench.ingest import KEYRING, bench_settings, ctx_for
from limes.bootstrap import Limes, build
from limes.config import AuthMode, Environment
from limes.demo.generator import generate
from limes.domain.events import EventType
from limes.domain.roles import Purpose, Role
from limes.feed.items import FeedItem
from limes.feed.replication import NatsFollower
from limes.policy.permissions import Context, Principal
from limes.policy.standins import unsafe_stand_in_clearance
from limes.search.query import PersonQuery
from limes.service.alert_views import event
from limes.service.replication import CopyFilter
from limes.store.port import AlertRecord
from limes.store.sqlite import SqliteStore

TICK = 0.05


def make_copy(path: Path, folder: Path) -> Limes:
    store = SqliteStore(path)
    store.migrate()
    copy = build(bench_settings(folder), store=store, keyring=KEYRING)
    copy.copies.begin("https://centre.bench", CopyFilter())
    return copy


def follower_process(url: str, path: str, folder: str, expected: Any, out: Any, ready: Any) -> None:
    """The copy: follow NATS until the ``expected`` events (set by the writer when it is
    done) are applied; send the lags."""
    copy = make_copy(Path(path), Path(folder))
    lags: list[float] = []

    def handle(items: list[FeedItem]) -> None:
        copy.copies.receive(items)
        now = datetime.now(UTC)
        lags.extend((now - i.event.at).total_seconds() for i in items if i.event is not None)

    deadline = time.monotonic() + 600
    follower = NatsFollower(url, f"lag-{Path(path).stem}", batch=1000, wait=0.05)

    def done() -> bool:
        return (0 < expected.value <= copy.copies.position()) or time.monotonic() > deadline

    while not done():  # until the publisher has made the stream, as limes copy follow does
        if not follower.run(handle, ready.set, done).reachable:
            time.sleep(0.2)
    out.send(lags)
    copy.close()


def publisher_process(path: str, folder: Path, url: str, stop: Any, ready: Any) -> None:
    """``limes feed publish --follow``, as its own process beside the centre's writer."""
    store = SqliteStore(Path(path))
    publisher = build(bench_settings(folder), store=store, keyring=KEYRING).feed_publisher(url)
    publisher.run()  # makes the stream
    ready.set()
    while not stop.is_set():
        if not publisher.run().published:
            time.sleep(0.005)
    publisher.run()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def sealed(centre: Limes, contents: list[Any]) -> list[AlertRecord]:
    """The alerts as ``bulk_issue`` seals them (validated, encrypted, tokens), not stored."""
    # the use case's own sealing, timed apart from the writes
    return centre.alerts.record_maker("DE").make_all(contents, datetime.now(UTC))


def writes_at(
    centre: Limes, rate: int, seconds: float, contents: list[Any], records: list[AlertRecord]
) -> int:
    """Write alerts at ``rate``/s for ``seconds`` (ticks of ``TICK``): through the store's
    bulk path when ``records`` (sealed before), else ``bulk_issue``; how many were written."""
    per_tick = max(1, round(rate * TICK))
    ctx = ctx_for("DE")
    done, start = 0, time.monotonic()
    tick = 0
    supply = len(records) if records else len(contents)
    while time.monotonic() - start < seconds and done + per_tick <= supply:
        if records:
            chunk = records[done : done + per_tick]
            now = datetime.now(UTC)  # the commit's time: lag is measured from it
            centre.store.bulk_insert(chunk, [event(EventType.ALERT_ISSUED, r, now) for r in chunk])
        else:
            for _ in centre.alerts.bulk_issue(ctx, contents[done : done + per_tick]):
                pass
        done += per_tick
        tick += 1
        pause = start + tick * TICK - time.monotonic()
        if pause > 0:
            time.sleep(pause)
    return done


def lag_run(
    folder: Path, url: str, rate: int, seconds: float, contents: list[Any], writer: str
) -> dict[str, float]:
    store = SqliteStore(folder / f"centre-{rate}.db")
    store.migrate()
    centre = build(bench_settings(folder), store=store, keyring=KEYRING)
    records = sealed(centre, contents[: int(rate * seconds) + 100]) if writer == "store" else []
    spawn = mp.get_context("spawn")
    expected = spawn.Value("q", 0)
    here, there = spawn.Pipe()
    copy_path = folder / f"copy-{rate}.db"
    copy_ready, publisher_ready = spawn.Event(), spawn.Event()
    child = spawn.Process(
        target=follower_process,
        args=(url, str(copy_path), str(folder), expected, there, copy_ready),
    )
    child.start()
    stop = spawn.Event()
    publishing = spawn.Process(
        target=publisher_process, args=(str(store.path), folder, url, stop, publisher_ready)
    )
    publishing.start()
    # the stream made and the copy's consumer idle at it: start-up is not lag
    publisher_ready.wait(120)
    copy_ready.wait(120)
    started = time.monotonic()
    issued = writes_at(centre, rate, seconds, contents, records)
    achieved = issued / (time.monotonic() - started)
    expected.value = issued
    lags = here.recv()
    stop.set()
    publishing.join()
    child.join()
    print(
        f"lag      at {rate:>5}/s asked ({achieved:,.0f}/s achieved, {issued:,} alerts): "
        f"p50 {pct(lags, 0.5) * 1000:7.1f} ms  p99 {pct(lags, 0.99) * 1000:7.1f} ms  "
        f"max {max(lags) * 1000:7.1f} ms  ({len(lags):,} events at the copy; "
        f"writer: {writer})"
    )
    centre.close()
    return {"achieved": achieved, "p50": pct(lags, 0.5), "p99": pct(lags, 0.99)}


def catch_up_runs(folder: Path, url: str, contents: list[Any]) -> dict[str, float]:
    """A centre of ``len(contents)`` alerts; copies catching up from NATS and from HTTP."""
    from fastapi.testclient import TestClient

    from limes.api.app import create_app

    store = SqliteStore(folder / "centre-catch-up.db")
    store.migrate()
    settings = replace(
        bench_settings(folder),
        environment=Environment.DEVELOPMENT,
        auth=AuthMode.UNSAFE_DEV_HEADERS,
    )
    centre = build(settings, store=store, keyring=KEYRING)
    for _ in centre.alerts.bulk_issue(ctx_for("DE"), contents, batch=5000):
        pass
    n = store.last_event()
    started = time.monotonic()
    publisher, retries = centre.feed_publisher(url), 0
    # a run stops at a batch NATS did not acknowledge in time; the next one resumes there
    while (run := publisher.run()).position < n:
        retries += 1
        if retries > 20:
            raise RuntimeError(f"NATS took the feed only up to {run.position:,} of {n:,}")
        time.sleep(1)
    print(
        f"publish  {n:>10,} events to JetStream in {time.monotonic() - started:6.1f} s "
        f"({retries} batches timed out and were published again)"
    )

    copy = make_copy(folder / "copy-nats.db", folder)
    started = time.monotonic()
    NatsFollower(url, "catch-up", batch=1000, wait=0.2).run(
        lambda items: copy.copies.receive(items) and None,
        lambda: None,
        lambda: copy.copies.position() >= n,
    )
    seconds = time.monotonic() - started
    figures = {"events": float(n), "nats": n / seconds}
    print(
        f"catch-up from NATS   {n:>10,} events in {seconds:6.1f} s = {n / seconds:>8,.0f} events/s"
        f" (1 h at 500 writes/s = 1.8 M events: {1_800_000 / (n / seconds) / 60:5.1f} min)"
    )

    operator = Context(
        Principal(
            "bench-ops", "DE", "OPS", frozenset({Role.SYSTEM_OPERATOR}),
            purposes=frozenset({Purpose.OPERATIONS}),
        ),
        Purpose.OPERATIONS,
    )  # fmt: skip
    centre.replication.bind(operator, "copy", CopyFilter())  # limes feed bind copy
    client = TestClient(create_app(centre))
    headers = {
        "X-Limes-Unsafe-Principal": "copy@NCOPY/FR;roles=system_client",
        "X-Limes-Purpose": "operations",
    }
    from limes.feed.centre import HttpCentre

    def get(path: str, extra: dict[str, str]) -> tuple[int, bytes]:
        answer = client.get(path, headers={**extra, **headers})
        return answer.status_code, answer.content

    http_copy = make_copy(folder / "copy-http.db", folder)
    started = time.monotonic()
    http_copy.copies.catch_up(HttpCentre(get), limit=1000)
    seconds = time.monotonic() - started
    figures["http"] = n / seconds
    figures["initial_min_per_million"] = seconds / n * 1e6 / 60
    print(
        f"catch-up from HTTP   {n:>10,} events in {seconds:6.1f} s = {n / seconds:>8,.0f} events/s"
    )
    print(
        f"initial copy from feed 0: {seconds / n * 1e6 / 60:6.1f} min per million alerts over "
        f"HTTP; extrapolated linearly from {n:,} alerts (not measured at 1 M)"
    )
    custodian = Context(
        Principal(
            "bench-kc",
            "DE",
            "BKA",
            frozenset({Role.KEY_CUSTODIAN}),
            purposes=frozenset({Purpose.OPERATIONS}),
        ),
        Purpose.OPERATIONS,
    )
    private, public = http_copy.keys.new_recipient_key()
    package = centre.keys.package_for_copy(custodian, public, {"DE"})
    http_copy.keys.receive_package(custodian, package, private)
    figures.update(search_at(http_copy))
    centre.close()
    return figures


def search_at(copy: Limes) -> dict[str, float]:
    copy.search.start(follow=False)
    ctx = Context(
        Principal(
            "bench-guard",
            "FR",
            "BPOL",
            frozenset({Role.BORDER_GUARD}),
            purposes=frozenset({Purpose.BORDER_CHECK}),
            clearance=unsafe_stand_in_clearance("the copies benchmark"),
        ),
        Purpose.BORDER_CHECK,
    )
    names = ["Ivanova", "Novak", "Schmidt", "Garcia", "Rossi", "Dubois", "Kowalski", "Nagy"]
    times = []
    for i in range(400):
        started = time.perf_counter()
        copy.search.persons(ctx, PersonQuery(surnames=(names[i % len(names)],)))
        times.append(time.perf_counter() - started)
    print(
        f"search at the copy   {len(times)} person searches: p50 "
        f"{statistics.median(times) * 1000:6.2f} ms  p99 {pct(times, 0.99) * 1000:6.2f} ms "
        f"(policy, minimisation and the copy's audit included; as_of age "
        f"{copy.copies.as_of().age_seconds:.1f} s)"
    )
    return {"search_p50": statistics.median(times), "search_p99": pct(times, 0.99)}


def table(lags: dict[int, dict[str, float]], caught: dict[str, float]) -> None:
    """The figures with their aims (lag: the issue's; the others: ours, said here)."""
    rows: list[tuple[str, str, str, bool]] = []
    for rate, f in lags.items():
        rows.append(
            (
                f"lag at {rate:,} writes/s ({f['achieved']:,.0f}/s achieved)",
                f"p50 {f['p50'] * 1000:,.0f} ms, p99 {f['p99'] * 1000:,.0f} ms",
                "p99 <= 1 s at the rate asked",
                f["p99"] <= 1.0 and f["achieved"] >= 0.95 * rate,
            )
        )
    if caught:
        n = int(caught["events"])
        for source in ("nats", "http"):
            rows.append(
                (
                    f"catch-up from {source.upper()} after {n:,} alerts",
                    f"{caught[source]:,.0f} events/s",
                    ">= 2,000 events/s (faster than the peak write rate)",
                    caught[source] >= 2000,
                )
            )
        rows.append(
            (
                "initial copy per million alerts (HTTP, linear from the above)",
                f"{caught['initial_min_per_million']:,.1f} min",
                "<= 60 min",
                caught["initial_min_per_million"] <= 60,
            )
        )
        rows.append(
            (
                "person search at the copy",
                f"p50 {caught['search_p50'] * 1000:,.1f} ms, "
                f"p99 {caught['search_p99'] * 1000:,.1f} ms",
                "p99 <= 100 ms",
                caught["search_p99"] <= 0.1,
            )
        )
    width = max(len(r[0]) for r in rows)
    print(f"\n{'figure':<{width}}  {'measured':<32}  {'aim':<52}  met")
    for name, value, aim, met in rows:
        print(f"{name:<{width}}  {value:<32}  {aim:<52}  {'met' if met else 'NOT met'}")
    print(f"(load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="500,2000")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--catch-up", type=int, default=20_000)
    parser.add_argument("--writer", choices=("store", "service"), default="store")
    args = parser.parse_args()
    rates = [int(r) for r in args.rates.split(",")]
    most = max(int(r * args.seconds) for r in rates) + 100
    most = max(most, args.catch_up)
    contents = [c for _, c in generate(most // 10, most - most // 10, 7)]
    lags: dict[int, dict[str, float]] = {}
    caught: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="limes-bench-copies-") as tmp:
        folder = Path(tmp)
        for name, run in [
            *(
                (
                    f"lag-{rate}",
                    lambda url, r=rate: lags.__setitem__(
                        r, lag_run(folder, url, r, args.seconds, contents, args.writer)
                    ),
                )
                for rate in rates
            ),
            (
                "catch-up",
                lambda url: caught.update(catch_up_runs(folder, url, contents[: args.catch_up])),
            ),
        ]:
            if name == "catch-up" and args.catch_up <= 0:
                continue
            # a stream of its own for each run, on the pinned nats-server with the shipped
            # deploy/nats/jetstream.conf (every message synced before its acknowledgement)
            nats = OwnNats(folder / name)
            nats.start()
            try:
                run(nats.url)
            finally:
                nats.stop()
    table(lags, caught)


if __name__ == "__main__":
    main()

"""Where a request's CPU time goes: a per-stage breakdown of one in-process application.

    python -m bench.search.profile [--alerts 20000] [--requests 2000] [--concurrency 8]
        [--endpoints persons,alert,health] [--var build/bench-profile/var-20000]

One application (``create_app`` over a var folder loaded by ``limes demo``, the
development header authentication, the rate limits and read bounds raised) is driven
through its ASGI interface by a loop of requests, with no sockets and no server. The
entry points of each stage are wrapped with timers of the calling thread's CPU time
(``time.thread_time_ns``), nested stages counted once (a stage's own time excludes the
stages it calls). The process's CPU time over the loop, divided by the requests, is the
total; what no stage accounts for is the framework's: routing, dependency resolution,
thread-pool hops, middleware, Response objects. The timers themselves cost about a
microsecond per wrapped call, which lands in the stages.

The var folder is kept between runs (``limes demo`` takes a while) and each run works on
a fresh copy of it, so that runs before and after a change start from the same data; sockets, the
server and the socket writes are not measured here (``python -m bench.search --parts
http`` measures them).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import json
import os
import pstats
import shutil
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.search.measure import line, load_average
from bench.search.store import prepare

ENDPOINTS = ("persons", "objects", "mrz", "alert", "health")
PRINCIPALS = 2000
FRAMEWORK = "framework, middleware, thread-pool hops"
SETTINGS = {
    "LIMES_ENV": "development",
    "LIMES_AUTH": "unsafe-dev-headers",
    "LIMES_RATE_PER_SECOND": "100000",
    "LIMES_RATE_BURST": "100000",
    "LIMES_DAILY_READ_QUOTA": "100000000",
    "LIMES_READS_PER_HOUR": "100000000",
    "LIMES_READS_PER_DAY": "100000000",
    "LIMES_AUTHORITY_READS_PER_HOUR": "100000000",
    "LIMES_AUTHORITY_READS_PER_DAY": "100000000",
}


class Stages:
    """CPU and wall nanoseconds per stage, own time only (nested stages subtracted).

    Wall time beside CPU time shows waiting: on the disk (fsync) or for the GIL and a
    lock, when ``--concurrency`` runs several requests at once."""

    def __init__(self) -> None:
        self.own: defaultdict[str, int] = defaultdict(int)
        self.wall: defaultdict[str, int] = defaultdict(int)
        self.calls: defaultdict[str, int] = defaultdict(int)
        self._local = threading.local()
        self._lock = threading.Lock()

    @contextmanager
    def timing(self, stage: str) -> Iterator[None]:
        stack: list[list[int]] = self._local.__dict__.setdefault("stack", [])
        stack.append([0, 0])  # CPU and wall time of nested stages, filled in by them
        started, began = time.thread_time_ns(), time.perf_counter_ns()
        try:
            yield
        finally:
            spent = time.thread_time_ns() - started
            waited = time.perf_counter_ns() - began
            nested = stack.pop()
            if stack:
                stack[-1][0] += spent
                stack[-1][1] += waited
            with self._lock:
                self.own[stage] += spent - nested[0]
                self.wall[stage] += waited - nested[1]
                self.calls[stage] += 1

    def wrap(self, owner: Any, name: str, stage: str) -> None:
        """Time ``owner.name`` (a function or method) as ``stage``."""
        original = getattr(owner, name)
        if asyncio.iscoroutinefunction(original):
            raise TypeError(f"{name} is a coroutine function: its time is not one thread's")

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.timing(stage):
                return original(*args, **kwargs)

        setattr(owner, name, timed)

    def reset(self) -> None:
        self.own.clear()
        self.wall.clear()
        self.calls.clear()


def instrument(app: Any, stages: Stages) -> None:
    """Wrap the entry point of every stage of the request path."""
    from limes import codec
    from limes.api.routes import alerts as alert_routes
    from limes.api.routes import search as search_routes
    from limes.audit.log import AuditLog
    from limes.policy.policy import Policy
    from limes.search.engine import SearchEngine
    from limes.search.scoring import Scorer
    from limes.service import audited
    from limes.service.abuse import UsageMonitor
    from limes.service.alert_steps import AlertSteps
    from limes.service.reading import ReadGuard
    from limes.service.search import SearchService
    from limes.store.alerts import SqlAlerts

    limes = app.state.limes
    wraps: list[tuple[Any, str, str]] = [
        (codec, "parse", "parsing (strict JSON, pydantic)"),
        (app.state.authenticator, "authenticate", "auth/principal"),
        (UsageMonitor, "admit", "rate limit (per-process bucket)"),
        (Policy, "decide", "policy"),
        (Policy, "require", "policy"),
        (SearchService, "_searched_person", "audit query tokens (blind index)"),
        (SearchService, "_searched_identifiers", "audit query tokens (blind index)"),
        (SearchEngine, "persons_matching", "index (candidates)"),
        (SearchEngine, "identifiers_matching", "index (candidates)"),
        (Scorer, "score", "scoring"),
        (Scorer, "explain", "scoring"),
        (SearchService, "_views", "opening hits (store read, decrypt, minimise)"),
        (AlertSteps, "view", "opening hits (store read, decrypt, minimise)"),
        (SqlAlerts, "get", "opening hits (store read, decrypt, minimise)"),
        (ReadGuard, "opened", "read-bound ledger write"),
        (audited, "perform", "audit record building"),
        (AuditLog, "append", "audit append (durable)"),
        (search_routes, "_answer", "answer objects"),
        (alert_routes, "alert_response", "answer objects"),
        (codec, "encode", "JSON encoding"),
    ]
    policy_class = type(limes.policy)
    if policy_class is not Policy:
        wraps += [(policy_class, "decide", "policy"), (policy_class, "require", "policy")]
    for owner, name, stage in wraps:
        stages.wrap(owner, name, stage)


class ThreadProfiles:
    """cProfile of the event loop's thread and of every call handed to a thread pool
    (FastAPI's, and ``threads.off_loop``'s: cProfile sees one thread only), merged into one
    table."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.main = cProfile.Profile(time.thread_time)
        self.pooled: list[cProfile.Profile] = []
        self._local = threading.local()

    def install(self) -> None:
        import fastapi.dependencies.utils
        import fastapi.routing

        from limes.api import threads

        for module in (fastapi.routing, fastapi.dependencies.utils):
            module.run_in_threadpool = self._profiled(module.run_in_threadpool)  # type: ignore[attr-defined]
        # the hot routes' service calls go through ``off_loop``'s own pool, not Starlette's
        pool = threads.request_pool()
        submit = pool.submit
        pool.submit = self._profiled(submit)  # type: ignore[method-assign]

    def _profiled(self, run_in_threadpool: Callable[..., Any]) -> Callable[..., Any]:
        def run(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
            def profiled(*a: Any, **k: Any) -> Any:
                profiler = self._local.__dict__.get("profiler")
                if profiler is None:
                    profiler = self._local.profiler = cProfile.Profile(time.thread_time)
                    self.pooled.append(profiler)
                profiler.enable()
                try:
                    return func(*a, **k)
                finally:
                    profiler.disable()

            return run_in_threadpool(profiled, *args, **kwargs)

        return run

    def print(self, top: int) -> None:
        stats = pstats.Stats(self.main)
        for profiler in self.pooled:
            stats.add(profiler)
        stats.sort_stats("tottime").print_stats(top)


def build_app(var: Path) -> Any:
    os.environ.update({"LIMES_VAR": str(var), **SETTINGS})
    from limes.bootstrap import build
    from limes.config import from_env
    from limes.console.app import create_app  # what `limes serve` runs: API and console

    limes = build(from_env())
    limes.audit.check_signer()
    limes.search.start(follow=False)  # no feed thread: only the requests spend CPU
    return create_app(limes)


Request = tuple[str, str, list[tuple[bytes, bytes]], bytes]


def _request(method: str, path: str, who: str | None, body: Any = None) -> Request:
    raw = json.dumps(body).encode() if body is not None else b""
    headers = [(b"host", b"127.0.0.1")]
    if who is not None:
        headers += [
            (b"x-limes-unsafe-principal", f"{who}@BPOL/DE;roles=border_guard".encode()),
            (b"x-limes-purpose", b"border_check"),
        ]
    if body is not None:
        headers += [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(raw)).encode()),
        ]
    return method, path, headers, raw


async def call(app: Any, request: Request) -> tuple[int, bytes]:
    method, path, headers, body = request
    scope = {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1", "method": method, "scheme": "http", "path": path,
        "raw_path": path.encode(), "query_string": b"", "root_path": "", "headers": headers,
        "client": ("127.0.0.1", 40000), "server": ("127.0.0.1", 8080), "state": {},
    }  # fmt: skip
    delivered = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # nobody disconnects
        raise AssertionError

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


async def drive(app: Any, requests: list[Request], concurrency: int) -> list[int]:
    """Every request, ``concurrency`` at a time; their statuses."""
    statuses: list[int] = []
    queue = iter(requests)

    async def worker() -> None:
        for request in queue:
            statuses.append((await call(app, request))[0])

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return statuses


def requests_for(
    endpoint: str, count: int, bodies: dict[str, list[Any]], ids: list[str]
) -> list[Request]:
    who = [f"bench-{n % PRINCIPALS}" for n in range(count)]
    if endpoint == "health":
        return [_request("GET", "/v1/health", None) for _ in range(count)]
    if endpoint == "alert":
        return [_request("GET", f"/v1/alerts/{ids[n % len(ids)]}", who[n]) for n in range(count)]
    path = f"/v1/search/{endpoint}"
    sample = bodies[path]
    return [_request("POST", path, who[n], sample[n % len(sample)]) for n in range(count)]


def alert_ids(app: Any, requests: list[Request]) -> list[str]:
    """Ids of alerts a border guard may read: the hits of some person searches."""
    found: list[str] = []

    async def collect() -> None:
        for request in requests:
            status, body = await call(app, request)
            if status == 200:
                found.extend(h["alert"]["id"] for h in json.loads(body)["hits"])

    asyncio.run(collect())
    return list(dict.fromkeys(found))


def profile(
    app: Any, stages: Stages, endpoint: str, requests: list[Request], concurrency: int
) -> dict[str, Any]:
    asyncio.run(drive(app, requests[:200], concurrency))  # warm-up: caches, adapters
    stages.reset()
    load = load_average()
    cpu, wall = time.process_time_ns(), time.perf_counter()
    statuses = asyncio.run(drive(app, requests, concurrency))
    cpu, wall = time.process_time_ns() - cpu, time.perf_counter() - wall
    n = len(requests)
    per_request = {stage: ns / n / 1000 for stage, ns in stages.own.items()}
    per_request[FRAMEWORK] = cpu / n / 1000 - sum(per_request.values())
    errors = sum(s >= 400 for s in statuses)
    return {
        "requests": n,
        "errors": errors,
        "statuses": sorted(set(statuses)),
        "load_average": [round(x, 2) for x in load],
        "cpu_us_per_request": round(cpu / n / 1000, 1),
        "requests_per_s_one_core": round(n / wall, 1),
        "stages_us": {
            k: round(v, 1) for k, v in sorted(per_request.items(), key=lambda kv: -kv[1])
        },
        "stages_wall_us": {k: round(ns / n / 1000, 1) for k, ns in stages.wall.items()},
        "wall_us_per_request": round(wall * 1e6 / n * concurrency, 1),
    }


def report(endpoint: str, figures: dict[str, Any]) -> None:
    load = figures["load_average"]
    line(
        f"{endpoint}: {figures['requests']} requests, {figures['cpu_us_per_request']:.0f} µs CPU "
        f"each, {figures['requests_per_s_one_core']:,.0f}/s in one process (no sockets), "
        f"errors {figures['errors']} {figures['statuses']} "
        f"(load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})"
    )
    total = figures["cpu_us_per_request"]
    line(f"  {'CPU':>8}    {'share':>6}  {'wall':>8}    stage")
    for stage, us in figures["stages_us"].items():
        wall = figures["stages_wall_us"].get(stage)
        shown = f"{wall:8.1f} µs" if wall is not None else " " * 11
        line(f"  {us:8.1f} µs {100 * us / total:5.1f} %  {shown}  {stage}")


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--alerts", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--requests", type=int, default=2000, help="timed requests per endpoint")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--endpoints", default="persons,alert,health")
    parser.add_argument("--var", type=Path, help="var folder (made and loaded if missing)")
    parser.add_argument(
        "--cprofile", type=int, default=0, metavar="N",
        help="also print cProfile's N functions of most own time (all threads)",
    )  # fmt: skip
    parser.add_argument("--report", type=Path, default=Path("build/bench-profile/report.json"))
    args = parser.parse_args(argv)
    unknown = set(args.endpoints.split(",")) - set(ENDPOINTS)
    if unknown:
        parser.error(f"unknown endpoints: {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> dict[str, Any]:
    from bench.search.http import bodies

    args = arguments(argv)
    var = args.var or Path(f"build/bench-profile/var-{args.alerts}")
    if not (var / "limes.db").exists():
        var.parent.mkdir(parents=True, exist_ok=True)
        loaded = prepare(var.resolve(), args.alerts, args.seed)
        line(f"store: {args.alerts:,} alerts loaded in {loaded.seconds:.1f} s (not measured)")
    persons = int(args.alerts * 0.1)
    payloads = bodies(persons, args.alerts - persons, args.seed)
    # every run on a fresh copy of the loaded folder: the read ledger and the audit log
    # grow with each request, and the ledger's count is a range count over the last day
    # of the authority's reads, so a reused folder makes every later run dearer
    work = Path(tempfile.mkdtemp(prefix="limes-bench-profile-"))
    shutil.copytree(var, work / "var", symlinks=True)
    for sibling in var.parent.glob(var.name + ".*"):  # the audit signing key's folder
        shutil.copytree(sibling, work / ("var" + sibling.name[len(var.name) :]), symlinks=True)
    app = build_app((work / "var").resolve())
    stages = Stages()
    instrument(app, stages)
    searches = requests_for("persons", 400, payloads, [])
    ids = alert_ids(app, searches)
    results: dict[str, Any] = {}
    profiles: ThreadProfiles | None = None
    installed = False
    for endpoint in args.endpoints.split(","):
        requests = requests_for(endpoint, args.requests, payloads, ids)
        results[endpoint] = figures = profile(app, stages, endpoint, requests, args.concurrency)
        report(endpoint, figures)
        if args.cprofile:
            profiles = profiles or ThreadProfiles()
            profiles.reset()
            if not installed:
                profiles.install()
                installed = True
            profiles.main.enable()
            asyncio.run(drive(app, requests, args.concurrency))
            profiles.main.disable()
            line(f"{endpoint}: cProfile, all threads, CPU time, most own time first")
            profiles.print(args.cprofile)
    shutil.rmtree(work, ignore_errors=True)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps(results, indent=2) + "\n")
    line(f"report: {args.report}")
    return results


if __name__ == "__main__":
    main()

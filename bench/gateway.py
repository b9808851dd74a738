"""Screening queries per second through the gateway, and their latency (issue 20).

Sets up, in a temporary folder: a test PKI; a Limes installation with ``--persons``
demo person alerts and the gateway's client certificate pinned on a system client;
``limes serve`` (one worker, TLS 1.3, client certificates required); the gateway
(``python -m limes.gateway``, its own process, no keys). Then ``--clients`` threads,
each with a persistent mutual-TLS connection as ETIAS, send ETIAS screening queries
(names and dates of birth of the demo persons, every other one changed so that about
half find no one) for ``--seconds`` after a warm-up, and the figures are printed:
queries/s, p50, p90, p99 and the largest latency, and how many answered a hit.

Everything (load, gateway, Limes) runs on this machine's cores, so the figure is what
two cores give for the whole path: TLS at the gateway, the profile checks, TLS again to
Limes, the screening (policy, profile, limits, name search, audit record) and back.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

from tests.gateway import stack
from tests.gateway.helpers import TOKENS

from limes.demo.generator import generate

SEED = 7  # the demo data's, as tests/gateway/stack.py loads it


def queries(persons: int, seed: int) -> list[bytes]:
    found = []
    for i, (_, content) in enumerate(generate(persons, 0, seed=seed)):
        person = content.person
        if person is None or not person.surnames or not person.date_of_birth:
            continue
        surname = person.surnames[0].latin + ("" if i % 2 == 0 else "qz")
        found.append(
            json.dumps(
                {
                    "surnames": [surname],
                    "date_of_birth": person.date_of_birth,
                    "external_reference": f"ETIAS-{i:08d}",
                }
            ).encode()
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    args = parser.parse_args()
    limits = {"per_second": 10000.0, "burst": 100000, "per_day": 100_000_000}
    # the gateway's account has its own rate (the general one stays at its default)
    rate = {"LIMES_SYSTEM_CLIENT_RATES": "eu-lisa-gw=10000:100000"}
    with tempfile.TemporaryDirectory(prefix="bench-gateway-") as tmp:
        started = time.perf_counter()
        with stack.running(Path(tmp), persons=args.persons, limits=limits, limes_env=rate) as up:
            print(
                f"{args.persons} demo persons, Limes and the gateway up in "
                f"{time.perf_counter() - started:.1f} s"
            )
            run(args, up, queries(args.persons, SEED))


def run(args: argparse.Namespace, up: stack.Stack, bodies: list[bytes]) -> None:
    probe = up.as_system("etias")
    headers = {"Authorization": f"Bearer {TOKENS['etias']}"}
    # the first screening builds Limes' indexes
    probe.post("/v1/screening/etias-screening", bodies[0], headers)
    probe.close()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    hits = 0
    lock = threading.Lock()
    start = time.monotonic() + args.warmup
    stop = start + args.seconds

    def client(n: int) -> None:
        nonlocal hits
        http = up.as_system("etias")
        i = n
        mine: list[float] = []
        seen: dict[int, int] = {}
        found = 0
        while (now := time.monotonic()) < stop:
            body = bodies[i % len(bodies)]
            i += args.clients
            sent = time.perf_counter()
            answer = http.post("/v1/screening/etias-screening", body, headers)
            took = time.perf_counter() - sent
            if now >= start:
                mine.append(took)
                seen[answer.status] = seen.get(answer.status, 0) + 1
                found += answer.status == 200 and b'"hit": true' in answer.body
        http.close()
        with lock:
            latencies.extend(mine)
            hits += found
            for status, count in seen.items():
                statuses[status] = statuses.get(status, 0) + count

    threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()

    def at(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    print(
        f"screening through the gateway: {args.clients} clients, {args.seconds:.0f} s, "
        f"cores: {os.cpu_count()}"
    )
    print(f"  queries/s      {len(latencies) / args.seconds:8.1f}")
    print(
        f"  p50 / p90 / p99 / max (ms) {at(0.5):.1f} / {at(0.9):.1f} / {at(0.99):.1f} / "
        f"{latencies[-1] * 1000:.1f}"
    )
    print(f"  mean (ms)      {statistics.fmean(latencies) * 1000:8.1f}")
    print(f"  statuses {dict(sorted(statuses.items()))}, hits {hits}")


if __name__ == "__main__":
    main()

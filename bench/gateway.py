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
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from limes.bootstrap import build
from limes.config import from_env
from limes.demo.generator import generate
from limes.gateway.config import Upstream
from limes.gateway.upstream import LimesClient
from tests.identity.helpers import add_client, agree, founders
from tests.pki import Authority
from tests.test_durability import free_port

TOKEN = "bench-etias-token"


def queries(persons: int, seed: int) -> list[bytes]:
    found = []
    for i, (_, content) in enumerate(generate(persons, 0, seed=seed)):
        person = content.person
        if person is None or not person.surnames or not person.date_of_birth:
            continue
        surname = person.surnames[0].latin + ("" if i % 2 == 0 else "qz")
        found.append(json.dumps({"surnames": [surname], "date_of_birth": person.date_of_birth})
                     .encode())  # fmt: skip
    return found


def wait_up(client: LimesClient, deadline: float) -> None:
    while True:
        try:
            client.post("/v1/screening/x", b"{}", {})
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-gateway-") as tmp_name:
        tmp = Path(tmp_name)
        pki = Authority(tmp / "pki")
        server, etias, gateway_client = (pki.issue("localhost", server=True),
                                         pki.issue("etias-central"), pki.issue("limes-gateway"))  # fmt: skip
        var = tmp / "var"
        env = {k: v for k, v in os.environ.items() if not k.startswith("LIMES_")}
        env |= {"LIMES_ENV": "development", "LIMES_AUTH": "tokens",
                "LIMES_TEST_ONLY_WEAK_PASSWORD_HASHING": "1",
                "LIMES_RATE_PER_SECOND": "100000", "LIMES_RATE_BURST": "100000"}  # fmt: skip
        cli = [sys.executable, "-m", "limes.cli.main", "--var", str(var)]
        subprocess.run([*cli, "init"], env=env, check=True, capture_output=True)
        started = time.perf_counter()
        subprocess.run([*cli, "demo", "--persons", str(args.persons), "--objects", "0",
                        "--seed", str(args.seed)], env=env, check=True, capture_output=True)  # fmt: skip
        print(f"{args.persons} demo persons loaded in {time.perf_counter() - started:.1f} s")
        app = build(from_env({**env, "LIMES_VAR": str(var)}))
        try:
            founders(app.accounts)
            add_client(app.accounts)
            agree(app.accounts, app.accounts.set_certificate(
                app.accounts.acting("op-de"), "eu-lisa-gw", gateway_client.fingerprint))  # fmt: skip
        finally:
            app.close()
        limes_port, gateway_port = free_port(), free_port()
        config = tmp / "gateway.toml"
        digest = hashlib.sha256(TOKEN.encode()).hexdigest()
        config.write_text(f"""
[upstream]
url = "https://localhost:{limes_port}"
ca = "{pki.ca.cert}"
cert = "{gateway_client.cert}"
key = "{gateway_client.key}"
[tls]
cert = "{server.cert}"
key = "{server.key}"
client_ca = "{pki.ca.cert}"
[[system]]
name = "etias"
certificates = ["{etias.fingerprint}"]
token_sha256 = "{digest}"
profiles = ["etias-screening"]
per_second = 10000.0
burst = 100000
per_day = 100000000
""")
        limes = subprocess.Popen(
            [*cli, "serve", "--port", str(limes_port), "--tls-cert", str(server.cert),
             "--tls-key", str(server.key)],
            env={**env, "LIMES_TLS_CLIENT_CA": str(pki.ca.cert)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        path = {k: v for k, v in os.environ.items() if k in {"PATH", "PYTHONPATH"}}
        gateway = subprocess.Popen(
            [sys.executable, "-m", "limes.gateway", "--port", str(gateway_port)],
            env={**path, "LIMES_GATEWAY_CONFIG": str(config)},
            stdout=subprocess.DEVNULL, stderr=open(tmp / "gateway.log", "w"),  # noqa: SIM115
        )  # fmt: skip
        try:
            run(args, Upstream(f"https://localhost:{gateway_port}", pki.ca.cert, etias.cert,
                               etias.key), queries(args.persons, args.seed))  # fmt: skip
        finally:
            for process in (gateway, limes):
                process.terminate()
                process.wait(20)
            log = (tmp / "gateway.log").read_text()
            print(f"gateway log: {len(log.splitlines())} lines; last: {log.splitlines()[-1:]}")


def run(args: argparse.Namespace, gateway: Upstream, bodies: list[bytes]) -> None:
    probe = LimesClient(gateway)
    wait_up(probe, time.monotonic() + 120)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    # the first screening builds Limes' indexes
    probe.post("/v1/screening/etias-screening", bodies[0], headers)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    hits = 0
    lock = threading.Lock()
    start = time.monotonic() + args.warmup
    stop = start + args.seconds

    def client(n: int) -> None:
        nonlocal hits
        http = LimesClient(gateway)
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

    print(f"screening through the gateway: {args.clients} clients, {args.seconds:.0f} s, "
          f"cores: {os.cpu_count()}")  # fmt: skip
    print(f"  queries/s      {len(latencies) / args.seconds:8.1f}")
    print(f"  p50 / p90 / p99 / max (ms) {at(0.5):.1f} / {at(0.9):.1f} / {at(0.99):.1f} / "
          f"{latencies[-1] * 1000:.1f}")  # fmt: skip
    print(f"  mean (ms)      {statistics.fmean(latencies) * 1000:8.1f}")
    print(f"  statuses {dict(sorted(statuses.items()))}, hits {hits}")


if __name__ == "__main__":
    main()

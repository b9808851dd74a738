"""Durability: every alert the server acknowledged survives ``kill -9``.

The server runs as a real process. Client threads issue alerts; the server is killed
with SIGKILL mid-stream, restarted on the same database, and every alert that got a
201 must be there and readable. Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from limes.domain.vehicle_identifiers import vin_check_digit

pytestmark = pytest.mark.slow

HEADERS = {
    "X-Limes-Unsafe-Principal": "durability@SIRENE/DE;roles=sirene_operator",
    "X-Limes-Purpose": "sirene",
}
PG_URL = os.environ.get("LIMES_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def vehicle(n: int) -> dict[str, object]:
    stem = f"1M8GDM9A0{n:08d}"  # position 9 (the check digit) is filled in below
    vin = stem[:8] + vin_check_digit(stem) + stem[9:]
    return {
        "category": "object_seizure",
        "action": "seize",
        "issuing_authority": "BKA",
        "national_reference": f"DUR-{n}",
        "reason": "durability test",
        "object": {"type": "motor_vehicle", "identifiers": [{"kind": "vin", "value": vin}]},
    }


class Server:
    def __init__(self, var: Path, env: dict[str, str], *serve_args: str) -> None:
        self.var, self.env, self.serve_args = var, env, serve_args
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def limes(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "limes", "--var", str(self.var), *args]

    def start(self) -> None:
        self.proc = subprocess.Popen(
            self.limes("serve", "--host", "127.0.0.1", "--port", str(self.port), *self.serve_args),
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        # --workers N starts the audit writer and the search index process before the
        # workers, one after the other: three interpreter starts on a loaded machine
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        # a server that did not come up must not outlive the test: it would hold its
        # port, its var folder and a core while later tests run (its own group, as
        # --workers N forks the audit writer, the index process and the workers)
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        raise RuntimeError("server did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {**os.environ, "LIMES_ENV": "development", "LIMES_AUTH": "unsafe-dev-headers"}
    env.pop("LIMES_DATABASE_URL", None)
    if request.param == "sqlite":
        yield env
        return
    psycopg = pytest.importorskip("psycopg")
    name = f"limes_durability_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"PostgreSQL is not reachable at {PG_URL}: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            base = PG_URL.rsplit("/", 1)[0]
            yield {**env, "LIMES_DATABASE_URL": f"{base}/{name}"}
        finally:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_acknowledged_alerts_survive_kill_9(tmp_path: Path, database_env: dict[str, str]) -> None:
    server = Server(tmp_path / "var", database_env)
    subprocess.run(server.limes("init"), env=database_env, check=True, capture_output=True)
    server.start()

    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(offset: int) -> None:
        n = offset
        with httpx.Client(base_url=server.url, headers=HEADERS, timeout=5) as http:
            while not stop.is_set():
                n += 4
                try:
                    answer = http.post("/v1/alerts", json=vehicle(n))
                except httpx.TransportError:
                    return  # the server died under us: this request was never acknowledged
                if answer.status_code == 201:
                    with lock:
                        acknowledged.append(answer.json()["id"])

    threads = [threading.Thread(target=client, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 40 and time.monotonic() < deadline:
        time.sleep(0.05)
    server.kill()
    stop.set()
    for t in threads:
        t.join()
    assert len(acknowledged) >= 40, "too few alerts were issued before the kill"

    server.start()
    try:
        with httpx.Client(base_url=server.url, headers=HEADERS, timeout=5) as http:
            missing = [i for i in acknowledged if http.get(f"/v1/alerts/{i}").status_code != 200]
    finally:
        server.kill()
    assert missing == [], f"{len(missing)} of {len(acknowledged)} acknowledged alerts were lost"

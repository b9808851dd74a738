"""``limes serve --workers 2`` under search load: SIGKILL of its audit writer, then of a worker.

Every search is made by a principal of its own, so its record names it. A search
answered 200 must have its record in the log afterwards; one whose record the writer
did not confirm is answered 500 (or not at all, when its worker was killed). The log
verifies with the installation's key.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest
from tests.test_durability import Server

from limes.audit.log import AuditLog
from limes.audit.record import parse
from limes.audit.sqlite import SqliteAuditStore

pytestmark = pytest.mark.slow
DEADLINE_SECONDS = 60.0


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def descendants(pid: int) -> list[int]:
    return [grandchild for child in children(pid) for grandchild in [child, *descendants(child)]]


def stopped(server: Server) -> None:
    """The server stopped (SIGTERM), or killed with all its processes if it hangs."""
    if server.proc is None or server.proc.poll() is not None:
        return
    server.proc.send_signal(signal.SIGTERM)
    try:
        server.proc.wait(DEADLINE_SECONDS)
    except subprocess.TimeoutExpired:  # fail, leaving no server to trouble later tests
        for pid in [*descendants(server.proc.pid), server.proc.pid]:
            os.kill(pid, signal.SIGKILL)
        server.proc.wait()
        raise


def roles(pid: int) -> tuple[list[int], list[int]]:
    """The audit writer and the workers among the children of ``limes serve``: the writer
    is started first, then the search index process with the writer's socket in its
    environment, then the workers with the index's socket too."""
    writers, workers = [], []
    for child in children(pid):
        command = Path(f"/proc/{child}/cmdline").read_bytes()
        if b"spawn_main" not in command:
            continue  # multiprocessing's resource tracker
        environ = Path(f"/proc/{child}/environ").read_bytes()
        if b"LIMES_SEARCH_INDEX_SOCKET=/" in environ:
            workers.append(child)
        elif b"LIMES_AUDIT_WRITER_SOCKET=/" not in environ:
            writers.append(child)
    return writers, workers


class Load:
    def __init__(self, url: str) -> None:
        self.url = url
        self.answered: set[str] = set()
        self.refused = 0
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.search, args=(i,)) for i in range(4)]

    def search(self, offset: int) -> None:
        n = offset
        with httpx.Client(base_url=self.url, timeout=10) as http:
            while not self.stop.is_set():
                n += len(self.threads)
                user = f"u{n}"
                headers = {
                    "X-Limes-Unsafe-Principal": f"{user}@SIRENE/DE;roles=sirene_operator",
                    "X-Limes-Purpose": "sirene",
                }
                try:
                    answer = http.post(
                        "/v1/search/persons", json={"surnames": ["Muster"]}, headers=headers
                    )
                except httpx.TransportError:
                    continue  # its worker died: no answer
                with self.lock:
                    if answer.status_code == 200:
                        self.answered.add(user)
                    else:
                        assert answer.status_code == 500, answer.text
                        self.refused += 1

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while len(self.answered) < count:
            assert time.monotonic() < deadline, f"only {len(self.answered)} answered"
            time.sleep(0.02)


def test_every_answered_search_has_its_record_after_kill_9(tmp_path: Path) -> None:
    env = {**os.environ, "LIMES_ENV": "development", "LIMES_AUTH": "unsafe-dev-headers"}
    env.pop("LIMES_DATABASE_URL", None)
    server = Server(tmp_path / "var", env, "--workers", "2")
    subprocess.run(server.limes("init"), env=env, check=True, capture_output=True)
    server.start()
    assert server.proc is not None
    load = Load(server.url)
    try:
        for thread in load.threads:
            thread.start()
        load.wait_for(30)
        writers, workers = roles(server.proc.pid)
        assert len(writers) == 1 and len(workers) == 2
        os.kill(writers[0], signal.SIGKILL)
        load.wait_for(len(load.answered) + 30)  # a new writer, or the workers themselves
        os.kill(workers[0], signal.SIGKILL)
        load.wait_for(len(load.answered) + 30)  # the other worker answers on
    finally:
        load.stop.set()
        for thread in load.threads:
            thread.join()
        stopped(server)
    log = AuditLog(SqliteAuditStore(tmp_path / "var" / "audit.db"))
    with log.store.read() as tx:
        users = {parse(data)["user"] for *_, data in tx.all_records()}
    log.close()
    assert load.answered <= users
    verified = subprocess.run(server.limes("audit", "verify"), env=env, capture_output=True)
    assert verified.returncode == 0, verified.stdout + verified.stderr

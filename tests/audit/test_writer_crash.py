"""SIGKILL under load: of the audit writer, and of a worker appending through it.

Two worker processes append from four threads each through the writer that
``WriterProcess`` runs (as ``limes serve --workers 2`` does). Each worker notes every
record the writer confirmed ("answered") and every append that failed with
``AuditUnavailable`` ("refused", the 500 problem); any other outcome fails the test.
After the kill and the end of the load the log is opened afresh: every answered
record is in it, and it verifies. On a file, and on PostgreSQL.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from limes.audit.heads import KeyFileSigner, ensure_audit_key
from limes.audit.log import AuditLog, AuditUnavailable
from limes.audit.postgres import PostgresAuditStore
from limes.audit.record import Actor, Entry, Outcome, parse
from limes.audit.relay import WriterRelay
from limes.audit.sqlite import SqliteAuditStore
from limes.audit.store import AuditStore
from limes.audit.verify import verify
from limes.audit.writer import WriterProcess
from limes.config import Settings

THREADS = 4
DEADLINE_SECONDS = 30.0
SPAWN = multiprocessing.get_context("spawn")


def worker(name: str, socket_path: str, store: AuditStore, notes: str, stop: Any) -> None:
    """A worker process: append until ``stop``, noting each outcome in the file ``notes``."""
    log = AuditLog(store, relay=WriterRelay(socket_path))
    out = os.open(notes, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def note(line: str) -> None:
        os.write(out, f"{line}\n".encode())  # one write each: lines never interleave

    def append(thread: int) -> None:
        n = 0
        while not stop.is_set():
            marker = f"{name}-{thread}-{n}"
            n += 1
            record = Entry("search:persons", Outcome.ALLOWED, Actor(name), refs={"marker": marker})
            try:
                log.append([record])
            except AuditUnavailable:
                note(f"refused {marker}")
            except Exception as exc:
                note(f"error {marker} {exc!r}")
            else:
                note(f"answered {marker}")

    threads = [threading.Thread(target=append, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


class Load:
    """The writer and two workers on ``store`` (each process opens its own, from its pickle)."""

    def __init__(self, tmp_path: Path, store: AuditStore) -> None:
        key = tmp_path / "keys" / "audit-signing-key.pem"
        ensure_audit_key(key)
        self.public_key = KeyFileSigner(key).public_key()
        self.store = store
        self.notes = tmp_path / "notes"
        self.writer = WriterProcess(
            store, Settings(var_dir=tmp_path / "var", audit_signing_key=key)
        )
        self.stop = SPAWN.Event()
        self.workers: list[Any] = []

    def start(self) -> None:
        self.writer.start()
        for name in ("w1", "w2"):
            args = (name, str(self.writer.socket_path), self.store, str(self.notes), self.stop)
            process = SPAWN.Process(target=worker, args=args, daemon=True)
            process.start()
            self.workers.append(process)

    def lines(self) -> list[str]:
        return self.notes.read_text().splitlines() if self.notes.exists() else []

    def wait_for(self, more: int, *, kind: str = "answered", since: int = 0) -> int:
        """Wait until ``more`` records of ``kind`` were noted after the first ``since``."""
        deadline = time.monotonic() + DEADLINE_SECONDS
        while True:
            count = sum(line.startswith(kind) for line in self.lines())
            if count >= since + more:
                return count
            assert time.monotonic() < deadline, f"only {count - since} {kind} of {more}"
            time.sleep(0.02)

    def finish(self) -> None:
        self.stop.set()
        for process in self.workers:
            process.join(DEADLINE_SECONDS)
        self.writer.stop()

    def check(self) -> dict[str, int]:
        """Every answered record is in the log, which verifies; the count of each outcome."""
        outcomes: dict[str, set[str]] = {"answered": set(), "refused": set()}
        for line in self.lines():
            kind, marker, *_ = line.split(" ", 2)
            assert kind in outcomes, line
            outcomes[kind].add(marker)
        log = AuditLog(pickle.loads(pickle.dumps(self.store)))  # noqa: S301 - afresh, as after a restart
        with log.store.read() as tx:
            stored = {parse(data)["refs"]["marker"] for *_, data in tx.all_records()}
        assert outcomes["answered"] <= stored
        assert verify(log.store, [self.public_key]).ok
        log.close()
        return {kind: len(markers) for kind, markers in outcomes.items()}


@pytest.fixture(params=["file", pytest.param("pg", marks=pytest.mark.postgres)])
def load(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Load]:
    if request.param == "file":
        store: AuditStore = SqliteAuditStore(tmp_path / "audit.db")
    else:
        url, schema = request.getfixturevalue("postgres_url"), request.getfixturevalue("pg_schema")
        store = PostgresAuditStore(url, schema)
    running = Load(tmp_path, store)
    yield running
    running.stop.set()
    for process in running.workers:
        if process.is_alive():
            process.kill()
    running.writer.stop()


def kill(pid: int | None) -> None:
    assert pid is not None
    os.kill(pid, signal.SIGKILL)


def test_kill_9_of_the_writer_loses_no_answered_record(load: Load) -> None:
    load.start()
    before = load.wait_for(50)
    old = load.writer.pid
    kill(old)
    wait(lambda: load.writer.restarts == 1 and load.writer.pid != old)
    load.wait_for(50, since=before)
    load.finish()
    counts = load.check()
    assert counts["answered"] >= before + 50


def test_kill_9_of_a_worker_loses_no_answered_record(load: Load) -> None:
    load.start()
    before = load.wait_for(50)
    kill(load.workers[0].pid)
    load.workers[0].join(DEADLINE_SECONDS)
    load.wait_for(50, since=before)  # the other worker goes on through the same writer
    load.finish()
    assert load.writer.restarts == 0
    counts = load.check()
    assert counts["refused"] == 0


def wait(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.02)


def test_a_writer_that_cannot_start_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    store = SqliteAuditStore(tmp_path / "gone" / "audit.db")
    (tmp_path / "gone").rmdir()
    (tmp_path / "gone").write_text("a file where the log's folder was")
    writer = WriterProcess(store, Settings(var_dir=tmp_path / "var"))
    with pytest.raises(AuditUnavailable, match="did not start"):
        writer.start()
    assert not writer.folder.exists()

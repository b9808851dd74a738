"""The audit writer and its relay: what they carry, and what a worker does when it fails.

The writer runs in a thread here (``served``); ``test_writer_crash.py`` runs it as the
process ``limes serve`` starts and kills it.
"""

from __future__ import annotations

import logging
import pickle
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.api.helpers import TestClient, assert_problem, body, headers
from tests.audit.conftest import PUBLIC_KEY, SIGNER, entry
from tests.conftest import FixedClock
from tests.factories import PERSON

from limes.api.app import create_app
from limes.audit.log import AuditLog, AuditUnavailable
from limes.audit.record import Actor, Entry, Outcome
from limes.audit.relay import (
    RelayError,
    WriterAbsent,
    WriterRelay,
    receive_message,
    send_message,
)
from limes.audit.sqlite import SqliteAuditStore
from limes.audit.verify import verify
from limes.audit.writer import WriterServer
from limes.bootstrap import build
from limes.config import AuthMode, Environment, Settings
from limes.store.sqlite import SqliteStore


@pytest.fixture
def socket_path(tmp_path: Path) -> Path:
    return tmp_path / "writer.sock"


@pytest.fixture
def served(tmp_path: Path, socket_path: Path, clock: FixedClock) -> Iterator[AuditLog]:
    """A writer serving ``<tmp>/audit.db`` on ``socket_path``, in a thread."""
    log = AuditLog(SqliteAuditStore(tmp_path / "audit.db"), clock=clock, signer=SIGNER)
    server = WriterServer(log, socket_path)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    yield log
    server.close()
    thread.join(5)
    log.close()


def relayed_log(tmp_path: Path, socket_path: Path, clock: FixedClock) -> AuditLog:
    """A worker's log of ``<tmp>/audit.db`` that appends through the writer at ``socket_path``."""
    store = SqliteAuditStore(tmp_path / "audit.db")
    return AuditLog(store, clock=clock, signer=SIGNER, relay=WriterRelay(socket_path))


def fake_writer(path: Path, answer: Callable[[socket.socket, Any], None]) -> threading.Thread:
    """A writer at ``path`` that reads one batch and then does ``answer``, then stops."""
    path.unlink(missing_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(1)

    def serve() -> None:
        conn, _ = listener.accept()
        with conn, listener:
            answer(conn, receive_message(conn))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


def hang_up(conn: socket.socket, message: Any) -> None:
    """The writer dies after reading the batch (it may or may not have committed it)."""


# -- the wire ------------------------------------------------------------------------------


def test_an_entry_that_cannot_be_recorded_fails_before_anything_is_sent(
    tmp_path: Path, socket_path: Path, clock: FixedClock
) -> None:
    relay = WriterRelay(socket_path)
    with pytest.raises(TypeError):
        relay.append([Entry("x", Outcome.ALLOWED, Actor(), refs={"bad": 1.5})])
    with pytest.raises(WriterAbsent):
        relay.append([entry(1)])


# -- group commit through the writer ---------------------------------------------------------


def test_records_of_many_threads_go_through_the_writer_and_verify(
    served: AuditLog, tmp_path: Path, socket_path: Path, clock: FixedClock
) -> None:
    workers = [relayed_log(tmp_path, socket_path, clock) for _ in range(2)]
    seqs: list[int] = []

    def append(log: AuditLog, n: int) -> None:
        seqs.extend(log.append([entry(n), entry(n + 1000)]))

    threads = [threading.Thread(target=append, args=(workers[n % 2], n)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seqs) == list(range(32))
    served.checkpoint()
    report = verify(served.store, [PUBLIC_KEY])
    assert report.ok and report.size == 32
    for log in workers:
        log.close()


def test_a_writer_serves_each_store_a_worker_reopens_from_its_pickle(
    each_log: AuditLog, socket_path: Path, clock: FixedClock
) -> None:
    server = WriterServer(each_log, socket_path)
    threading.Thread(target=server.serve, daemon=True).start()
    store = pickle.loads(pickle.dumps(each_log.store))  # noqa: S301 - as WriterProcess hands it over
    assert repr(store) == repr(each_log.store)
    worker = AuditLog(store, clock=clock, relay=WriterRelay(socket_path))
    assert worker.append([entry(1), entry(2)]) == [0, 1]
    server.close()
    worker.close()
    each_log.checkpoint()
    assert verify(each_log.store, [PUBLIC_KEY]).ok


def test_a_worker_appends_itself_while_no_writer_listens(
    tmp_path: Path, socket_path: Path, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    log = relayed_log(tmp_path, socket_path, clock)
    with caplog.at_level(logging.WARNING, logger="limes.audit"):
        assert log.append([entry(1)]) == [0]
        assert log.append([entry(2)]) == [1]
    assert caplog.text.count("appending directly") == 1  # said once, not per record
    assert log.size() == 2
    log.close()


def test_a_writer_that_dies_with_the_batch_fails_it_and_it_is_not_resent(
    tmp_path: Path, socket_path: Path, clock: FixedClock
) -> None:
    fake_writer(socket_path, hang_up)
    log = relayed_log(tmp_path, socket_path, clock)
    with pytest.raises(AuditUnavailable) as refused:
        log.append([entry(1)])
    assert isinstance(refused.value.__cause__, RelayError)
    assert not isinstance(refused.value.__cause__, WriterAbsent)
    assert log.size() == 0  # not appended directly: the writer might have committed it
    assert log.append([entry(2)]) == [0]  # no writer now: appended here
    log.close()


def test_a_writer_that_cannot_write_fails_the_batch(
    tmp_path: Path, socket_path: Path, clock: FixedClock
) -> None:
    fake_writer(socket_path, lambda conn, _: send_message(conn, {"error": "disk full"}))
    log = relayed_log(tmp_path, socket_path, clock)
    with pytest.raises(AuditUnavailable) as refused:
        log.append([entry(1)])
    assert "disk full" in str(refused.value.__cause__)
    log.close()


def test_a_worker_reconnects_to_a_writer_started_again(
    tmp_path: Path, socket_path: Path, clock: FixedClock
) -> None:
    first = AuditLog(SqliteAuditStore(tmp_path / "audit.db"), clock=clock, signer=SIGNER)
    server = WriterServer(first, socket_path)
    threading.Thread(target=server.serve, daemon=True).start()
    log = relayed_log(tmp_path, socket_path, clock)
    assert log.append([entry(1)]) == [0]
    server.close()  # the worker's connection stays open on a listener that is gone
    again = WriterServer(first, socket_path)
    threading.Thread(target=again.serve, daemon=True).start()
    assert log.append([entry(2)]) == [1]
    again.close()
    log.close()
    first.close()


def test_a_batch_that_is_no_batch_is_refused(served: AuditLog, socket_path: Path) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.connect(str(socket_path))
        send_message(conn, [{"action": "x"}])
        assert "not a batch" in receive_message(conn)["error"]
    assert served.size() == 0


def test_half_a_batch_is_not_written_and_the_writer_serves_on(
    served: AuditLog, tmp_path: Path, socket_path: Path, clock: FixedClock
) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.connect(str(socket_path))
        conn.sendall((100).to_bytes(4, "big") + b'[{"action"')  # then the worker dies
    log = relayed_log(tmp_path, socket_path, clock)
    assert log.append([entry(1)]) == [0]
    assert served.size() == 1
    log.close()


# -- over HTTP -----------------------------------------------------------------------------


def test_a_request_whose_record_the_writer_did_not_confirm_gets_a_500_problem(
    tmp_path: Path, socket_path: Path, sqlite_store: SqliteStore, clock: FixedClock
) -> None:
    settings = Settings(
        var_dir=tmp_path / "var",
        environment=Environment.DEVELOPMENT,
        auth=AuthMode.UNSAFE_DEV_HEADERS,
        test_only_fixed_keyring=True,
        test_only_weak_password_hashing=True,
        audit_writer_socket=socket_path,
    )
    fake_writer(socket_path, hang_up)
    limes = build(settings, store=sqlite_store, clock=clock)
    client = TestClient(create_app(limes), raise_server_exceptions=False)
    written = client.post("/v1/alerts", content=body(PERSON), headers=headers())
    assert_problem(written, 500, "internal-error")
    fake_writer(socket_path, hang_up)  # the writer dies again, now with a read's record
    assert_problem(client.get("/v1/alerts", headers=headers()), 500, "internal-error")
    assert limes.store.count() == 0
    assert limes.audit.size() == 0
    limes.audit.close()

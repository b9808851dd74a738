"""``limes serve --workers N``'s parent (``cli/workers.py``): a health check that hears a
worker's death and the parent's stop signal as they happen, not after its timeout."""

from __future__ import annotations

import multiprocessing
import time
from multiprocessing.connection import Connection
from typing import Any

import pytest
import uvicorn

from limes.cli import workers as workers_module
from limes.cli.workers import WorkerSupervisor, answered

CONTEXT = multiprocessing.get_context("spawn")


def _pong(conn: Connection) -> None:
    conn.recv()
    conn.send(True)


def _silent(conn: Connection) -> None:
    time.sleep(60)


def _child(target: Any) -> tuple[Connection, Any]:
    parent, child = CONTEXT.Pipe()  # the parent keeps the child's end open, as uvicorn does
    process = CONTEXT.Process(target=target, args=(child,), daemon=True)
    process.start()
    return parent, process


def test_a_worker_that_answers_is_alive() -> None:
    conn, process = _child(_pong)
    try:
        assert answered(conn, process.sentinel, 30, lambda: False) is True
    finally:
        process.join(10)


def test_a_worker_killed_while_pinged_is_found_dead_at_once_not_after_the_timeout() -> None:
    conn, process = _child(_silent)
    try:
        time.sleep(0.5)
        started = time.monotonic()
        process.kill()
        assert answered(conn, process.sentinel, 60, lambda: False) is False
        assert time.monotonic() - started < 10
    finally:
        process.join(10)


def test_a_stop_signal_is_heard_while_a_worker_is_silent() -> None:
    conn, process = _child(_silent)
    asked = time.monotonic() + 0.5
    try:
        assert answered(conn, process.sentinel, 60, lambda: time.monotonic() > asked) is None
        assert time.monotonic() - asked < 5
    finally:
        process.kill()
        process.join(10)


def test_a_silent_worker_is_judged_after_the_timeout() -> None:
    conn, process = _child(_silent)
    try:
        started = time.monotonic()
        assert answered(conn, process.sentinel, 0.5, lambda: False) is False
        assert 0.5 <= time.monotonic() - started < 5
    finally:
        process.kill()
        process.join(10)


def test_one_process_is_uvicorns_several_are_supervised_by_ours(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ran: list[str] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: ran.append("uvicorn.run"))
    monkeypatch.setattr(WorkerSupervisor, "run", lambda self: ran.append(type(self).__name__))
    workers_module.run_server("limes.console.app:from_environment", workers=1, port=0)
    workers_module.run_server("limes.console.app:from_environment", workers=2, port=0)
    assert ran == ["uvicorn.run", "WorkerSupervisor"]

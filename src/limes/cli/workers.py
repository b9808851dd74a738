"""The parent of ``limes serve --workers N``: uvicorn's supervisor, with a health check
that hears a worker's death and the parent's own stop signal as they happen.

uvicorn's parent pings each worker in turn and waits up to ``timeout_worker_healthcheck``
for the answer (``limes serve`` sets 60 s: a worker loading its indexes on a busy machine
answers late). It waits on the pipe alone, and it keeps the worker's end of that pipe
open itself, so a worker killed between ping and answer looked merely slow: for the
whole 60 s the dead worker was not replaced, and the parent did not look at its signals,
so a SIGTERM meanwhile went unheard (issue 13's kill -9 test: ``limes serve`` still
running 60 s after SIGTERM). ``WorkerSupervisor`` waits on the pipe and the worker's
process sentinel together, in short steps between which it looks for a stop signal: a
dead worker is replaced at once, a stop signal is heard within ``STEP_SECONDS``.
Everything else is uvicorn's ``Multiprocess``.
"""

from __future__ import annotations

import logging
import multiprocessing.connection
import pickle
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors.multiprocess import Multiprocess, Process

STEP_SECONDS = 0.1

log = logging.getLogger("uvicorn.error")


def answered(
    conn: Connection, sentinel: int, timeout: float, stopping: Callable[[], bool]
) -> bool | None:
    """Ping the worker at ``conn`` (its process's ``sentinel``): True if it answered within
    ``timeout``, False if it died or stayed silent, None if ``stopping()`` came true first
    (then nothing is judged)."""
    try:
        conn.send(b"ping")
    except OSError:
        return False
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        ready = multiprocessing.connection.wait([conn, sentinel], min(left, STEP_SECONDS))
        if conn in ready:
            try:
                conn.recv()
            except (OSError, EOFError, pickle.UnpicklingError):
                return False
            return True
        if ready:  # the sentinel: the process ended
            return False
        if stopping():
            return None
    return False


class WorkerSupervisor(Multiprocess):
    """uvicorn's ``Multiprocess`` with ``answered`` as its health check."""

    def keep_subprocess_alive(self) -> None:
        if self.should_exit.is_set():
            return
        for idx, process in enumerate(self.processes):
            alive = answered(
                process.parent_conn,
                process.process.sentinel,
                self.config.timeout_worker_healthcheck,
                lambda: bool(self.signal_queue),
            )
            if alive is None:
                return  # a signal came: the run loop hears it before anything is judged
            if alive:
                continue
            process.kill()  # dead, or hung
            process.join()
            if process.exitcode == STARTUP_FAILURE:  # broken: so would every restart be
                log.error("Child process [%s] failed to start, stopping", process.pid)
                self.should_exit.set()
                return
            log.info("Child process [%s] died", process.pid)
            replacement = Process(self.config, self.sockets)
            replacement.start()
            self.processes[idx] = replacement


def run_server(app: Any, **options: Any) -> None:
    """``uvicorn.run(app, **options)``, with ``WorkerSupervisor`` as the parent when
    ``options["workers"]`` is more than one."""
    if options.get("workers", 1) <= 1:
        uvicorn.run(app, **options)
        return
    config = uvicorn.Config(app, **options)
    WorkerSupervisor(config, sockets=[config.bind_socket()]).run()

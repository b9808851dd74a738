"""The base of the processes beside the workers: an owner-only socket, the peer's user,
and a supervisor that refuses a process that does not start and leaves nothing behind."""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import stat
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from limes.local_service import LocalServer, Supervisor, die_with, peer_uid, receive_exactly


class Echo(LocalServer):
    def serve_one(self, conn: socket.socket) -> None:
        with conn:
            conn.sendall(receive_exactly(conn, 4))


def test_the_socket_is_the_owners_and_answers_its_own_user(tmp_path: Path) -> None:
    server = Echo(tmp_path / "echo.sock")
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    assert stat.S_IMODE((tmp_path / "echo.sock").stat().st_mode) == 0o600
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(5)
        conn.connect(str(tmp_path / "echo.sock"))
        assert peer_uid(conn) == os.getuid()
        conn.sendall(b"ping")
        assert receive_exactly(conn, 4) == b"ping"
    server.close()
    thread.join()


def test_receive_exactly_says_when_the_peer_closed_early() -> None:
    one, other = socket.socketpair()
    with one, other:
        one.sendall(b"abc")
        one.close()
        with pytest.raises(EOFError):
            receive_exactly(other, 4)


def _dies(path: str, parent: int) -> None:
    raise SystemExit(3)


def test_a_process_that_does_not_start_is_refused_and_its_folder_removed() -> None:
    supervisor = Supervisor(_dies, (), "limes-test-dies", refused=ValueError)
    with pytest.raises(ValueError, match="did not start"):
        supervisor.start()
    assert not supervisor.folder.exists()


def _watched_grandchild(pids: Any) -> None:
    from limes.local_service import end_with

    end_with(multiprocessing.parent_process())
    pids.send(os.getpid())
    time.sleep(60)


def _parent_of_a_watched_grandchild(pids: Any) -> None:
    context = multiprocessing.get_context("spawn")
    context.Process(target=_watched_grandchild, args=(pids,)).start()
    time.sleep(60)


def test_a_process_whose_parent_is_killed_ends_itself() -> None:
    """``end_with``: a uvicorn worker outlived a ``limes serve`` killed with SIGKILL,
    still bound to its port; watching its parent's sentinel, it gets SIGTERM at once."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    parent = context.Process(target=_parent_of_a_watched_grandchild, args=(send,))
    parent.start()
    try:
        assert receive.poll(60), "the grandchild did not start"
        grandchild = receive.recv()
        assert Path(f"/proc/{grandchild}").exists()
        os.kill(parent.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while _alive(grandchild) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(grandchild), "the grandchild outlived its killed parent"
    finally:
        parent.kill()
        parent.join(10)


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie, ended but not yet reaped by init, counts as ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _building(pids: Any, path: str, parent: int) -> None:
    """A supervised process that forks a child (as the index process's build forks its
    pool, ``local_service.die_with``) and works on without listening yet."""
    me = os.getpid()
    child = multiprocessing.get_context("fork").Process(target=_forked, args=(me,))
    child.start()
    pids.send((me, child.pid))
    time.sleep(60)


def _forked(parent: int) -> None:
    die_with(parent)
    time.sleep(60)


def _supervising(target: Any, pids: Any) -> None:
    """Supervise ``target`` (a process that may have children) on a thread, then wait."""
    supervisor = Supervisor(target, (pids,), "limes-test-children", children=True)
    threading.Thread(target=supervisor.start, daemon=True).start()
    time.sleep(60)


def test_a_supervised_process_with_children_ends_with_its_killed_parent() -> None:
    """The index process is not daemonic, for its build's pool: killed with SIGKILL, its
    parent leaves neither it (building, not yet serving) nor its children behind."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    parent = context.Process(target=_supervising, args=(_building, send))
    parent.start()
    try:
        assert receive.poll(60), "the supervised process did not start its child"
        supervised, child = receive.recv()
        assert _alive(supervised) and _alive(child)
        os.kill(parent.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while (_alive(supervised) or _alive(child)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(supervised), "the supervised process outlived its killed parent"
        assert not _alive(child), "its child outlived them"
    finally:
        parent.kill()
        parent.join(10)


def _echo(pids: Any, path: str, parent: int) -> None:
    server = Echo(path)
    pids.send(os.getpid())
    server.serve(parent=parent)


def _exits_without_stopping(pids: Any) -> None:
    supervisor = Supervisor(_echo, (pids,), "limes-test-exit", children=True)
    supervisor.start()  # and returns without ``stop``: an exception, a forgotten path


def test_an_exit_does_not_wait_for_a_supervised_process_with_children() -> None:
    """``multiprocessing`` joins a process that is not daemonic at the interpreter's exit,
    and this one serves until its parent is gone: the exit stops it first."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    parent = context.Process(target=_exits_without_stopping, args=(send,))
    parent.start()
    try:
        assert receive.poll(60), "the supervised process did not start"
        supervised = receive.recv()
        parent.join(30)
        assert parent.exitcode == 0, "the parent's exit waited for its supervised process"
        assert not _alive(supervised)
    finally:
        parent.kill()
        parent.join(10)

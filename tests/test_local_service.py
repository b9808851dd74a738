"""The base of the processes beside the workers: an owner-only socket, the peer's user,
and a supervisor that refuses a process that does not start and leaves nothing behind."""

from __future__ import annotations

import os
import socket
import stat
import threading
from pathlib import Path

import pytest

from limes.local_service import LocalServer, Supervisor, peer_uid, receive_exactly


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

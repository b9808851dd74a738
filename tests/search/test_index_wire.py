"""The wire of the index process: a request past its bound is refused unread, and the
server serves on."""

from __future__ import annotations

import socket
import struct

from tests.search.test_index_server import served as served

from limes.search.engine import SearchEngine
from limes.search.index_client import RemoteEngine
from limes.search.index_wire import MAX_REQUEST_BYTES


def test_an_oversized_request_is_refused_unread(
    served: tuple[SearchEngine, RemoteEngine],
) -> None:
    _, remote = served
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(5)
        conn.connect(str(remote.path))
        conn.sendall(struct.pack(">I", MAX_REQUEST_BYTES + 1))
        assert conn.recv(1) == b""  # closed without an answer
    assert remote.hello() == remote.position  # the server serves on

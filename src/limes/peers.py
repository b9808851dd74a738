"""Who is at the other end of a local (Unix) socket: the processes of Limes that listen for
other processes of the same installation (the audit writer, the search index process)
serve only processes of their own user."""

from __future__ import annotations

import socket
import struct

_PEER = struct.Struct("3i")  # struct ucred: pid, uid, gid


def peer_uid(conn: socket.socket) -> int | None:
    """The user id of the process at the other end (None where the OS does not tell)."""
    if not hasattr(socket, "SO_PEERCRED"):
        return None
    _, uid, _ = _PEER.unpack(conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _PEER.size))
    return int(uid)

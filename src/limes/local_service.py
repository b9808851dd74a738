"""A process beside the workers of ``limes serve --workers N``, reached at a Unix socket:
the audit writer (``audit/writer.py``) and the search index process
(``search/index_server.py``) are each a ``LocalServer`` run by a ``Supervisor``.

The socket lives in a private folder (mode 0700) and is itself mode 0600; the server
also accepts only processes of its own user (``SO_PEERCRED``). It serves each
connection in a thread, and ends itself when the process that started it is gone. The
supervisor starts it, returns once it accepts, starts it again whenever it dies, and
removes the folder when stopped. Only the standard library: this sits below every
package that runs such a process.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import multiprocessing.connection
import multiprocessing.util
import os
import shutil
import signal
import socket
import struct
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PARENT_CHECK_SECONDS = 1.0
_PEER = struct.Struct("3i")  # struct ucred: pid, uid, gid


def peer_uid(conn: socket.socket) -> int | None:
    """The user id of the process at the other end (None where the OS does not tell)."""
    if not hasattr(socket, "SO_PEERCRED"):
        return None
    _, uid, _ = _PEER.unpack(conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _PEER.size))
    return int(uid)


def receive_exactly(sock: socket.socket, size: int) -> bytes:
    """``size`` bytes, or ``EOFError`` if the peer closed before they all came."""
    chunks, left = [], size
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise EOFError("the socket was closed")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def end_with(parent: Any) -> threading.Thread:
    """Send this process SIGTERM when ``parent`` (``multiprocessing.parent_process()``)
    ends, watched on a daemon thread through its sentinel.

    uvicorn's workers outlived a parent killed with SIGKILL: still bound to the port,
    with no audit writer nor shared rate table behind them, so that a new ``limes serve``
    could not bind it. With this a worker stops as it would on the parent's SIGTERM."""

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os.kill(os.getpid(), signal.SIGTERM)

    watcher = threading.Thread(target=watch, name="limes-parent-watch", daemon=True)
    watcher.start()
    return watcher


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with(parent: int) -> None:
    """End this process (SIGKILL) as soon as the process ``parent``, which forked it, ends
    - even by SIGKILL, which gives it no time to end its children.

    On Linux the kernel sends the signal (``PR_SET_PDEATHSIG``): when the *thread* that
    forked this process ends, so a caller forks from a thread that outlives the child
    (the build's pool: the thread that builds, and closes the pool before it returns).
    Elsewhere a daemon thread looks every ``PARENT_CHECK_SECONDS``. Either way, a parent
    already gone when this runs ends this process at once."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    else:

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(PARENT_CHECK_SECONDS)
            os.kill(os.getpid(), signal.SIGKILL)

        threading.Thread(target=watch, name="limes-parent-watch", daemon=True).start()
    if os.getppid() != parent:  # it ended before the signal was asked for
        os.kill(os.getpid(), signal.SIGKILL)


def _watched(target: Callable[..., None], *args: Any) -> None:
    """A supervised process that may have children (not daemonic): ended when its
    parent ends, as ``end_with`` ends a worker; the daemon flag does not do that either
    (it only makes the parent's normal exit terminate the child)."""
    end_with(multiprocessing.parent_process())
    target(*args)


class LocalServer:
    """Listens at ``path`` (mode 0600); ``serve_one`` serves one accepted connection."""

    what = "the local server"

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        if os.path.exists(self.path):
            os.unlink(self.path)  # a socket left by a process that died
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(self.path)
        os.chmod(self.path, 0o600)
        self._listener.listen(128)
        self._listener.settimeout(PARENT_CHECK_SECONDS)
        self._closed = threading.Event()

    def serve_one(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def serve(self, *, parent: int | None = None) -> None:
        """Accept until ``close``, or until the process ``parent`` is no longer ours."""
        while not self._closed.is_set():
            if parent is not None and os.getppid() != parent:
                logging.getLogger("limes").warning("%s: its parent is gone; it stops", self.what)
                return
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                if self._closed.is_set():
                    return
                raise
            if peer_uid(conn) not in (None, os.getuid()):
                conn.close()
                continue
            threading.Thread(target=self.serve_one, args=(conn,), daemon=True).start()

    def close(self) -> None:
        self._closed.set()
        self._listener.close()


class Supervisor:
    """Runs ``target(*args, socket path, parent pid)`` in a spawned process named ``name``
    and keeps it running. ``start_timeout`` None: wait as long as it lives (an index
    may take long to build); ``refused`` makes the error of a process that did not start.

    The process is daemonic unless ``children`` (``multiprocessing`` forbids a daemonic
    process children: the index process's build forks its pool). Such a process ends
    itself when this one ends, killed too (``_watched``); and as ``multiprocessing``
    joins a process that is not daemonic at this interpreter's exit, without a timeout,
    this one's exit stops it first rather than waiting for it for ever."""

    def __init__(
        self,
        target: Callable[..., None],
        args: tuple[Any, ...],
        name: str,
        *,
        start_timeout: float | None = None,
        restart_pause: float = 0.1,
        refused: Callable[[str], Exception] = RuntimeError,
        children: bool = False,
    ) -> None:
        self._target, self._args, self.name = target, args, name
        self._start_timeout, self._restart_pause, self._refused = (
            start_timeout,
            restart_pause,
            refused,
        )
        self.folder = Path(tempfile.mkdtemp(prefix=f"{name}-"))  # mode 0700
        self.socket_path = self.folder / "socket"
        self._context = multiprocessing.get_context("spawn")
        self._process: Any = None
        self._stopping = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name=name, daemon=True)
        self.restarts = 0
        self._children = children
        self._at_exit: multiprocessing.util.Finalize | None = None
        self._log = logging.getLogger("limes")

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def start(self) -> None:
        """Start the process and return once it accepts connections."""
        if self._children:
            # run by multiprocessing's exit, before it joins the children: at the
            # interpreter's exit (an atexit hook) and at a multiprocessing child's
            # (which runs no atexit hook)
            self._at_exit = multiprocessing.util.Finalize(None, self.stop, exitpriority=10)
        try:
            self._spawn()
        except BaseException:
            self.stop()
            raise
        self._watcher.start()

    def _spawn(self) -> None:
        args = (*self._args, str(self.socket_path), os.getpid())
        process = self._context.Process(
            target=_watched if self._children else self._target,
            args=(self._target, *args) if self._children else args,
            name=self.name,
            daemon=not self._children,
        )
        process.start()
        self._process = process
        timeout = self._start_timeout
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._accepts():
            late = deadline is not None and time.monotonic() > deadline
            if not process.is_alive() or late or self._stopping.is_set():
                raise self._refused(f"{self.name} did not start (exit code {process.exitcode})")
            time.sleep(0.02)

    def _accepts(self) -> bool:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            try:
                probe.connect(str(self.socket_path))
            except OSError:
                return False
        return True

    def _watch(self) -> None:
        while not self._stopping.is_set():
            self._process.join(0.05)
            if self._process.is_alive() or self._stopping.is_set():
                continue
            self._log.error(
                "%s ended (exit code %s); starting it again", self.name, self._process.exitcode
            )
            time.sleep(self._restart_pause)
            try:
                self._spawn()
                self.restarts += 1
            except Exception:
                self._log.exception("%s could not be started again", self.name)

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self._at_exit is not None:
            self._at_exit.cancel()
        if self._watcher.is_alive():
            self._watcher.join(timeout)
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout)
            if self._process.is_alive():  # deaf to SIGTERM: an exit must not wait on it
                self._process.kill()
                self._process.join(timeout)
        shutil.rmtree(self.folder, ignore_errors=True)

"""A central pair made at test time: a PostgreSQL primary and its synchronous standby.

Both are real PostgreSQL 15 servers made with the machine's binaries (``initdb``,
``pg_basebackup``, ``pg_ctl`` under ``/usr/lib/postgresql/15/bin``, or ``LIMES_PG_BIN``)
in a temporary folder, on free ports, as deploy/central/README.md configures them: the
primary (``cluster_name`` limes_a) names the standby (limes_b) in
``synchronous_standby_names`` with ``synchronous_commit = remote_apply``, so a commit is
acknowledged once the standby has applied it. PostgreSQL refuses to run as root: as
root, the servers run as the ``postgres`` user. Without the binaries a test is skipped
with the reason (under CI=true it fails).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

BIN = Path(os.environ.get("LIMES_PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", "postgres", "--"]


class Server:
    """One PostgreSQL server of the pair: its folder, port and name."""

    def __init__(self, folder: Path, port: int, name: str) -> None:
        self.folder, self.port, self.name = folder, port, name

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        subprocess.run([*_as_server_user(), *args], check=True, capture_output=True)

    def start(self) -> None:
        log = str(self.folder.parent / f"{self.name}.log")
        self._run(str(BIN / "pg_ctl"), "-D", str(self.folder), "-l", log, "-w", "start")

    def stop(self) -> None:
        pg_ctl = [str(BIN / "pg_ctl"), "-D", str(self.folder), "-m", "immediate", "stop"]
        subprocess.run([*_as_server_user(), *pg_ctl], capture_output=True)

    def kill_9(self) -> None:
        """SIGKILL to the postmaster and every process it started, at once: the site dies."""
        pid = int((self.folder / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(
            ["pgrep", "-P", str(pid)], capture_output=True, text=True
        ).stdout.split()
        for each in [pid, *map(int, children)]:
            try:
                os.kill(each, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)

    def connect(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(self.url, autocommit=True, connect_timeout=3)


def _conf(folder: Path, lines: dict[str, str]) -> None:
    with (folder / "postgresql.conf").open("a") as conf:  # later lines win
        for key, value in lines.items():
            conf.write(f"{key} = {value}\n")


@contextmanager
def central_pair() -> Iterator[tuple[Server, Server]]:
    """A running primary and its synchronous standby; both stopped and removed after."""
    if not (BIN / "initdb").exists():
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"PostgreSQL's binaries are not in {BIN}")
        pytest.skip(f"PostgreSQL's binaries (initdb, pg_ctl, pg_basebackup) are not in {BIN}")
    root = Path(tempfile.mkdtemp(prefix="limes-central-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
    primary = Server(root / "a", free_port(), "limes_a")
    standby = Server(root / "b", free_port(), "limes_b")
    try:
        primary._run(
            str(BIN / "initdb"), "-D", str(primary.folder), "-U", "postgres", "--auth=trust"
        )
        common = {
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{root}'",
            "wal_level": "replica",
            "max_wal_senders": "4",
            "synchronous_commit": "remote_apply",
            "shared_buffers": "32MB",
        }
        _conf(
            primary.folder,
            common
            | {
                "port": str(primary.port),
                "cluster_name": "'limes_a'",
                "synchronous_standby_names": "'limes_b'",
            },
        )
        primary.start()
        primary._run(
            str(BIN / "pg_basebackup"),
            *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
            *("-D", str(standby.folder), "-R", "-X", "stream"),
        )
        _conf(
            standby.folder,
            common
            | {
                "port": str(standby.port),
                "cluster_name": "'limes_b'",
                "synchronous_standby_names": "'limes_a'",
                "primary_conninfo": (
                    f"'host=127.0.0.1 port={primary.port} user=postgres application_name=limes_b'"
                ),
            },
        )
        standby.start()
        _wait_for_sync(primary)
        yield primary, standby
    finally:
        standby.stop()
        primary.stop()
        shutil.rmtree(root, ignore_errors=True)


def _wait_for_sync(primary: Server) -> None:
    deadline = time.monotonic() + 30
    with primary.connect() as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'limes_b'"
            ).fetchone()
            if row is not None and row[0] == "sync":
                return
            time.sleep(0.1)
    raise RuntimeError("the standby did not become synchronous")

"""A nats-server of the test's own (``-js -sd <tmp>`` on a free port), to stop and start
mid-stream without disturbing the shared one at 4222.

Skipped when no ``nats-server`` is installed, except where ``CI=true``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess  # nosec B404 - starts the test's own nats-server only
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class OwnNats:
    def __init__(self, folder: Path) -> None:
        binary = shutil.which("nats-server")
        if binary is None:
            raise FileNotFoundError("nats-server")
        self.binary = binary
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "-js",
                "-sd",
                str(self.folder),
                "-a",
                "127.0.0.1",
                "-p",
                str(self.port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    time.sleep(0.2)  # JetStream ready just after the port
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nats-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


def skip_reason() -> str | None:
    if shutil.which("nats-server") is None:
        return "nats-server is not installed"
    return None


def in_ci() -> bool:
    return os.environ.get("CI") == "true"

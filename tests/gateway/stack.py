"""The whole path in processes of their own, for the end-to-end tests, the benchmark and the
attack: a test PKI, a Limes installation with the gateway's client certificate pinned on
a system client (``eu-lisa-gw``), ``limes serve`` over TLS 1.3 with client certificates
required, and ``python -m limes.gateway`` with nothing but its configuration."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from tests.gateway.helpers import Pki, config_text, pki
from tests.identity.helpers import add_client, agree, founders
from tests.test_durability import free_port

from limes.bootstrap import build
from limes.config import from_env
from limes.gateway.config import Upstream
from limes.gateway.upstream import LimesClient


@dataclass
class Stack:
    keys: Pki
    var: Path
    limes: subprocess.Popen[bytes]
    gateway: subprocess.Popen[bytes]
    limes_port: int
    gateway_port: int
    gateway_log: Path
    limes_log: Path

    def as_system(self, system: str) -> LimesClient:
        """A client of the gateway as ``system`` (its pinned certificate)."""
        cert = getattr(self.keys, system)
        return LimesClient(
            Upstream(
                (f"https://localhost:{self.gateway_port}",),
                self.keys.authority.ca.cert,
                cert.cert,
                cert.key,
            )
        )


def python_path() -> dict[str, str]:
    """Only what finds the interpreter and the code: no setting, no credential."""
    return {k: v for k, v in os.environ.items() if k in {"PATH", "PYTHONPATH"}}


def _wait(client: LimesClient, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    try:
        while True:
            try:
                client.post("/v1/screening/x", b"{}", {})
                return
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
    finally:
        client.close()


@contextmanager
def running(
    tmp: Path,
    *,
    persons: int = 0,
    limits: dict[str, object] | None = None,
    limes_env: dict[str, str] | None = None,
) -> Iterator[Stack]:
    """The stack in ``tmp``, with ``persons`` demo persons (seed 7) or the one ``PERSON``."""
    keys = pki(tmp / "pki")
    var = tmp / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIMES_")}
    env |= {
        "LIMES_ENV": "development",
        "LIMES_AUTH": "tokens",
        "LIMES_TEST_ONLY_WEAK_PASSWORD_HASHING": "1",
        **(limes_env or {}),
    }
    cli = [sys.executable, "-m", "limes", "--var", str(var)]
    subprocess.run([*cli, "init"], env=env, check=True, capture_output=True)
    if persons:
        subprocess.run(
            [*cli, "demo", "--persons", str(persons), "--objects", "0", "--seed", "7"],
            env=env,
            check=True,
            capture_output=True,
        )
    app = build(from_env({**env, "LIMES_VAR": str(var)}))
    try:
        founders(app.accounts)
        add_client(app.accounts)
        agree(
            app.accounts,
            app.accounts.set_certificate(
                app.accounts.acting("op-de"), "eu-lisa-gw", keys.gateway_client.fingerprint
            ),
        )
        if not persons:
            from tests.conftest import make_ctx
            from tests.factories import PERSON, content

            app.alerts.issue(make_ctx("DE"), content(PERSON))
    finally:
        app.close()
    limes_port, gateway_port = free_port(), free_port()
    limes_log, gateway_log = tmp / "limes.log", tmp / "gateway.log"
    with limes_log.open("wb") as limes_err, gateway_log.open("wb") as gateway_err:
        limes, gateway = _start(
            keys, cli, env, (limes_port, gateway_port), (limes_err, gateway_err), tmp, limits
        )
    stack = Stack(keys, var, limes, gateway, limes_port, gateway_port, gateway_log, limes_log)
    try:
        direct = LimesClient(
            Upstream(
                (f"https://localhost:{limes_port}",),
                keys.authority.ca.cert,
                keys.gateway_client.cert,
                keys.gateway_client.key,
            )
        )
        _wait(direct, limes, 120)
        _wait(stack.as_system("etias"), gateway, 60)
        yield stack
    finally:
        for process in (gateway, limes):
            process.terminate()
            process.wait(20)


def _start(
    keys: Pki,
    cli: list[str],
    env: dict[str, str],
    ports: tuple[int, int],
    logs: tuple[IO[bytes], IO[bytes]],
    tmp: Path,
    limits: dict[str, object] | None = None,
) -> tuple[subprocess.Popen[bytes], subprocess.Popen[bytes]]:
    limes_port, gateway_port = ports
    limes = subprocess.Popen(
        [
            *cli,
            "serve",
            "--port",
            str(limes_port),
            "--tls-cert",
            str(keys.server.cert),
            "--tls-key",
            str(keys.server.key),
        ],
        env={**env, "LIMES_TLS_CLIENT_CA": str(keys.authority.ca.cert)},
        stdout=subprocess.DEVNULL,
        stderr=logs[0],
    )
    config = tmp / "gateway.toml"
    config.write_text(config_text(keys, f"https://localhost:{limes_port}", **(limits or {})))  # type: ignore[arg-type]
    gateway = subprocess.Popen(
        [sys.executable, "-m", "limes.gateway", "--port", str(gateway_port)],
        env={**python_path(), "LIMES_GATEWAY_CONFIG": str(config)},
        cwd=tmp,
        stdout=subprocess.DEVNULL,
        stderr=logs[1],
    )
    return limes, gateway

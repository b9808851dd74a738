"""``limes serve --tls-cert/--tls-key`` speaks TLS 1.3 and refuses older versions; with
``LIMES_TLS_CLIENT_CA`` it requires client certificates of that CA, and a pinned one is
its system client end to end (real handshakes, real HTTPS requests)."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from tests.identity.helpers import add_client, agree, founders
from tests.pki import Authority, Issued
from tests.test_durability import free_port

from limes.bootstrap import build
from limes.config import from_env

pytestmark = pytest.mark.slow


def handshake(port: int, version: ssl.TLSVersion) -> str:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = context.maximum_version = version
    with (
        socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        return str(tls.version())


def test_only_tls_1_3_is_spoken(tmp_path: Path) -> None:
    served = Authority(tmp_path / "pki").issue("localhost", server=True)
    cert, key = served.cert, served.key
    var = tmp_path / "var"
    env = {**os.environ, "LIMES_ENV": "development", "LIMES_AUTH": "unsafe-dev-headers"}
    env.pop("LIMES_DATABASE_URL", None)
    limes = [sys.executable, "-m", "limes", "--var", str(var)]
    subprocess.run([*limes, "init"], env=env, check=True, capture_output=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [*limes, "serve", "--port", str(port), "--tls-cert", str(cert), "--tls-key", str(key)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                assert handshake(port, ssl.TLSVersion.TLSv1_3) == "TLSv1.3"
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        with pytest.raises(ssl.SSLError):
            handshake(port, ssl.TLSVersion.TLSv1_2)
    finally:
        server.terminate()
        server.wait(10)


# -- mutual TLS: the pinned client-certificate door ---------------------------------------


def _pin(var: Path, env: dict[str, str], fingerprint: str) -> None:
    """A system client of DE whose certificate is pinned, by two operators (four eyes)."""
    app = build(from_env({**env, "LIMES_VAR": str(var)}))
    try:
        founders(app.accounts)
        add_client(app.accounts)
        change = app.accounts.set_certificate(
            app.accounts.acting("op-de"), "eu-lisa-gw", fingerprint
        )
        agree(app.accounts, change)
    finally:
        app.close()


def test_a_pinned_client_certificate_opens_the_door_over_mutual_tls(tmp_path: Path) -> None:
    pki = Authority(tmp_path / "pki")
    server = pki.issue("localhost", server=True)
    pinned, unpinned = pki.issue("eu-lisa-gw"), pki.issue("someone-else")
    stranger = Authority(tmp_path / "other-pki", "Another CA").issue("eu-lisa-gw")
    var = tmp_path / "var"
    env = {name: value for name, value in os.environ.items() if not name.startswith("LIMES_")}
    env |= {"LIMES_ENV": "development", "LIMES_AUTH": "tokens",
            "LIMES_TEST_ONLY_WEAK_PASSWORD_HASHING": "1"}  # fmt: skip
    limes = [sys.executable, "-m", "limes", "--var", str(var)]
    subprocess.run([*limes, "init"], env=env, check=True, capture_output=True)
    _pin(var, env, pinned.fingerprint)
    port = free_port()
    served = subprocess.Popen(
        [*limes, "serve", "--port", str(port), "--tls-cert", str(server.cert),
         "--tls-key", str(server.key)],
        env={**env, "LIMES_TLS_CLIENT_CA": str(pki.ca.cert)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"https://127.0.0.1:{port}/v1/categories"

    def get(client: Issued | None) -> httpx.Response:
        with httpx.Client(verify=pki.client_context(client), timeout=10) as http:
            return http.get(url)

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = get(pinned)
                break
            except httpx.ConnectError:
                if time.monotonic() > deadline or served.poll() is not None:
                    raise
                time.sleep(0.2)
        assert answer.status_code == 200, answer.text
        assert answer.json()  # the categories the client may read

        refused = get(unpinned)  # the same CA signed it, but no account holds its pin
        assert refused.status_code == 401
        assert refused.headers["WWW-Authenticate"] == 'Bearer realm="limes"'
        assert refused.headers["content-type"] == "application/problem+json"
        assert "the client certificate is not known here" in refused.json()["detail"]

        for client in (None, stranger):  # no certificate; one of another CA: no handshake
            with pytest.raises(httpx.TransportError):
                get(client)
        assert get(pinned).status_code == 200  # the server is still there for the next
    finally:
        served.terminate()
        served.wait(10)

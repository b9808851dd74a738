"""The KEK in Vault's transit engine, against a local fake of its documented HTTP API.

``FakeVault`` answers on 127.0.0.1 as Vault's transit engine does for the calls Limes
makes (encrypt, decrypt, read key, rotate), with real AES-256-GCM per key version,
associated data checked, and the token required.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import pytest
from click.testing import CliRunner
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from tests.conftest import make_ctx
from tests.factories import PERSON, content

from limes.bootstrap import build
from limes.cli.main import cli
from limes.config import SettingsError, from_env
from limes.crypto.keyring import load_keyring
from limes.crypto.vault import VaultError, VaultKek, VaultTransit
from limes.domain.roles import Purpose, Role

TOKEN = "s.test-only-token"
DE = make_ctx("DE")
CUSTODIAN = make_ctx("EU", Role.KEY_CUSTODIAN, purpose=Purpose.OPERATIONS)


class FakeVault(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.keys: dict[str, list[AESGCM]] = {"limes": [AESGCM(os.urandom(32))]}
        self.calls: list[str] = []

    @property
    def addr(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: FakeVault

    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self, status: int, body: dict[str, Any] | None = None) -> None:
        raw = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _route(self, method: str) -> None:
        self.server.calls.append(f"{method} {self.path}")
        if self.headers.get("X-Vault-Token") != TOKEN:
            return self._answer(403, {"errors": ["permission denied"]})
        parts = self.path.strip("/").split("/")  # v1 transit <op> <name> [rotate]
        if parts[:2] != ["v1", "transit"] or len(parts) < 4 or parts[3] not in self.server.keys:
            return self._answer(404, {"errors": ["no handler for route"]})
        versions = self.server.keys[parts[3]]
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        ad = base64.b64decode(body.get("associated_data", ""))
        if method == "GET" and parts[2] == "keys":
            return self._answer(200, {"data": {"latest_version": len(versions)}})
        if method == "POST" and parts[2:] == ["keys", parts[3], "rotate"]:
            versions.append(AESGCM(os.urandom(32)))
            return self._answer(204)
        if method == "POST" and parts[2] == "encrypt":
            nonce = os.urandom(12)
            sealed = versions[-1].encrypt(nonce, base64.b64decode(body["plaintext"]), ad)
            text = f"vault:v{len(versions)}:{base64.b64encode(nonce + sealed).decode()}"
            return self._answer(200, {"data": {"ciphertext": text, "key_version": len(versions)}})
        if method == "POST" and parts[2] == "decrypt":
            _, version, data = body["ciphertext"].split(":", 2)
            raw = base64.b64decode(data)
            try:
                plain = versions[int(version[1:]) - 1].decrypt(raw[:12], raw[12:], ad)
            except (InvalidTag, IndexError):
                return self._answer(400, {"errors": ["cipher: message authentication failed"]})
            return self._answer(200, {"data": {"plaintext": base64.b64encode(plain).decode()}})
        return self._answer(405, {"errors": ["unsupported operation"]})

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")


V = TypeVar("V", bound=FakeVault)


def serving(server: V) -> Iterator[V]:
    """``server`` answering on its own thread until the generator is closed."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def vault() -> Iterator[FakeVault]:
    yield from serving(FakeVault())


def test_wrap_unwrap_and_rotation(vault: FakeVault) -> None:
    kek = VaultKek(VaultTransit(vault.addr, TOKEN, "limes"))
    assert kek.active_id() == "vault:limes:v1"
    kek_id, wrapped = kek.wrap(b"k" * 32, b"context DE 1")
    assert kek_id == "vault:limes:v1" and wrapped.startswith(b"vault:v1:")
    assert kek.unwrap(kek_id, wrapped, b"context DE 1") == b"k" * 32
    with pytest.raises(VaultError, match="400"):  # bound to its context
        kek.unwrap(kek_id, wrapped, b"context FR 1")
    assert kek.begin_rotation() == "vault:limes:v2"
    assert kek.wrap(b"k" * 32, b"c")[0] == "vault:limes:v2"
    assert kek.unwrap(kek_id, wrapped, b"context DE 1") == b"k" * 32  # v1 still decrypts
    assert "POST /v1/transit/keys/limes/rotate" in vault.calls


def test_a_wrong_token_or_no_vault_is_a_clear_error(vault: FakeVault) -> None:
    with pytest.raises(VaultError, match=r"403.*permission denied"):
        VaultKek(VaultTransit(vault.addr, "wrong", "limes")).active_id()
    with pytest.raises(VaultError, match="not reachable"):
        VaultKek(VaultTransit("http://127.0.0.1:9", TOKEN, "limes", timeout=2)).active_id()


def vault_env(vault: FakeVault) -> dict[str, str]:
    """A development installation whose KEK is the key ``limes`` of ``vault``."""
    return {
        "LIMES_ENV": "development",
        "LIMES_VAULT_ADDR": vault.addr,
        "LIMES_VAULT_TRANSIT_KEY": "limes",
        "LIMES_VAULT_TOKEN": TOKEN,
    }


def runner_with(env: dict[str, str]) -> CliRunner:
    """The CLI with ``env`` and no other LIMES_* setting of this process."""
    cleared: dict[str, str | None] = {k: None for k in os.environ if k.startswith("LIMES_")}
    return CliRunner(env=cleared | env)


def test_an_installation_with_its_kek_in_vault(vault: FakeVault, tmp_path: Path) -> None:
    var = tmp_path / "var"
    env = vault_env(vault)
    result = runner_with(env).invoke(cli, ["--var", str(var), "init"])
    assert result.exit_code == 0, result.output
    assert TOKEN not in result.output
    keyring = load_keyring(var / "keys" / "keyring.json")
    assert keyring.active_kek is None and not keyring.keks  # the KEK is in Vault only

    settings = from_env({**env, "LIMES_VAR": str(var)})
    assert TOKEN not in repr(settings) and TOKEN not in str(settings.describe())
    app = build(settings)
    try:
        alert_id = app.alerts.issue(DE, content(PERSON)).alert.id
        with app.store.read() as tx:
            assert [r.kek_id for r in app.crypto.keys.rows(tx)] == ["vault:limes:v1"]
        done = app.keys.rotate_kek(CUSTODIAN)
        assert (done.kek, done.rewrapped) == ("vault:limes:v2", 1)
    finally:
        app.close()
    again = build(settings)  # another process unwraps through Vault
    try:
        assert again.alerts.get(DE, alert_id).alert.content == content(PERSON)
    finally:
        again.close()
    decrypts = [c for c in vault.calls if c.startswith("POST /v1/transit/decrypt/")]
    assert len(decrypts) == 2  # one re-wrap, one unwrap in the new process: keys are cached


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"LIMES_VAULT_ADDR": "https://vault.example"}, "both"),
        ({"LIMES_VAULT_TRANSIT_KEY": "limes"}, "both"),
        (
            {"LIMES_VAULT_ADDR": "https://vault.example", "LIMES_VAULT_TRANSIT_KEY": "limes"},
            "LIMES_VAULT_TOKEN",
        ),
        (
            {
                "LIMES_VAULT_ADDR": "http://vault.example",
                "LIMES_VAULT_TRANSIT_KEY": "limes",
                "LIMES_VAULT_TOKEN": TOKEN,
            },
            "https",
        ),
    ],
)
def test_vault_settings_are_checked(env: dict[str, str], problem: str) -> None:
    with pytest.raises(SettingsError, match=problem):
        from_env(env)

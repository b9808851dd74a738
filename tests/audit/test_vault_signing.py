"""The audit signing key in Vault's transit engine (``LIMES_AUDIT_VAULT_KEY``): Vault signs
the tree heads, and no file of the installation ever holds the private key.

``SigningVault`` is the crypto tests' fake Vault with an ``ed25519`` transit key beside
the KEK, answering ``sign`` and ``keys`` as Vault documents them.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from tests.audit.conftest import entry
from tests.cli.helpers import ALERT, SIRENE_DE, ok
from tests.conftest import FixedClock
from tests.crypto.test_vault import TOKEN, FakeVault, _Handler, runner_with, serving, vault_env

from limes.audit.heads import VaultSigner, load_public_key
from limes.audit.log import AuditLog
from limes.audit.sqlite import SqliteAuditStore
from limes.audit.verify import verify
from limes.cli.main import cli
from limes.crypto.vault import VaultTransit


class SigningVault(FakeVault):
    def __init__(self) -> None:
        ThreadingHTTPServer.__init__(self, ("127.0.0.1", 0), _SigningHandler)
        self.keys = {"limes": [AESGCM(os.urandom(32))]}
        self.calls: list[str] = []
        self.signing = {"audit": [Ed25519PrivateKey.generate()]}


class _SigningHandler(_Handler):
    server: SigningVault

    def _route(self, method: str) -> None:
        parts = self.path.strip("/").split("/")  # v1 transit <op> <name>
        if len(parts) != 4 or parts[3] not in self.server.signing:
            return super()._route(method)
        self.server.calls.append(f"{method} {self.path}")
        if self.headers.get("X-Vault-Token") != TOKEN:
            return self._answer(403, {"errors": ["permission denied"]})
        versions = self.server.signing[parts[3]]
        if method == "GET" and parts[2] == "keys":
            public = {
                str(n): {"public_key": base64.b64encode(k.public_key().public_bytes_raw()).decode()}
                for n, k in enumerate(versions, 1)
            }
            return self._answer(200, {"data": {"keys": public, "latest_version": len(versions)}})
        if method == "POST" and parts[2] == "sign":
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            signature = versions[-1].sign(base64.b64decode(body["input"]))
            text = f"vault:v{len(versions)}:{base64.b64encode(signature).decode()}"
            return self._answer(200, {"data": {"signature": text}})
        return self._answer(405, {"errors": ["unsupported operation"]})


@pytest.fixture
def vault() -> Iterator[SigningVault]:
    yield from serving(SigningVault())


def test_vault_signs_the_heads_and_every_key_version_verifies(
    vault: SigningVault, tmp_path: Path, clock: FixedClock
) -> None:
    signer = VaultSigner(VaultTransit(vault.addr, TOKEN, "audit"))
    log = AuditLog(SqliteAuditStore(tmp_path / "audit.db"), clock=clock, signer=signer)
    log.record(entry(0))
    first = log.checkpoint()
    assert first is not None and first.verify(signer.public_key())
    vault.signing["audit"].append(Ed25519PrivateKey.generate())  # rotated in Vault
    log.record(entry(1))
    second = log.checkpoint()
    assert second is not None and second.key_id != first.key_id
    assert verify(log.store, signer.public_keys()).ok
    assert not verify(log.store, [signer.public_key()]).ok  # the old version is needed too
    log.close()


def test_an_installation_whose_audit_key_is_in_vault(vault: SigningVault, tmp_path: Path) -> None:
    var = tmp_path / "var"
    runner = runner_with({**vault_env(vault), "LIMES_AUDIT_VAULT_KEY": "audit"})
    result = runner.invoke(cli, ["--var", str(var), "init"])
    assert result.exit_code == 0, result.output
    assert "Vault transit key audit" in result.output
    assert not list(tmp_path.rglob("*audit-signing-key*"))  # no key file anywhere
    issue = ["alert", "issue", "--file", "-", *SIRENE_DE]
    ok(runner.invoke(cli, ["--var", str(var), *issue], input=json.dumps(ALERT)))
    head = ok(runner.invoke(cli, ["--var", str(var), "audit", "checkpoint"]))
    assert head["tree_size"] == 2
    pem = runner.invoke(cli, ["--var", str(var), "audit", "public-key"]).output
    assert load_public_key(pem.encode()) == vault.signing["audit"][0].public_key()
    verified = runner.invoke(cli, ["--var", str(var), "audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert "POST /v1/transit/sign/audit" in vault.calls

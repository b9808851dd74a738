"""The key-encryption key in HashiCorp Vault's transit secrets engine (optional).

With ``LIMES_VAULT_ADDR`` and ``LIMES_VAULT_TRANSIT_KEY`` set, data keys are wrapped
by Vault: the KEK never leaves Vault, and Limes holds only a token
(``LIMES_VAULT_TOKEN``) allowed to use that key. The calls are Vault's documented
transit API over HTTP(S), with the standard library's client:

* ``POST /v1/<mount>/encrypt/<key>``  ``{"plaintext": b64, "associated_data": b64}``
  → ``{"data": {"ciphertext": "vault:v<N>:…"}}``
* ``POST /v1/<mount>/decrypt/<key>``  ``{"ciphertext": …, "associated_data": b64}``
  → ``{"data": {"plaintext": b64}}``
* ``GET /v1/<mount>/keys/<key>`` → ``{"data": {"latest_version": N, …}}``
* ``POST /v1/<mount>/keys/<key>/rotate`` (for ``limes keys rotate --kek``)
* ``POST /v1/<mount>/sign/<key>`` ``{"input": b64}`` → ``{"data": {"signature":
  "vault:v<N>:<b64>"}}``, and ``GET /v1/<mount>/keys/<key>`` → ``{"data": {"keys":
  {"<N>": {"public_key": b64}}}}``: an ``ed25519`` key signing the audit log's tree
  heads (``LIMES_AUDIT_VAULT_KEY``), so that the signing key never leaves Vault

The token travels in ``X-Vault-Token``. The associated data binds each wrapped data
key to its scope and version (for Vault's AEAD key types such as ``aes256-gcm96``).
A KEK id here is ``vault:<key>:v<N>``, the Vault key version that wrapped it, so a
rotation in Vault is followed by re-wrapping every data key under the latest
version. Raising Vault's ``min_decryption_version`` afterwards is left to Vault's
operators.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote, urlsplit

from limes.errors import LimesError


class VaultError(LimesError):
    slug = "key-service-unavailable"
    title = "The key service did not answer as expected"


class VaultTransit:
    def __init__(
        self, addr: str, token: str, key: str, mount: str = "transit", timeout: float = 10.0
    ) -> None:
        scheme = urlsplit(addr).scheme
        if scheme not in ("http", "https"):
            raise ValueError(f"LIMES_VAULT_ADDR must be an http(s) URL, not {scheme or addr!r}")
        self.addr = addr.rstrip("/")
        self._token = token
        self.key = key
        self.mount = mount.strip("/")
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"VaultTransit({self.addr!r}, key={self.key!r}, mount={self.mount!r})"

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        url = f"{self.addr}/v1/{quote(self.mount)}/{path}"
        request = urllib.request.Request(  # noqa: S310 - scheme checked in __init__  # nosec B310
            url,
            data=None if body is None else json.dumps(body).encode("utf-8"),
            method=method,
            headers={"X-Vault-Token": self._token, "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310 - scheme checked  # nosec B310
                raw = answer.read()
        except urllib.error.HTTPError as exc:
            detail = ""
            try:
                detail = "; ".join(json.loads(exc.read()).get("errors", []))
            except (ValueError, AttributeError):
                pass
            raise VaultError(f"Vault answered {exc.code} to {method} {path}: {detail}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise VaultError(f"Vault at {self.addr} is not reachable: {exc}") from None
        if not raw:
            return {}
        try:
            found = json.loads(raw)
        except ValueError:
            raise VaultError(f"Vault's answer to {method} {path} is not JSON") from None
        if not isinstance(found, dict):
            raise VaultError(f"Vault's answer to {method} {path} is not an object")
        return found

    def _data(self, answer: dict[str, Any], name: str) -> Any:
        data = answer.get("data")
        if not isinstance(data, dict) or name not in data:
            raise VaultError(f"Vault's answer holds no data.{name}")
        return data[name]

    def encrypt(self, plaintext: bytes, associated_data: bytes) -> str:
        answer = self._call(
            "POST",
            f"encrypt/{quote(self.key)}",
            {
                "plaintext": base64.b64encode(plaintext).decode(),
                "associated_data": base64.b64encode(associated_data).decode(),
            },
        )
        ciphertext = self._data(answer, "ciphertext")
        if not isinstance(ciphertext, str) or not ciphertext.startswith("vault:v"):
            raise VaultError("Vault's ciphertext is not of the form vault:v<N>:…")
        return ciphertext

    def decrypt(self, ciphertext: str, associated_data: bytes) -> bytes:
        answer = self._call(
            "POST",
            f"decrypt/{quote(self.key)}",
            {
                "ciphertext": ciphertext,
                "associated_data": base64.b64encode(associated_data).decode(),
            },
        )
        try:
            return base64.b64decode(self._data(answer, "plaintext"), validate=True)
        except (ValueError, TypeError):
            raise VaultError("Vault's plaintext is not base64") from None

    def latest_version(self) -> int:
        version = self._data(self._call("GET", f"keys/{quote(self.key)}"), "latest_version")
        if not isinstance(version, int) or version < 1:
            raise VaultError("Vault's latest_version is not a positive integer")
        return version

    def rotate(self) -> None:
        self._call("POST", f"keys/{quote(self.key)}/rotate", {})

    def sign(self, data: bytes) -> tuple[int, bytes]:
        """The signature of ``data`` by the key's latest version: (version, signature)."""
        answer = self._call(
            "POST", f"sign/{quote(self.key)}", {"input": base64.b64encode(data).decode()}
        )
        text = self._data(answer, "signature")
        if not isinstance(text, str) or not text.startswith("vault:v"):
            raise VaultError("Vault's signature is not of the form vault:v<N>:…")
        try:
            return vault_version(text), base64.b64decode(text.split(":", 2)[2], validate=True)
        except (IndexError, ValueError):
            raise VaultError("Vault's signature is not base64") from None

    def public_keys(self) -> dict[int, bytes]:
        """The public key of each version of an asymmetric key (raw bytes)."""
        keys = self._data(self._call("GET", f"keys/{quote(self.key)}"), "keys")
        try:
            return {
                int(version): base64.b64decode(entry["public_key"], validate=True)
                for version, entry in keys.items()
            }
        except (AttributeError, KeyError, TypeError, ValueError):
            raise VaultError(f"Vault key {self.key} holds no public keys: is it ed25519?") from None


def vault_version(ciphertext: str) -> int:
    """N of a ``vault:v<N>:…`` ciphertext."""
    try:
        return int(ciphertext.split(":", 2)[1].removeprefix("v"))
    except (IndexError, ValueError):
        raise VaultError("a wrapped data key is not a Vault ciphertext") from None


class VaultKek:
    """``KeyEncryptionKey`` over Vault transit; ids are ``vault:<key>:v<N>``."""

    def __init__(self, transit: VaultTransit) -> None:
        self.transit = transit
        self._latest: int | None = None

    def __repr__(self) -> str:
        return f"VaultKek({self.transit!r})"

    def _id(self, version: int) -> str:
        return f"vault:{self.transit.key}:v{version}"

    def active_id(self) -> str:
        if self._latest is None:
            self._latest = self.transit.latest_version()
        return self._id(self._latest)

    def wrap(self, key: bytes, context: bytes) -> tuple[str, bytes]:
        ciphertext = self.transit.encrypt(key, context)
        return self._id(vault_version(ciphertext)), ciphertext.encode("ascii")

    def unwrap(self, kek_id: str, wrapped: bytes, context: bytes) -> bytes:
        if not kek_id.startswith(f"vault:{self.transit.key}:"):
            raise VaultError(f"data key wrapped by {kek_id}, not by Vault key {self.transit.key}")
        return self.transit.decrypt(wrapped.decode("ascii", "replace"), context)

    def begin_rotation(self) -> str:
        self.transit.rotate()
        self._latest = None
        return self.active_id()

    def finish_rotation(self) -> None:
        """Nothing to forget here: Vault keeps its key versions (see the module docstring)."""

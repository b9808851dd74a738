"""The ASGI TLS extension that ``limes serve`` adds, which uvicorn does not: built once per
TLS connection from its handshake, in the scope of every request on it, never on plain
HTTP. The protocol runs on a real event loop and loopback socket here, with the TLS
context uvicorn makes from ``limes serve``'s options; ``tests/cli/test_tls.py`` runs the
whole server with client certificates.
"""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path
from typing import Any

import pytest
from starlette.types import Message, Receive, Scope, Send
from tests.api.guarded import serve_guarded
from tests.pki import Authority

from limes.api.connections import (
    ConnectionGuard,
    GuardedH11Protocol,
    GuardedHttpToolsProtocol,
)
from limes.api.tls import TLS_1_3_SUITES, UNVERIFIED, WithTlsExtension, tls_extension
from limes.cli.serve import served_certificate, tls_options
from limes.config import SettingsError
from limes.errors import Unauthenticated
from limes.identity.certificates import peer_fingerprint

REQUEST = b"GET /v1/health HTTP/1.1\r\nHost: limes\r\n\r\n"


class _Pki:
    def __init__(self, folder: Path) -> None:
        self.authority = Authority(folder)
        self.server = self.authority.issue("localhost", server=True)
        self.client = self.authority.issue("eu-lisa-gw")


@pytest.fixture
def pki(tmp_path: Path) -> _Pki:
    return _Pki(tmp_path / "pki")


@pytest.fixture(params=[GuardedHttpToolsProtocol, GuardedH11Protocol], ids=["httptools", "h11"])
def protocol(request: pytest.FixtureRequest) -> type[ConnectionGuard]:
    """``limes serve``'s protocol and the gateway's: each adds the extension."""
    kind: type[ConnectionGuard] = request.param
    return kind


async def _served_scopes(
    protocol: type[ConnectionGuard],
    options: dict[str, Any],
    client: ssl.SSLContext | None,
    requests: int = 2,
) -> list[Scope]:
    """The scopes an app saw for ``requests`` requests on one kept-alive connection to
    ``protocol`` under uvicorn's config of ``options``."""
    scopes: list[Scope] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        scopes.append(scope)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    server, port = await serve_guarded(protocol, app, **options)
    try:
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", port, ssl=client, server_hostname="localhost" if client else None
        )
        for _ in range(requests):
            writer.write(REQUEST)
            assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 204")
        writer.close()
    finally:
        server.close()
    return scopes


def _scopes(
    protocol: type[ConnectionGuard], options: dict[str, Any], client: ssl.SSLContext | None
) -> list[Scope]:
    return asyncio.run(asyncio.wait_for(_served_scopes(protocol, options, client), 20))


def _tls_options(pki: _Pki, client_ca: Path | None) -> dict[str, Any]:
    return tls_options(pki.server.cert, pki.server.key, client_ca)


def test_a_verified_client_certificate_is_in_every_request_scope(
    pki: _Pki, protocol: type[ConnectionGuard]
) -> None:
    options = _tls_options(pki, pki.authority.ca.cert)
    scopes = _scopes(protocol, options, pki.authority.client_context(pki.client))

    assert len(scopes) == 2
    for scope in scopes:
        tls = scope["extensions"]["tls"]
        assert tls["client_cert_name"] == "CN=eu-lisa-gw"
        assert tls["client_cert_error"] is None
        assert tls["tls_version"] == 0x0304  # limes serve speaks TLS 1.3 only
        assert tls["cipher_suite"] in TLS_1_3_SUITES.values()
        assert tls["server_cert"] == pki.server.cert.read_text()
        assert peer_fingerprint(scope) == pki.client.fingerprint


def test_without_a_client_ca_no_client_certificate_is_asked_for(
    pki: _Pki, protocol: type[ConnectionGuard]
) -> None:
    """The client has one to show, but the server asks for none: the chain is empty."""
    client = pki.authority.client_context(pki.client)
    scopes = _scopes(protocol, _tls_options(pki, None), client)
    tls = scopes[0]["extensions"]["tls"]
    assert (tls["client_cert_chain"], tls["client_cert_name"]) == ([], None)
    assert peer_fingerprint(scopes[0]) is None


def test_plain_http_has_no_tls_extension(pki: _Pki, protocol: type[ConnectionGuard]) -> None:
    scopes = _scopes(protocol, {}, None)
    assert all("tls" not in (scope.get("extensions") or {}) for scope in scopes)


class _Unverifying:
    """An SSL object of a context that verifies nothing, yet holds a peer certificate
    (OpenSSL's servers never do: a server that asks for none gets none)."""

    def __init__(self, der: bytes) -> None:
        self.der = der
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)

    def getpeercert(self, binary_form: bool) -> bytes:
        return self.der

    def cipher(self) -> tuple[str, str, int]:
        return ("TLS_AES_256_GCM_SHA384", "TLSv1.3", 256)

    def version(self) -> str:
        return "TLSv1.3"


def test_an_unverified_certificate_is_flagged_and_refused(pki: _Pki) -> None:
    der = ssl.PEM_cert_to_DER_cert(pki.client.cert.read_text())
    tls = tls_extension(_Unverifying(der), None)  # type: ignore[arg-type]
    assert tls["client_cert_error"] == UNVERIFIED
    assert tls["cipher_suite"] == 0x1302
    with pytest.raises(Unauthenticated, match="did not verify"):
        peer_fingerprint({"type": "http", "extensions": {"tls": tls}})


def test_the_extension_joins_those_already_in_the_scope() -> None:
    seen: list[Scope] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope)

    async def receive() -> Message:
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None: ...

    tls: dict[str, Any] = {"client_cert_chain": []}
    scope = {"type": "http", "extensions": {"http.response.trailers": {}}}
    asyncio.run(WithTlsExtension(app, tls)(scope, receive, send))
    assert seen[0]["extensions"] == {"http.response.trailers": {}, "tls": tls}


def test_a_server_certificate_file_must_hold_one(tmp_path: Path, pki: _Pki) -> None:
    chain = tmp_path / "chain.pem"
    chain.write_text(pki.server.cert.read_text() + pki.authority.ca.cert.read_text())
    assert served_certificate(chain) == pki.server.cert.read_text()
    empty = tmp_path / "empty.pem"
    empty.write_text("no certificate here\n")
    with pytest.raises(SettingsError, match="holds no PEM certificate"):
        served_certificate(empty)

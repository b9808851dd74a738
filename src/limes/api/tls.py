"""The ASGI TLS extension, which uvicorn does not give: the peer's certificate for the door.

The pinned client-certificate door (``identity/certificates.py``) reads the client
certificate from ``scope["extensions"]["tls"]`` (https://asgi.readthedocs.io/en/latest/
specs/tls.html). uvicorn builds no such entry, so ``GuardedH11Protocol``
(``api/connections.py``) builds it here once per TLS connection, from the connection's
``ssl.SSLObject`` after the handshake, and ``WithTlsExtension`` adds it to the scope of
every request on that connection. A plain-HTTP connection gets none, as the
specification demands: the door then has no certificate to look at.

Only a certificate that the handshake verified can be here. ``limes serve`` with
``LIMES_TLS_CLIENT_CA`` asks for one with ``ssl.CERT_REQUIRED`` against that CA, and
OpenSSL ends the handshake when it does not verify; without the setting the server asks
for none (``ssl.CERT_NONE``) and so gets none. Should a context ever hand over a
certificate it did not verify, ``client_cert_error`` says so and the door refuses it.

Python 3.11 gives the peer's own certificate only, not the chain it sent:
``client_cert_chain`` holds that one certificate (the pin is on it, not on its issuers).
"""

from __future__ import annotations

import ssl
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from limes.identity.certificates import subject_of_der

TLS_VERSIONS = {"TLSv1.2": 0x0303, "TLSv1.3": 0x0304}
"""Protocol names as ``SSLObject.version()`` gives them, to the numbers the extension asks."""

TLS_1_3_SUITES = {
    "TLS_AES_128_GCM_SHA256": 0x1301,
    "TLS_AES_256_GCM_SHA384": 0x1302,
    "TLS_CHACHA20_POLY1305_SHA256": 0x1303,
    "TLS_AES_128_CCM_SHA256": 0x1304,
    "TLS_AES_128_CCM_8_SHA256": 0x1305,
}
"""Every TLS 1.3 cipher suite (RFC 8446, B.4), which OpenSSL names as the RFC does; the
server speaks TLS 1.3 only, so any other suite is reported as unknown (None)."""

UNVERIFIED = "the server does not verify client certificates (LIMES_TLS_CLIENT_CA is unset)"


def tls_extension(ssl_object: ssl.SSLObject, server_cert: str | None) -> dict[str, Any]:
    """The extension's entry for one connection whose handshake has completed."""
    der = ssl_object.getpeercert(binary_form=True)
    cipher = ssl_object.cipher()
    verified = ssl_object.context.verify_mode != ssl.CERT_NONE
    return {
        "server_cert": server_cert,
        "client_cert_chain": [ssl.DER_cert_to_PEM_cert(der)] if der else [],
        "client_cert_name": subject_of_der(der) if der else None,
        "client_cert_error": UNVERIFIED if der and not verified else None,
        "tls_version": TLS_VERSIONS.get(ssl_object.version() or ""),
        "cipher_suite": TLS_1_3_SUITES.get(cipher[0]) if cipher else None,
    }


class WithTlsExtension:
    """``app`` with one connection's TLS extension in the scope of each of its requests."""

    __slots__ = ("app", "tls")

    def __init__(self, app: ASGIApp, tls: dict[str, Any]) -> None:
        self.app = app
        self.tls = tls

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope["extensions"] = {**(scope.get("extensions") or {}), "tls": self.tls}
        await self.app(scope, receive, send)

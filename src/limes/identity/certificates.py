"""Client certificates (mutual TLS) named by their SHA-256 fingerprint.

A system client may be given the fingerprint of its certificate; a request that
arrives over TLS with that certificate is then that client. Pinning the exact
certificate (not a name in it) means no CA can mint another certificate that
passes, and the TLS handshake has already proved that the peer holds its key.

The fingerprint is read from the ASGI TLS extension
(https://asgi.readthedocs.io/en/latest/specs/tls.html): ``scope["extensions"]["tls"]
["client_cert_chain"][0]``, a PEM certificate, with ``client_cert_error`` None. uvicorn
does not implement the extension; ``limes serve`` adds it (``api/tls.py``) on TLS
connections, whose client certificates it verifies against ``LIMES_TLS_CLIENT_CA``.
Never a request header: a client could write any certificate into one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from limes.errors import FieldError, InvalidInput, Unauthenticated

_HEX = re.compile(r"[0-9a-f]{64}")


def normalise_fingerprint(text: str, pointer: str = "/certificate_sha256") -> str:
    """64 lower-case hex digits, from hex written with or without colons, any case."""
    value = text.strip().lower().replace(":", "")
    if _HEX.fullmatch(value) is None:
        raise InvalidInput(
            "not a SHA-256 fingerprint",
            [FieldError(pointer, "must be 64 hexadecimal digits (colons allowed)")],
        )
    return value


def fingerprint_of_pem(pem: str | bytes) -> str:
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    certificate = x509.load_pem_x509_certificate(data)
    return certificate.fingerprint(hashes.SHA256()).hex()


def subject_of_der(der: bytes) -> str:
    """The subject of a DER certificate as an RFC 4514 string (``CN=…,O=…``)."""
    return x509.load_der_x509_certificate(der).subject.rfc4514_string()


def leaf_of_chain(pem: bytes) -> str:
    """The first certificate of a PEM chain file, alone, as PEM: the one a server sends.
    Raises ``ValueError`` if ``pem`` holds no certificate."""
    return (
        x509.load_pem_x509_certificates(pem)[0]
        .public_bytes(serialization.Encoding.PEM)
        .decode("ascii")
    )


def peer_fingerprint(scope: Mapping[str, Any]) -> str | None:
    """The client certificate's fingerprint from the ASGI TLS extension, or None.

    Raises ``Unauthenticated`` if the server reports that the certificate did not
    verify, or hands over something that is not a certificate.
    """
    tls = (scope.get("extensions") or {}).get("tls")
    if not isinstance(tls, Mapping):
        return None
    chain = tls.get("client_cert_chain") or ()
    if not chain:
        return None
    if tls.get("client_cert_error") is not None:
        raise Unauthenticated("the client certificate did not verify")
    try:
        return fingerprint_of_pem(chain[0])
    except (ValueError, TypeError):
        raise Unauthenticated("the client certificate cannot be read") from None

"""Client certificates pinned by their SHA-256 fingerprint, as the TLS layer hands them on."""

from __future__ import annotations

from limes.identity.certificates import peer_fingerprint


def test_no_tls_extension_means_no_certificate() -> None:
    assert peer_fingerprint({"type": "http"}) is None
    assert peer_fingerprint({"type": "http", "extensions": {}}) is None
    assert peer_fingerprint({"type": "http", "extensions": {"tls": {}}}) is None

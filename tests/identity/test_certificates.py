"""Client certificates pinned by their SHA-256 fingerprint, as the TLS layer hands them on."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
from tests.pki import Authority

from limes.identity.certificates import (
    fingerprint_of_pem,
    leaf_of_chain,
    peer_fingerprint,
    subject_of_der,
)


def test_no_tls_extension_means_no_certificate() -> None:
    assert peer_fingerprint({"type": "http"}) is None
    assert peer_fingerprint({"type": "http", "extensions": {}}) is None
    assert peer_fingerprint({"type": "http", "extensions": {"tls": {}}}) is None


def test_a_certificate_is_named_and_pinned_as_issued(tmp_path: Path) -> None:
    authority = Authority(tmp_path)
    client = authority.issue("eu-lisa-gw")
    pem = client.cert.read_text()
    assert subject_of_der(ssl.PEM_cert_to_DER_cert(pem)) == "CN=eu-lisa-gw"
    assert fingerprint_of_pem(pem) == client.fingerprint
    chain = pem + authority.ca.cert.read_text()
    assert leaf_of_chain(chain.encode()) == pem  # the first of a chain, alone
    with pytest.raises(ValueError):
        leaf_of_chain(b"no certificate here")

"""The gateway's client of Limes: https only, TLS 1.3, its certificate shown, one retry on a
connection the server closed while idle (end to end in ``test_server.py``)."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
from tests.gateway.helpers import pki

from limes.gateway.config import Upstream
from limes.gateway.upstream import LimesClient, client_context


def upstream(tmp_path: Path, url: str) -> Upstream:
    keys = pki(tmp_path)
    return Upstream(url, keys.authority.ca.cert, keys.gateway_client.cert, keys.gateway_client.key)


def test_tls_1_3_with_the_gateways_certificate(tmp_path: Path) -> None:
    context = client_context(upstream(tmp_path, "https://limes.internal:8443"))
    assert context.minimum_version is ssl.TLSVersion.TLSv1_3
    assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname


def test_plain_http_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="https"):
        LimesClient(upstream(tmp_path, "http://limes.internal:8080"))


def test_a_refused_connection_raises_for_the_gateway_to_answer_502(tmp_path: Path) -> None:
    client = LimesClient(upstream(tmp_path, "https://127.0.0.1:9/base"))
    assert (client.host, client.port, client.base) == ("127.0.0.1", 9, "/base")
    with pytest.raises(OSError):
        client.post("/v1/screening/x", b"{}", {})
    client.close()

"""The gateway's client of Limes: https only, TLS 1.3, its certificate shown, one retry on a
connection the server closed while idle (end to end in ``test_server.py``); the central
site's servers asked in order, moving on from one down or fenced."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
from tests.gateway.helpers import pki

from limes.gateway.config import Upstream
from limes.gateway.upstream import Answer, LimesClient, UpstreamDown, Upstreams, client_context

FENCED = b'{"type": "urn:limes:problem:central-fenced", "status": 503}'


def upstream(tmp_path: Path, *urls: str) -> Upstream:
    keys = pki(tmp_path)
    return Upstream(urls, keys.authority.ca.cert, keys.gateway_client.cert, keys.gateway_client.key)


class Fake(LimesClient):
    """A server of the list that answers ``status`` and counts what it was asked."""

    def __init__(self, status: int, body: bytes = b"{}") -> None:
        self.status, self.body, self.asked = status, body, 0

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> Answer:
        self.asked += 1
        return Answer(self.status, self.body, None)

    def close(self) -> None:
        pass


def servers(tmp_path: Path, *fakes: Fake | None) -> Upstreams:
    """Upstreams over a real refused port (None) or fakes, in order."""
    urls = [f"https://127.0.0.{i + 1}:9" for i in range(len(fakes))]
    chosen = Upstreams(upstream(tmp_path, *urls))
    chosen.rotation.centres = [
        (url, fake or client)
        for (url, client), fake in zip(chosen.rotation.centres, fakes, strict=True)
    ]
    return chosen


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


def test_the_first_server_down_the_second_answers_and_is_asked_first_from_then_on(
    tmp_path: Path,
) -> None:
    second = Fake(200)
    chosen = servers(tmp_path, None, second)  # the first refuses the connection
    assert chosen.post("/v1/screening/x", b"{}", {}).status == 200
    assert "https://127.0.0.1:9" in chosen.rotation.failures[0]
    assert chosen.rotation.url == "https://127.0.0.2:9" and second.asked == 1
    chosen.post("/v1/screening/x", b"{}", {})
    assert chosen.rotation.failures == [] and second.asked == 2
    chosen.close()


def test_a_fenced_server_is_passed_over_a_refusal_is_not(tmp_path: Path) -> None:
    fenced, promoted = Fake(503, FENCED), Fake(200)
    chosen = servers(tmp_path, fenced, promoted)
    assert chosen.post("/v1/screening/x", b"{}", {}).status == 200
    assert (fenced.asked, promoted.asked) == (1, 1)
    assert "answered 503" in chosen.rotation.failures[0]
    refusing, other = Fake(403), Fake(200)
    chosen = servers(tmp_path, refusing, other)
    assert chosen.post("/v1/screening/x", b"{}", {}).status == 403  # Limes' answer, passed on
    assert other.asked == 0


def test_none_answering_passes_the_last_5xx_on_or_the_connection_error(tmp_path: Path) -> None:
    chosen = servers(tmp_path, Fake(503, FENCED), Fake(502))
    assert chosen.post("/v1/screening/x", b"{}", {}).status == 502
    with pytest.raises(UpstreamDown, match="no centre answered"):
        servers(tmp_path, None, None).post("/v1/screening/x", b"{}", {})

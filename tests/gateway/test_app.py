"""The gateway's application as an attacker on the external side meets it: certificates,
tokens, profiles, fields, rates, and a Limes that answers too much.

The TLS extension is put in the scope as ``limes serve`` does after a verified
handshake (``api/tls.WithTlsExtension``); Limes is a recorded stand-in."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient
from tests.gateway.helpers import TOKENS, Pki, config_text, pki

from limes.api.tls import WithTlsExtension
from limes.gateway.app import Gateway, create_gateway_app
from limes.gateway.config import GatewayConfig, load_config
from limes.gateway.upstream import Answer

ETIAS_QUERY = {
    "surnames": ["Ivanova"],
    "date_of_birth": "1984-03-17",
    "external_reference": "ETIAS-2026-000042",
}
EES_QUERY = {"surnames": ["Ivanova"], "external_reference": "EES-F-17"}
ETIAS_ANSWER = {
    "source": "SIS",
    "profile": "etias-screening",
    "hit": True,
    "results": [{"source": "SIS", "category": "arrest", "sirene_bureau": "SIRENE DE"}],
}


class Limes:
    """What the gateway forwarded, and the answer it is given."""

    def __init__(self, answer: Answer | None = None) -> None:
        self.asked: list[tuple[str, bytes, dict[str, str]]] = []
        self.answer = answer or Answer(200, json.dumps(ETIAS_ANSWER).encode(), None)

    def __call__(self, path: str, body: bytes, headers: dict[str, str]) -> Answer:
        self.asked.append((path, body, headers))
        return self.answer


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return pki(tmp_path_factory.mktemp("pki"))


def config(keys: Pki, **limits: Any) -> GatewayConfig:
    return load_config(config_text(keys, **limits))


def client(gateway: Gateway, cert: Path | None) -> TestClient:
    tls = {"client_cert_chain": [cert.read_text()] if cert else [], "client_cert_error": None}
    return TestClient(WithTlsExtension(create_gateway_app(gateway), tls))


def ask(http: TestClient, profile: str, token: str | None, body: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return http.post(f"/v1/screening/{profile}", json=body, headers=headers)


def test_a_pinned_system_with_its_token_gets_the_profiles_answer(keys: Pki) -> None:
    limes = Limes()
    http = client(Gateway(config(keys), limes), keys.etias.cert)
    answer = ask(http, "etias-screening", TOKENS["etias"], ETIAS_QUERY)
    assert answer.status_code == 200, answer.text
    assert answer.json() == ETIAS_ANSWER
    [(path, body, headers)] = limes.asked
    assert path == "/v1/screening/etias-screening"
    assert json.loads(body) == ETIAS_QUERY
    assert headers == {"X-Limes-Purpose": "border_check", "X-Limes-External-System": "etias"}


def test_a_stolen_certificate_cannot_use_another_systems_profile(keys: Pki) -> None:
    """ETIAS' certificate and token, asking EES' profile: refused before Limes is asked;
    ETIAS' certificate with EES' token: not authenticated."""
    limes = Limes()
    http = client(Gateway(config(keys), limes), keys.etias.cert)
    ees_query = EES_QUERY
    refused = ask(http, "ees-border-check", TOKENS["etias"], ees_query)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert ask(http, "ees-border-check", TOKENS["ees"], ees_query).status_code == 401
    assert limes.asked == []


@pytest.mark.parametrize(
    ("cert", "token"),
    [
        ("none", "etias"),
        ("gateway_client", "etias"),
        ("etias", None),
        ("etias", "ees"),
        ("etias", "etias-token-0123456789abcdeF"),
    ],
)
def test_no_pinned_certificate_or_no_right_token_is_401(
    keys: Pki, cert: str, token: str | None
) -> None:
    limes = Limes()
    path = None if cert == "none" else getattr(keys, cert).cert
    http = client(Gateway(config(keys), limes), path)
    answer = ask(http, "etias-screening", TOKENS.get(token or "", token), ETIAS_QUERY)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == 'Bearer realm="limes-gateway"'
    assert limes.asked == []


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"surnames": ["Ivanova"]}, "/date_of_birth"),  # required by the profile
        ({**ETIAS_QUERY, "reason": "x"}, "/reason"),  # not a field of any profile
        ({**ETIAS_QUERY, "categories": ["arrest"]}, "/categories"),
        ({**ETIAS_QUERY, "nationalities": ["ukr"]}, "/nationalities/0"),
        ({**ETIAS_QUERY, "gender": "f"}, "/gender"),
        ({**ETIAS_QUERY, "gender": ["female"]}, "/gender"),  # .ci/attack's fuzzer: was a 500
        ({**ETIAS_QUERY, "gender": {"is": "female"}}, "/gender"),
        ({**ETIAS_QUERY, "surnames": ["x" * 201]}, "/surnames/0"),
        ({**ETIAS_QUERY, "surnames": []}, "/surnames"),
    ],
)
def test_a_query_outside_the_profile_never_reaches_limes(
    keys: Pki, body: Any, pointer: str
) -> None:
    limes = Limes()
    http = client(Gateway(config(keys), limes), keys.etias.cert)
    answer = ask(http, "etias-screening", TOKENS["etias"], body)
    assert answer.status_code == 400
    assert pointer in [e["pointer"] for e in answer.json()["errors"]]
    assert limes.asked == []


@pytest.mark.parametrize(
    "raw", [b"[]", b"not json", b'{"surnames": ["A"], "surnames": ["B"]}', b"{" * 5000]
)
def test_bodies_that_are_no_query_are_400(keys: Pki, raw: bytes) -> None:
    limes = Limes()
    http = client(Gateway(config(keys), limes), keys.etias.cert)
    headers = {"Authorization": f"Bearer {TOKENS['etias']}"}
    answer = http.post("/v1/screening/etias-screening", content=raw, headers=headers)
    assert answer.status_code == 400
    assert limes.asked == []


def test_each_system_has_its_rate(keys: Pki) -> None:
    limes = Limes()
    gateway = Gateway(config(keys, per_second=0.01, burst=2), limes)
    etias = client(gateway, keys.etias.cert)
    statuses = [
        ask(etias, "etias-screening", TOKENS["etias"], ETIAS_QUERY).status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    limited = ask(etias, "etias-screening", TOKENS["etias"], ETIAS_QUERY)
    assert int(limited.headers["Retry-After"]) >= 1
    assert len(limes.asked) == 2
    limes.answer = Answer(
        200, b'{"source":"SIS","profile":"ees-border-check","hit":false,"results":[]}', None
    )
    ees = client(gateway, keys.ees.cert)  # another system: its own bucket
    assert ask(ees, "ees-border-check", TOKENS["ees"], EES_QUERY).status_code == 200


@pytest.mark.parametrize(
    "answer",
    [
        {**ETIAS_ANSWER, "alert_id": "01J0000000000000000000000"},  # a key beyond the shape
        {**ETIAS_ANSWER, "results": [{**ETIAS_ANSWER["results"][0], "reason": "robbery"}]},
        {**ETIAS_ANSWER, "results": [{"source": "SIS", "category": "arrest"}]},  # one missing
        {**ETIAS_ANSWER, "profile": "vis-visa-check"},
        {**ETIAS_ANSWER, "hit": False},  # disagrees with its results
        {**ETIAS_ANSWER, "results": [ETIAS_ANSWER["results"][0]] * 6},  # over max_results
        {"source": "SIS", "profile": "etias-screening", "hit": True},  # no results
    ],
)
def test_an_answer_beyond_the_profile_never_leaves(keys: Pki, answer: dict[str, Any]) -> None:
    limes = Limes(Answer(200, json.dumps(answer).encode(), None))
    http = client(Gateway(config(keys), limes), keys.etias.cert)
    refused = ask(http, "etias-screening", TOKENS["etias"], ETIAS_QUERY)
    assert refused.status_code == 502
    assert "robbery" not in refused.text and "01J0" not in refused.text


@pytest.mark.parametrize(
    ("status", "expected"), [(429, 429), (403, 403), (400, 400), (500, 502), (401, 502)]
)
def test_limes_refusals_pass_as_their_kind_without_detail(
    keys: Pki, status: int, expected: int
) -> None:
    limes = Limes(Answer(status, b'{"detail": "secret detail"}', "7"))
    http = client(Gateway(config(keys), limes), keys.etias.cert)
    answer = ask(http, "etias-screening", TOKENS["etias"], ETIAS_QUERY)
    assert answer.status_code == expected
    assert "secret detail" not in answer.text
    if status == 429:
        assert answer.headers["Retry-After"] == "7"


def test_limes_unreachable_is_502(keys: Pki) -> None:
    def down(path: str, body: bytes, headers: dict[str, str]) -> Answer:
        raise ConnectionRefusedError

    http = client(Gateway(config(keys), down), keys.etias.cert)
    assert ask(http, "etias-screening", TOKENS["etias"], ETIAS_QUERY).status_code == 502


def test_every_query_is_logged_without_its_values(
    keys: Pki, caplog: pytest.LogCaptureFixture
) -> None:
    http = client(Gateway(config(keys), Limes()), keys.etias.cert)
    with caplog.at_level(logging.INFO, logger="limes.gateway.queries"):
        ask(http, "etias-screening", TOKENS["etias"], ETIAS_QUERY)
        ask(http, "ees-border-check", TOKENS["etias"], EES_QUERY)
    # only the query log's records: another test's thread may log meanwhile
    queries = [r for r in caplog.records if r.name == "limes.gateway.queries"]
    entries = [json.loads(r.getMessage()) for r in queries]
    assert [(e["system"], e["profile"], e["status"]) for e in entries] == [
        ("etias", "etias-screening", 200),
        ("etias", "ees-border-check", 403),
    ]
    assert entries[0]["fields"] == ["date_of_birth", "external_reference", "surnames"]
    assert entries[1]["refused"] == "forbidden"
    for value in ("Ivanova", "1984", "ETIAS-2026", "EES-F-17"):
        assert value not in caplog.text


def test_nothing_else_is_served(keys: Pki) -> None:
    http = client(Gateway(config(keys), Limes()), keys.etias.cert)
    assert http.get("/v1/alerts").status_code == 404
    assert http.get("/docs").status_code == 404
    assert http.get("/v1/screening/etias-screening").status_code == 404  # the catch-all
    assert ask(http, "nothing", TOKENS["etias"], ETIAS_QUERY).status_code == 404

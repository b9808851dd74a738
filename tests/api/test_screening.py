"""``POST /v1/screening/{profile}``: the gateway's system client gets the profile's answer;
everyone else, and every other profile, is refused; the body is strict."""

from __future__ import annotations

from typing import Any

from tests.api.helpers import PERSON, TestClient, assert_problem, body, headers

GATEWAY = "eu-lisa-gw@EU-LISA/DE;roles=system_client"
ETIAS = {
    "surnames": ["Ivanova"],
    "forenames": ["Olga"],
    "date_of_birth": "1984-03-17",
    "external_reference": "ETIAS-2026-1",
}


def screen(
    client: TestClient,
    profile: str,
    query: Any,
    who: str = GATEWAY,
    purpose: str = "border_check",
    system: str | None = "etias",
) -> Any:
    extra = {"X_Limes_External_System": system} if system else {}
    return client.post(
        f"/v1/screening/{profile}", content=body(query), headers=headers(who, purpose, **extra)
    )


def test_the_gateway_gets_the_profiles_answer(client: TestClient) -> None:
    issued = client.post("/v1/alerts", content=body(PERSON), headers=headers())
    assert issued.status_code == 201
    answer = screen(client, "etias-screening", ETIAS)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "source": "SIS",
        "profile": "etias-screening",
        "hit": True,
        "results": [{"source": "SIS", "category": "arrest", "sirene_bureau": "SIRENE DE"}],
    }
    assert issued.json()["id"] not in answer.text


def test_another_systems_profile_is_403(client: TestClient) -> None:
    refused = screen(
        client, "ees-border-check", {"surnames": ["Ivanova"], "external_reference": "E1"}
    )
    assert_problem(refused, 403, "forbidden")


def test_a_border_guard_may_not_screen(client: TestClient) -> None:
    refused = screen(client, "etias-screening", ETIAS, who="guard-1@BPOL/DE;roles=border_guard")
    assert_problem(refused, 403, "forbidden")


def test_the_body_is_strict(client: TestClient) -> None:
    assert_problem(
        screen(client, "etias-screening", {**ETIAS, "reason": "x"}), 400, "invalid-input"
    )
    assert_problem(
        screen(client, "etias-screening", {**ETIAS, "gender": "x"}), 400, "invalid-input"
    )
    missing = screen(client, "etias-screening", {"surnames": ["Ivanova"]})
    assert_problem(missing, 400, "invalid-input")
    assert_problem(screen(client, "etias-screening", ETIAS, system=None), 400, "invalid-input")
    assert_problem(screen(client, "etias-screening", ETIAS, system="ETIAS!"), 400, "invalid-input")

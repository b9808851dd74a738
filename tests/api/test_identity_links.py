"""The multiple-identity link routes: read by colour, resolved by the resolving bureau."""

from __future__ import annotations

from tests.api.helpers import PERSON, TestClient, assert_problem, body, copied, headers

from limes.bootstrap import Limes

FR_SIRENE = "sirene-2@SIRENE-FR/FR;roles=sirene_operator"


def test_a_link_is_read_and_resolved_over_http(client: TestClient, limes: Limes) -> None:
    first = client.post("/v1/alerts", content=body(PERSON), headers=headers())
    assert first.status_code == 201, first.text
    limes.identity_links.detect()
    second = copied(PERSON)
    second["national_reference"] = "BKA-2026-0002"
    second["category"], second["action"] = "person_check", "discreet_check"
    second.pop("national_decision")
    made = client.post("/v1/alerts", content=body(second), headers=headers(FR_SIRENE))
    assert made.status_code == 201, made.text
    assert limes.identity_links.detect() == 1
    url = f"/v1/alerts/{made.json()['id']}/identity-links"
    [link] = client.get(url, headers=headers(FR_SIRENE)).json()["links"]
    assert link["colour"] == "yellow"
    assert client.get(url, headers=headers()).json()["links"] == []  # DE: not the resolver
    resolution = f"/v1/identity-links/{link['id']}/resolution"
    assert_problem(
        client.post(resolution, content=body({"colour": "blue"}), headers=headers(FR_SIRENE)),
        400,
        "invalid-input",
    )
    answer = client.post(resolution, content=body({"colour": "white"}), headers=headers(FR_SIRENE))
    assert answer.status_code == 200, answer.text
    assert answer.json()["colour"] == "white"
    assert [c for c, _ in answer.json()["history"]] == ["yellow", "white"]
    assert [k["colour"] for k in client.get(url, headers=headers()).json()["links"]] == ["white"]


GATEWAY = "eu-lisa-gw@EU-LISA/DE;roles=system_client"
DE_POLICE = "police-1@LKA/DE;roles=police_officer"
APPLICATION = {
    "surnames": ["Ivanova"],
    "forenames": ["Olga"],
    "date_of_birth": "1984-03-17",
    "external_reference": "ETIAS-2026-77",
}


def test_a_link_to_an_external_identity_shows_it_to_the_resolving_bureau_only(
    client: TestClient, limes: Limes
) -> None:
    alert = client.post("/v1/alerts", content=body(PERSON), headers=headers())
    assert alert.status_code == 201, alert.text
    asked = headers(GATEWAY, "border_check", X_Limes_External_System="etias")
    screened = client.post(
        "/v1/screening/etias-screening", content=body(APPLICATION), headers=asked
    )
    assert screened.status_code == 200 and "ETIAS-2026-77" not in screened.text
    limes.identity_links.detect()
    url = f"/v1/alerts/{alert.json()['id']}/identity-links"
    [link] = client.get(url, headers=headers()).json()["links"]
    assert (link["other_kind"], link["external_system"]) == ("external", "etias")
    assert link["external"]["reference"] == "ETIAS-2026-77"
    assert link["external"]["surnames"] == ["Ivanova"]
    police = headers(DE_POLICE, "police_check")
    assert client.get(url, headers=police).json()["links"] == []  # yellow
    resolution = f"/v1/identity-links/{link['id']}/resolution"
    assert_problem(
        client.post(resolution, content=body({"colour": "red"}), headers=headers(FR_SIRENE)),
        404,
        "not-found",
    )
    red = client.post(resolution, content=body({"colour": "red"}), headers=headers())
    assert red.status_code == 200 and red.json()["external"]["reference"] == "ETIAS-2026-77"
    [seen] = client.get(url, headers=police).json()["links"]
    assert seen["colour"] == "red" and seen["external"] is None
    assert "ETIAS-2026-77" not in client.get(url, headers=police).text

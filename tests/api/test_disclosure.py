"""No oracle and statistics of one's own state, through the HTTP API (issue 11, 7 and 10).

An immigration officer who issues an alert is told of the alerts on the same subject
that it may read, and of the others only that one exists and that its SIRENE bureau
is to be contacted: no id, no category, no state. SIRENE statistics count the
exchanges of the caller's own state, except for an EU-level role.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.api.helpers import (
    DE_SIRENE,
    FR_SIRENE,
    NOW,
    PERSON,
    TestClient,
    body,
    copied,
    headers,
)

from limes.policy.disclosure import RELATED_NOTICE

DE_IMMIGRATION = "officer-1@BAMF/DE;roles=immigration_officer"


def issue(client: TestClient, who: str, document: dict[str, Any], purpose: str = "sirene") -> Any:
    answer = client.post("/v1/alerts", content=body(document), headers=headers(who, purpose))
    assert answer.status_code == 201, answer.text
    return answer.json()


def on_the_same_person(category: str, action: str, reference: str) -> dict[str, Any]:
    found = copied(PERSON)
    found.update(category=category, action=action, national_reference=reference)
    return found


def test_issuing_names_only_the_related_alerts_the_caller_may_read(client: TestClient) -> None:
    covert = issue(client, FR_SIRENE, on_the_same_person("person_check", "discreet_check", "F1"))
    arrest = issue(client, DE_SIRENE, PERSON)
    refusal = issue(client, DE_SIRENE, on_the_same_person("refusal_of_entry", "refuse_entry", "R1"))
    # the officer may not read the discreet check: it answers 403
    refused = client.get(f"/v1/alerts/{covert['id']}", headers=headers(DE_IMMIGRATION, "return"))
    assert refused.status_code == 403
    assert "person_check" not in refused.text  # the refusal does not tell the category either

    ban = on_the_same_person("travel_ban", "refuse_entry", "T1")
    answer = client.post("/v1/alerts", content=body(ban), headers=headers(DE_IMMIGRATION, "return"))

    assert answer.status_code == 201, answer.text
    found = answer.json()
    assert found["related_alerts"] == [
        {"id": refusal["id"], "category": "refusal_of_entry", "issuing_state": "DE"}
    ]
    assert found["related_notice"] == RELATED_NOTICE
    for hidden in (covert["id"], arrest["id"], "person_check", "arrest", '"FR"'):
        assert hidden not in answer.text, hidden


def test_the_bureau_is_told_of_every_related_alert(client: TestClient) -> None:
    covert = issue(client, FR_SIRENE, on_the_same_person("person_check", "discreet_check", "F1"))

    found = issue(client, DE_SIRENE, PERSON)

    assert found["related_alerts"] == [
        {"id": covert["id"], "category": "person_check", "issuing_state": "FR"}
    ]
    assert found["related_notice"] is None


def test_a_linked_alert_the_reader_may_not_read_is_not_named(client: TestClient) -> None:
    arrest = issue(client, DE_SIRENE, PERSON)
    refusal = issue(client, DE_SIRENE, on_the_same_person("refusal_of_entry", "refuse_entry", "R"))
    url = f"/v1/alerts/{refusal['id']}"
    linked = client.put(f"{url}/links/{arrest['id']}", headers=headers())
    assert linked.status_code == 200, linked.text

    assert client.get(url, headers=headers()).json()["links"] == [arrest["id"]]
    read = client.get(url, headers=headers(DE_IMMIGRATION, "return"))
    assert read.status_code == 200, read.text
    assert read.json()["links"] == []
    assert arrest["id"] not in read.text


# -- statistics ------------------------------------------------------------------------------------


def hit(client: TestClient, officer: str, alert: dict[str, Any], country: str) -> None:
    report = {
        "identity": {"confirmed": True, "method": "fingerprints"},
        "place": {"description": "at the border", "country": country},
        "occurred_at": (NOW - timedelta(minutes=20)).isoformat(),
        "action": {"taken": True},
        "confirmation": "urgent",
    }
    found = {"alert_id": alert["id"], "alert_version": alert["version"], "report": report}
    answer = client.post("/v1/hits", content=body(found), headers=headers(officer, "police_check"))
    assert answer.status_code == 201, answer.text


def test_statistics_count_the_callers_own_state_unless_eu_level(client: TestClient) -> None:
    german = issue(client, DE_SIRENE, PERSON)
    spanish = issue(client, "sirene-4@SIRENE-ES/ES;roles=sirene_operator", PERSON)
    hit(client, "agent-1@PN/FR;roles=police_officer", german, "FR")
    hit(client, "agent-2@PS/IT;roles=police_officer", spanish, "IT")

    def figures(who: str, purpose: str) -> dict[str, Any]:
        until = {"until": (NOW + timedelta(hours=1)).isoformat()}
        answer = client.get("/v1/sirene/statistics", params=until, headers=headers(who, purpose))
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()
        return found

    de = figures(DE_SIRENE, "sirene")
    assert de["hits"] == 1
    assert de["hits_by_issuing_state"] == {"DE": 1}
    assert de["hits_by_executing_state"] == {"FR": 1}
    it = figures("sirene-5@SIRENE-IT/IT;roles=sirene_operator", "sirene")
    assert (it["hits_by_issuing_state"], it["hits_by_executing_state"]) == ({"ES": 1}, {"IT": 1})
    assert figures("sirene-6@SIRENE-PL/PL;roles=sirene_operator", "sirene")["hits"] == 0
    # the operators of the central system count every state
    everyone = figures("ops-1@OPS/EE;roles=system_operator", "operations")
    assert everyone["hits_by_issuing_state"] == {"DE": 1, "ES": 1}

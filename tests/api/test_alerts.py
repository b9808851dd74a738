"""Every route's happy path, through the HTTP door onto a real store."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.api.helpers import (
    DE_BORDER,
    FR_SIRENE,
    MISUSED,
    PERSON,
    VEHICLE,
    TestClient,
    body,
    copied,
    headers,
)

from limes.store.sqlite import SqliteStore

BOOKKEEPING = {
    "id",
    "issuing_state",
    "category",
    "subject",
    "status",
    "version",
    "created_at",
    "updated_at",
    "expires_at",
    "extensions",
    "warned_at",
}
ALERT_KEYS = BOOKKEEPING | {
    "content",
    "flags",
    "links",
    "has_misused_identity",
    "withheld",
    "action_note",
}


def test_issue_answers_201_with_location_etag_and_related_alerts(
    client: TestClient, db: SqliteStore
) -> None:
    response = client.post("/v1/alerts", content=body(PERSON), headers=headers())

    assert response.status_code == 201
    alert = response.json()
    assert set(alert) == ALERT_KEYS | {"related_alerts", "related_notice"}
    assert response.headers["location"] == f"/v1/alerts/{alert['id']}"
    assert response.headers["etag"] == '"1"'
    assert response.headers["content-type"] == "application/json"
    assert alert["issuing_state"] == "DE"
    assert alert["status"] == "active"
    assert alert["version"] == 1
    assert alert["related_alerts"] == []
    assert alert["related_notice"] is None
    assert alert["has_misused_identity"] is False
    assert alert["content"]["person"]["surnames"][0]["original"] == "Иванова"
    assert alert["created_at"] == "2026-06-01T08:30:00+00:00"
    assert alert["expires_at"] == "2031-06-01T08:30:00+00:00"
    assert db.count() == 1


def test_issue_reports_another_states_alert_on_the_same_subject(
    client: TestClient, issued: dict[str, Any]
) -> None:
    same = copied(PERSON)
    same["national_reference"] = "FR-1"
    response = client.post("/v1/alerts", content=body(same), headers=headers(FR_SIRENE))

    assert response.status_code == 201, response.text
    assert response.json()["related_alerts"] == [
        {"id": issued["id"], "category": "arrest", "issuing_state": "DE"}
    ]


def test_get_answers_the_alert_with_its_etag(client: TestClient, issued: dict[str, Any]) -> None:
    response = client.get(f"/v1/alerts/{issued['id']}", headers=headers(DE_BORDER, "border_check"))

    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    alert = response.json()
    assert set(alert) == ALERT_KEYS
    # a border guard sees what an identity check needs (policy.toml, view identity_check)
    assert issued["withheld"] == []
    assert alert["withheld"] == ["reason", "national_decision", "return_details", "issuer"]
    withheld = {"reason": "", "national_decision": None, "issuing_authority": ""}
    assert alert["content"] == issued["content"] | withheld | {"national_reference": ""}


def test_list_filters_and_pages(client: TestClient, issued: dict[str, Any]) -> None:
    vehicle = client.post("/v1/alerts", content=body(VEHICLE), headers=headers()).json()
    base = "/v1/alerts"

    everything = client.get(base, headers=headers()).json()
    assert [a["id"] for a in everything["items"]] == [issued["id"], vehicle["id"]]
    assert everything["next_cursor"] is None

    first = client.get(base, params={"limit": 1}, headers=headers()).json()
    assert [a["id"] for a in first["items"]] == [issued["id"]]
    second = client.get(
        base, params={"limit": 1, "cursor": first["next_cursor"]}, headers=headers()
    ).json()
    assert [a["id"] for a in second["items"]] == [vehicle["id"]]

    def ids(**params: str) -> list[str]:
        answer = client.get(base, params=params, headers=headers())
        assert answer.status_code == 200, answer.text
        return [a["id"] for a in answer.json()["items"]]

    assert ids(category="object_seizure") == [vehicle["id"]]
    assert ids(object_type="motor_vehicle") == [vehicle["id"]]
    assert ids(issuing_state="DE") == [issued["id"], vehicle["id"]]
    assert ids(issuing_state="FR") == []
    assert ids(status="deleted") == []


def test_update_with_if_match_answers_the_new_version(
    client: TestClient, issued: dict[str, Any]
) -> None:
    changed = copied(PERSON)
    changed["reason"] = "European Arrest Warrant for armed robbery and fraud"
    response = client.put(
        f"/v1/alerts/{issued['id']}", content=body(changed), headers=headers(If_Match='"1"')
    )

    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'
    assert response.json()["version"] == 2
    assert response.json()["content"]["reason"].endswith("and fraud")
    assert "related_alerts" in response.json()


def test_two_puts_with_the_same_if_match_second_gets_412(
    client: TestClient, issued: dict[str, Any], db: SqliteStore
) -> None:
    url = f"/v1/alerts/{issued['id']}"
    first, second = copied(PERSON), copied(PERSON)
    first["reason"] = "first writer"
    second["reason"] = "second writer"

    assert client.put(url, content=body(first), headers=headers(If_Match='"1"')).status_code == 200
    events = db.events_after(0)
    late = client.put(url, content=body(second), headers=headers(If_Match='"1"'))

    assert late.status_code == 412
    assert late.headers["content-type"] == "application/problem+json"
    assert late.json()["type"] == "urn:limes:problem:version-mismatch"
    assert client.get(url, headers=headers()).json()["content"]["reason"] == "first writer"
    assert db.events_after(0) == events


def test_delete_erases_and_leaves_a_tombstone(client: TestClient, issued: dict[str, Any]) -> None:
    url = f"/v1/alerts/{issued['id']}"
    response = client.delete(url, headers=headers(If_Match='"1"'))

    assert response.status_code == 204
    assert response.content == b""
    assert client.get(url, headers=headers()).status_code == 410
    tombstones = client.get("/v1/alerts", params={"status": "deleted"}, headers=headers()).json()
    [tombstone] = tombstones["items"]
    assert tombstone["id"] == issued["id"]
    assert tombstone["content"] is None
    assert tombstone["status"] == "deleted"


def test_extension_moves_the_review_date(
    client: TestClient, issued: dict[str, Any], api_clock: Any
) -> None:
    api_clock.now = datetime(2031, 3, 1, tzinfo=UTC)
    url = f"/v1/alerts/{issued['id']}/extension"
    response = client.post(
        url,
        content=body({"reason": "suspect still at large", "until": "2033-01-01"}),
        headers=headers(If_Match='"1"'),
    )

    assert response.status_code == 200, response.text
    alert = response.json()
    assert response.headers["etag"] == '"2"'
    assert alert["expires_at"] == "2033-01-01T08:30:00+00:00"
    [extension] = alert["extensions"]
    assert extension["reason"] == "suspect still at large"
    assert extension["previous_expiry"] == "2031-06-01T08:30:00+00:00"

    again = client.post(url, content=body({"reason": "again"}), headers=headers(If_Match='"2"'))
    assert again.status_code == 200, again.text
    assert again.json()["expires_at"] == "2036-03-01T00:00:00+00:00"


def test_misused_identity_put_get_delete(client: TestClient, issued: dict[str, Any]) -> None:
    url = f"/v1/alerts/{issued['id']}/misused-identity"

    put = client.put(url, content=body(MISUSED), headers=headers(If_Match='"1"'))
    assert put.status_code == 200, put.text
    assert put.json()["has_misused_identity"] is True
    assert put.headers["etag"] == '"2"'

    got = client.get(url, headers=headers())
    assert got.status_code == 200
    assert got.json()["consent"] == MISUSED["consent"]
    assert got.json()["person"]["surnames"][0]["latin"] == "Petrova"

    gone = client.delete(url, headers=headers(If_Match='"2"'))
    assert gone.status_code == 200, gone.text
    assert gone.json()["has_misused_identity"] is False
    assert gone.headers["etag"] == '"3"'
    assert client.get(url, headers=headers()).status_code == 404


def test_flag_request_decision_and_withdrawal(client: TestClient, issued: dict[str, Any]) -> None:
    url = f"/v1/alerts/{issued['id']}/flags"
    fr = headers(FR_SIRENE)

    asked = client.post(url, content=body({"reason": "national law forbids arrest"}), headers=fr)
    assert asked.status_code == 200, asked.text
    [flag] = asked.json()["flags"]
    assert (flag["state"], flag["status"]) == ("FR", "requested")

    decided = client.post(
        f"{url}/FR/decision",
        content=body({"grant": True, "reason": "agreed by SIRENE DE"}),
        headers=headers(),
    )
    assert decided.status_code == 200, decided.text
    [flag] = decided.json()["flags"]
    assert (flag["status"], flag["decision_reason"]) == ("granted", "agreed by SIRENE DE")

    withdrawn = client.delete(f"{url}/FR", headers=fr)
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["flags"][0]["status"] == "withdrawn"


def test_link_and_unlink(client: TestClient, issued: dict[str, Any]) -> None:
    vehicle = client.post("/v1/alerts", content=body(VEHICLE), headers=headers()).json()
    url = f"/v1/alerts/{issued['id']}/links/{vehicle['id']}"

    linked = client.put(url, headers=headers())
    assert linked.status_code == 200, linked.text
    assert linked.json()["links"] == [vehicle["id"]]
    other = client.get(f"/v1/alerts/{vehicle['id']}", headers=headers()).json()
    assert other["links"] == [issued["id"]]

    unlinked = client.delete(url, headers=headers())
    assert unlinked.status_code == 200, unlinked.text
    assert unlinked.json()["links"] == []

"""Break-glass through the HTTP door, the DPO's security events, and rate limits."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from tests.api.helpers import TestClient, assert_problem, body, headers
from tests.conftest import FixedClock

from limes.api.app import create_app
from limes.bootstrap import Limes, build
from limes.store.sqlite import SqliteStore

ALICE = "alice@OPS-DE/DE;roles=system_operator"
PIERRE = "pierre@DPA-FR/FR;roles=data_protection_officer"
DPO = "dpo@DPA-DE/DE;roles=data_protection_officer"


def ops(principal: str) -> dict[str, str]:
    return headers(principal, "operations")


def dpo(principal: str = DPO) -> dict[str, str]:
    return headers(principal, "data_protection")


def test_an_operator_reads_one_alert_only_after_a_second_person_approves(
    client: TestClient, issued: dict[str, Any], api_clock: FixedClock
) -> None:
    alert = issued["id"]
    assert_problem(client.get(f"/v1/alerts/{alert}", headers=ops(ALICE)), 403, "forbidden")
    asked = client.post(
        "/v1/breakglass",
        content=body(
            {"alert_id": alert, "permissions": ["alert:read"], "minutes": 30, "reason": "corrupt"}
        ),
        headers=ops(ALICE),
    )
    assert asked.status_code == 201, asked.text
    grant = asked.json()["id"]
    decision = body({"approve": True, "reason": "ticket 4711"})
    self_approved = client.post(
        f"/v1/breakglass/{grant}/decision", content=decision, headers=ops(ALICE)
    )
    assert_problem(self_approved, 403, "forbidden")
    foreign = client.post(f"/v1/breakglass/{grant}/decision", content=decision, headers=dpo(PIERRE))
    assert_problem(foreign, 403, "forbidden")
    assert_problem(client.get(f"/v1/alerts/{alert}", headers=ops(ALICE)), 403, "forbidden")

    approved = client.post(f"/v1/breakglass/{grant}/decision", content=decision, headers=dpo())
    assert approved.status_code == 200, approved.text
    assert client.get(f"/v1/alerts/{alert}", headers=ops(ALICE)).status_code == 200
    bob = "bob@OPS-DE/DE;roles=system_operator"
    assert_problem(client.get(f"/v1/alerts/{alert}", headers=ops(bob)), 403, "forbidden")

    api_clock.now += timedelta(minutes=30)
    assert_problem(client.get(f"/v1/alerts/{alert}", headers=ops(ALICE)), 403, "forbidden")

    events = client.get("/v1/security-events", headers=dpo())
    assert events.status_code == 200, events.text
    kinds = [e["kind"] for e in events.json()["items"]]
    assert kinds == ["breakglass.requested", "breakglass.granted"]
    assert_problem(client.get("/v1/security-events", headers=ops(ALICE)), 403, "forbidden")


def test_a_request_outside_the_bounds_is_refused(
    client: TestClient, issued: dict[str, Any]
) -> None:
    for form in (
        {"alert_id": issued["id"], "permissions": ["alert:delete"], "minutes": 30, "reason": "x"},
        {"alert_id": issued["id"], "permissions": ["alert:read"], "minutes": 241, "reason": "x"},
        {"alert_id": issued["id"], "permissions": ["alert:read"], "minutes": 30, "reason": ""},
        {"alert_id": issued["id"], "permissions": ["alert:read"], "minutes": 30},
    ):
        answer = client.post("/v1/breakglass", content=body(form), headers=ops(ALICE))
        assert_problem(answer, 400, "invalid-input")


def test_too_many_requests_get_429_with_retry_after(db: SqliteStore, limes: Limes) -> None:
    tight = build(
        replace(limes.settings, rate_per_second=1, rate_burst=2), store=db, clock=limes.alerts.clock
    )
    client = TestClient(create_app(tight))
    for _ in range(2):
        assert client.get("/v1/alerts", headers=headers()).status_code == 200
    answer = client.get("/v1/alerts", headers=headers())
    found = assert_problem(answer, 429, "rate-limited")
    assert int(answer.headers["Retry-After"]) >= 1
    assert "too many requests" in found["detail"]

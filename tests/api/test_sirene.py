"""Hits and the SIRENE exchange end to end through the HTTP API, across member states.

DE issues an arrest alert; a French police officer finds it by a person search and
records a hit; the French bureau sends the G form; the German bureau replies. Then a
flag cycle on F forms with the flagged view, an overdue deadline escalated by moving
the clock, and Italy refused access to the case (403, recorded in the audit trail).
Refused requests leave the store and the change feed as they were.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta
from typing import Any

import orjson
import pytest
from tests.api.helpers import (
    DE_SIRENE,
    FR_SIRENE,
    NOW,
    TestClient,
    assert_problem,
    body,
    headers,
)
from tests.conftest import FixedClock
from tests.sirene.documents import HTML, pdf
from tests.store_peek import peek

from limes.api.app import SECURITY_HEADERS
from limes.bootstrap import Limes
from limes.store.sqlite import SqliteStore

FR_POLICE = "agent-1@PN/FR;roles=police_officer"
IT_SIRENE = "sirene-3@SIRENE-IT/IT;roles=sirene_operator"
OPS = "ops-1@OPS/DE;roles=system_operator"
PDF = pdf()  # a real one: a header alone is refused now
POLYGLOT = base64.b64encode(pdf() + HTML).decode()  # a PDF, and a web page to a browser


def police() -> dict[str, str]:
    return headers(FR_POLICE, "police_check")


def hit_of(alert: dict[str, Any], **report: Any) -> dict[str, Any]:
    found = {
        "identity": {"confirmed": True, "method": "fingerprints"},
        "place": {"description": "Gare du Nord, Paris", "country": "FR"},
        "occurred_at": (NOW - timedelta(minutes=20)).isoformat(),
        "action": {"taken": True},
        "confirmation": "urgent",
    }
    found.update(report)
    return {"alert_id": alert["id"], "alert_version": alert["version"], "report": found}


def record_hit(client: TestClient, alert: dict[str, Any]) -> dict[str, Any]:
    """The French officer searches the person as written in her passport, finds the
    alert among the hits and records the hit on the version the search answered."""
    person = alert["content"]["person"]
    query = {
        "surnames": [n.get("original") or n["latin"] for n in person["surnames"]],
        "forenames": [n["latin"] for n in person["forenames"]],
        "date_of_birth": person["date_of_birth"],
    }
    found = client.post("/v1/search/persons", content=body(query), headers=police())
    assert found.status_code == 200, found.text
    hit = next(h for h in found.json()["hits"] if h["alert"]["id"] == alert["id"])
    answer = client.post("/v1/hits", content=body(hit_of(hit["alert"])), headers=police())
    assert answer.status_code == 201, answer.text
    hit: dict[str, Any] = answer.json()
    return hit


def send(client: TestClient, who: str, case: str, form: dict[str, Any], **more: Any) -> Any:
    message = {"language": "en", "body": form, **more}
    return client.post(
        f"/v1/sirene/cases/{case}/messages", content=body(message), headers=headers(who)
    )


def feed_kinds(db: SqliteStore) -> list[str]:
    return [e.type for e in db.events_after(0, 10_000)]


def test_hit_g_form_and_reply_between_two_states(
    client: TestClient, issued: dict[str, Any], db: SqliteStore, api_clock: FixedClock
) -> None:
    hit = record_hit(client, issued)
    assert hit["executing_state"] == "FR" and hit["issuing_state"] == "DE"
    assert hit["report"]["place"]["country"] == "FR"
    case = hit["case_id"]

    pdf = base64.b64encode(PDF).decode()
    g = {"form": "G", "hit_id": hit["id"], "confirmation": "urgent", "remarks": "Held at station"}
    sent = send(
        client,
        FR_SIRENE,
        case,
        g,
        priority="urgent",
        attachments=[{"media_type": "application/pdf", "content_base64": pdf}],
    )
    assert sent.status_code == 201, sent.text
    g_form = sent.json()
    assert (g_form["from_state"], g_form["to_state"]) == ("FR", "DE")
    # an urgent hit confirmation is due within 10 minutes (the NCIC rule)
    assert g_form["reply_due"].startswith((NOW + timedelta(minutes=10)).isoformat()[:16])
    attachment = g_form["attachments"][0]
    assert attachment["sha256"] == hashlib.sha256(PDF).hexdigest()

    inbox = client.get("/v1/sirene/inbox", headers=headers(DE_SIRENE)).json()
    assert [m["id"] for m in inbox["items"]] == [g_form["id"]]
    assert inbox["items"][0]["body"] is None  # the work list carries no content
    assert client.get("/v1/sirene/inbox", headers=headers(FR_SIRENE)).json()["items"] == []

    got = client.get(f"/v1/sirene/attachments/{attachment['id']}", headers=headers(DE_SIRENE))
    assert got.status_code == 200, got.text
    assert base64.b64decode(got.json()["content_base64"]) == PDF
    assert got.json()["media_type"] == "application/pdf"
    # served as a download, never rendered: a browser saves it and runs nothing in it
    assert got.headers["content-disposition"] == f'attachment; filename="{attachment["id"]}.json"'
    assert got.headers["x-content-type-options"] == "nosniff"
    csp = got.headers["content-security-policy"]
    assert csp == SECURITY_HEADERS["Content-Security-Policy"]
    assert {"sandbox", "default-src 'none'"} <= set(csp.split("; "))

    api_clock.now = NOW + timedelta(minutes=4)
    reply = send(
        client,
        DE_SIRENE,
        case,
        {"form": "M", "text": "Confirmed; EAW follows"},
        reply_to=g_form["id"],
    )
    assert reply.status_code == 201, reply.text
    assert reply.json()["reply_due"] is None

    seen = client.get(f"/v1/sirene/cases/{case}", headers=headers(FR_SIRENE))
    assert seen.status_code == 200, seen.text
    messages = seen.json()["messages"]
    assert [m["form"] for m in messages] == ["G", "M"]
    assert messages[0]["answered_at"] is not None and not messages[0]["overdue"]
    assert messages[0]["body"]["remarks"] == "Held at station"
    assert client.get("/v1/sirene/inbox", headers=headers(DE_SIRENE)).json()["items"] == []
    assert feed_kinds(db)[-3:] == ["hit.recorded", "sirene.message", "sirene.message"]

    stats = client.get("/v1/sirene/statistics", headers=headers(DE_SIRENE)).json()
    assert stats["hits"] == 1 and stats["hits_by_executing_state"] == {"FR": 1}
    assert stats["response_times"] == {
        "answered": 1,
        "median_seconds": 240.0,
        "p90_seconds": 240.0,
        "late": 0,
    }
    csv = client.get("/v1/sirene/statistics?format=csv", headers=headers(DE_SIRENE))
    assert csv.headers["content-type"].startswith("text/csv")
    assert "hits_by_category,arrest,1\r\n" in csv.text


def test_a_third_state_is_refused_the_case_and_the_refusal_is_audited(
    client: TestClient, issued: dict[str, Any], db: SqliteStore, limes: Limes
) -> None:
    hit = record_hit(client, issued)
    case = hit["case_id"]
    before = feed_kinds(db)

    assert_problem(
        client.get(f"/v1/sirene/cases/{case}", headers=headers(IT_SIRENE)), 403, "forbidden"
    )
    answer = send(client, IT_SIRENE, case, {"form": "M", "text": "We want to know"})
    assert_problem(answer, 403, "forbidden")
    # a police officer of a party state is no SIRENE operator: the table refuses
    assert_problem(client.get(f"/v1/sirene/cases/{case}", headers=police()), 403, "forbidden")

    assert feed_kinds(db) == before
    with limes.audit.store.read() as audit:
        rows = [orjson.loads(data) for *_, data in audit.all_records()]
    refused = [
        (r["action"], r["outcome"], r["refs"].get("case"))
        for r in rows
        if r["member_state"] == "IT"
    ]
    assert refused == [
        ("case:read", "refused", case),
        ("case:write", "attempted", case),  # a write is recorded ahead of itself
        ("case:write", "refused", case),
    ]


def test_flag_cycle_on_f_forms_and_the_flagged_view(
    client: TestClient, issued: dict[str, Any]
) -> None:
    hit = record_hit(client, issued)
    case = hit["case_id"]
    request = send(
        client,
        FR_SIRENE,
        case,
        {"form": "F", "step": "request", "reason": "Arrest not possible under FR law"},
    )
    assert request.status_code == 201, request.text
    assert request.json()["reply_due"] is not None
    # the issuing state answers the F request: the flag cycle moves with it
    granted = send(
        client,
        DE_SIRENE,
        case,
        {"form": "F", "step": "grant", "reason": "Agreed"},
        reply_to=request.json()["id"],
    )
    assert granted.status_code == 201, granted.text

    seen_in_fr = client.get(f"/v1/alerts/{issued['id']}", headers=police()).json()
    assert seen_in_fr["action_note"] == "not to be carried out in FR"
    assert [f["status"] for f in seen_in_fr["flags"]] == ["granted"]
    listed = client.get("/v1/alerts?issuing_state=DE", headers=police()).json()["items"]
    assert listed[0]["action_note"] == "not to be carried out in FR"
    seen_in_de = client.get(f"/v1/alerts/{issued['id']}", headers=headers(DE_SIRENE)).json()
    assert seen_in_de["action_note"] is None

    # FR cannot grant its own request: F replies come from the issuing state
    again = send(
        client,
        FR_SIRENE,
        case,
        {"form": "F", "step": "grant", "reason": "x"},
        reply_to=request.json()["id"],
    )
    assert_problem(again, 409, "conflict")


def test_an_overdue_form_is_escalated_when_the_clock_moves(
    client: TestClient, issued: dict[str, Any], api_clock: FixedClock, limes: Limes
) -> None:
    hit = record_hit(client, issued)
    g = {"form": "G", "hit_id": hit["id"], "confirmation": "routine"}
    sent = send(client, FR_SIRENE, hit["case_id"], g).json()
    ops = headers(OPS, "operations")

    assert client.post("/v1/sirene/escalation", headers=ops).json()["escalated"] == 0
    api_clock.now = NOW + timedelta(hours=1, minutes=1)
    overdue = client.get("/v1/sirene/inbox?overdue=true", headers=headers(DE_SIRENE)).json()
    assert [(m["id"], m["overdue"]) for m in overdue["items"]] == [(sent["id"], True)]
    run = client.post("/v1/sirene/escalation", headers=ops).json()
    assert run == {"escalated": 1, "messages": [sent["id"]]}
    assert client.post("/v1/sirene/escalation", headers=ops).json()["escalated"] == 0
    api_clock.now = NOW + timedelta(hours=2, minutes=2)
    assert client.post("/v1/sirene/escalation", headers=ops).json()["escalated"] == 1

    case = client.get(f"/v1/sirene/cases/{hit['case_id']}", headers=headers(DE_SIRENE)).json()
    assert case["messages"][0]["escalation_level"] == 2
    with limes.store.read() as tx:
        events = tx.security_events.after(0, 100, "DE")
    assert [e.kind for e in events if e.kind == "sirene.overdue"] == ["sirene.overdue"] * 2
    stats = client.get("/v1/sirene/statistics", headers=headers(DE_SIRENE)).json()
    assert stats["overdue"] == 1


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"occurred_at": (NOW + timedelta(hours=1)).isoformat()}, "/report/occurred_at"),
        ({"place": {"description": "Paris", "country": "XX"}}, "/report/place/country"),
        ({"identity": {"confirmed": True, "method": "none"}}, "/report/identity/method"),
        ({"action": {"taken": False}}, "/report/action/reason"),
        ({"check": {"place": "Paris", "time": NOW.isoformat()}}, "/report/check"),
        ({"colour": "blue"}, "/report/colour"),
    ],
)
def test_a_bad_hit_is_refused_and_changes_nothing(
    client: TestClient,
    issued: dict[str, Any],
    db: SqliteStore,
    change: dict[str, Any],
    pointer: str,
) -> None:
    before = feed_kinds(db)
    answer = client.post("/v1/hits", content=body(hit_of(issued, **change)), headers=police())
    problem = assert_problem(answer, 400, "invalid-input")
    assert pointer in [e["pointer"] for e in problem["errors"]], problem
    assert feed_kinds(db) == before
    with db.read() as tx:
        assert peek(tx).rows("SELECT count(*) FROM sirene_cases")[0][0] == 0


def test_a_hit_on_a_changed_alert_is_refused(
    client: TestClient, issued: dict[str, Any], db: SqliteStore
) -> None:
    stale = {**issued, "version": issued["version"] + 1}
    answer = client.post("/v1/hits", content=body(hit_of(stale)), headers=police())
    assert_problem(answer, 409, "conflict")


@pytest.mark.parametrize(
    ("message", "pointer"),
    [
        ({"language": "xx", "body": {"form": "M", "text": "x"}}, "/language"),
        ({"language": "en", "body": {"form": "M", "text": "bad\x00"}}, "/body/text"),
        ({"language": "en", "body": {"form": "Z", "text": "x"}}, "/body"),
        (
            {
                "language": "en",
                "body": {"form": "M", "text": "x"},
                "attachments": [{"media_type": "application/pdf", "content_base64": "aGVsbG8="}],
            },
            "/attachments/0/content_base64",
        ),
        (
            {
                "language": "en",
                "body": {"form": "M", "text": "x"},
                "attachments": [{"media_type": "application/x-sh", "content_base64": "aGVsbG8="}],
            },
            "/attachments/0/media_type",
        ),
        (
            {
                "language": "en",
                "body": {"form": "M", "text": "x"},
                "attachments": [{"media_type": "application/pdf", "content_base64": POLYGLOT}],
            },
            "/attachments/0/content_base64",
        ),
    ],
)
def test_a_bad_form_is_refused_and_changes_nothing(
    client: TestClient,
    issued: dict[str, Any],
    db: SqliteStore,
    message: dict[str, Any],
    pointer: str,
) -> None:
    case = record_hit(client, issued)["case_id"]
    before = feed_kinds(db)
    answer = client.post(
        f"/v1/sirene/cases/{case}/messages", content=body(message), headers=headers(FR_SIRENE)
    )
    problem = assert_problem(answer, 400, "invalid-input")
    assert any(e["pointer"].startswith(pointer) for e in problem["errors"]), problem
    assert feed_kinds(db) == before
    with db.read() as tx:
        assert peek(tx).rows("SELECT count(*) FROM sirene_messages")[0][0] == 0


def test_a_hit_on_an_own_alert_opens_a_case_of_one_party_without_g_form(
    client: TestClient, issued: dict[str, Any]
) -> None:
    de_police = headers("kmeier@LKA/DE;roles=police_officer", "police_check")
    answer = client.post("/v1/hits", content=body(hit_of(issued)), headers=de_police)
    assert answer.status_code == 201, answer.text
    hit = answer.json()
    assert hit["executing_state"] == hit["issuing_state"] == "DE"
    g = {"form": "G", "hit_id": hit["id"]}
    assert_problem(send(client, DE_SIRENE, hit["case_id"], g), 409, "conflict")
    note = send(client, DE_SIRENE, hit["case_id"], {"form": "M", "text": "Seen in Köln"})
    assert note.status_code == 201, note.text
    assert (note.json()["from_state"], note.json()["to_state"]) == ("DE", "DE")

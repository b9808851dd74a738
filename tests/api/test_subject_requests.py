"""Data-subject requests end to end through the HTTP API, between three states.

Olga Ivanova asks France what SIS holds on her. DE and IT each hold an alert on her;
a French border guard has searched her and read the German one. The French data
protection officer registers the request (sealed), searches every alert (recorded
under the data-protection purpose), confirms both candidates, which consults DE and IT
on SIRENE cases with a deadline. IT stays silent past it and is escalated, then
restricts on a ground of the closed list; DE discloses. The reply lists the German
alert's data and who accessed it (state, authority type, purpose, date; no officer),
each access with an inclusion proof that verifies against the signed tree head. A
rectification request about the same alert is done by DE through the alert's
lifecycle and linked. Each refusal and each bad input leaves the store unchanged.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.api.helpers import DE_SIRENE, NOW, PERSON, TestClient, assert_problem, body, headers
from tests.conftest import FixedClock
from tests.sirene.pdf_text import text_of
from tests.store_peek import peek

from limes.audit import merkle
from limes.audit.heads import ensure_audit_key, signed_bytes
from limes.bootstrap import Limes
from limes.config import Settings
from limes.store.sqlite import SqliteStore

FR_DPO = "dpo-fr@CNIL/FR;roles=data_protection_officer"
DE_DPO = "dpo-de@BfDI/DE;roles=data_protection_officer"
IT_DPO = "dpo-it@GPDP/IT;roles=data_protection_officer"
IT_SIRENE = "sirene-3@SIRENE-IT/IT;roles=sirene_operator"
FR_GUARD = "guard-7@PAF/FR;roles=border_guard"
OPS = "ops-1@OPS/FR;roles=system_operator"

REQUEST: dict[str, Any] = {
    "kind": "access",
    "applicant": {
        "surnames": ["Ivanova"],
        "forenames": ["Olga"],
        "date_of_birth": "1984-03-17",
        "nationalities": ["UA"],
        "address": "12 rue de la Paix, 75002 Paris",
    },
    "verification": "document_seen",
    "verification_note": "Passport L898902C3 seen at the counter",
    "received_on": "2026-05-29",
    "language": "fr",
    "channel": "in_person",
}


def dpo(who: str = FR_DPO) -> dict[str, str]:
    return headers(who, "data_protection")


def issue(client: TestClient, who: str, reference: str) -> dict[str, Any]:
    alert = {**PERSON, "national_reference": reference}
    answer = client.post("/v1/alerts", content=body(alert), headers=headers(who))
    assert answer.status_code == 201, answer.text
    issued: dict[str, Any] = answer.json()
    return issued


def register(client: TestClient, **changes: Any) -> dict[str, Any]:
    answer = client.post(
        "/v1/subject-requests", content=body({**REQUEST, **changes}), headers=dpo()
    )
    assert answer.status_code == 201, answer.text
    found: dict[str, Any] = answer.json()
    return found


def post(client: TestClient, path: str, who: str, data: Any = None) -> Any:
    content = None if data is None else body(data)
    return client.post(f"/v1/subject-requests/{path}", content=content, headers=dpo(who))


def ok(answer: Any, status: int = 200) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    found: dict[str, Any] = answer.json()
    return found


@pytest.fixture
def limes_settings(limes_settings: Settings) -> Settings:
    """With an audit key, so that the log signs the heads the reply's proofs lead to."""
    ensure_audit_key(limes_settings.audit_key_path)
    return limes_settings


@pytest.fixture
def alerts(client: TestClient) -> dict[str, dict[str, Any]]:
    de = issue(client, DE_SIRENE, "BKA-2026-0001")
    it = issue(client, IT_SIRENE, "SIRENE-IT-55")
    # a French border guard checks her and opens the German alert: an access on record
    person = {"surnames": ["Ivanova"], "forenames": ["Olga"], "date_of_birth": "1984-03-17"}
    guard = headers(FR_GUARD, "border_check")
    assert client.post("/v1/search/persons", content=body(person), headers=guard).status_code == 200
    assert client.get(f"/v1/alerts/{de['id']}", headers=guard).status_code == 200
    return {"DE": de, "IT": it}


def consulted(client: TestClient, alerts: dict[str, dict[str, Any]], **changes: Any) -> str:
    request = register(client, **changes)
    found = ok(post(client, f"{request['id']}/search", FR_DPO))
    candidates = {h["alert_id"] for h in found["holdings"]}
    assert candidates == {alerts["DE"]["id"], alerts["IT"]["id"]}
    for state in ("DE", "IT"):
        decided = ok(
            post(
                client,
                f"{request['id']}/holdings/{alerts[state]['id']}/decision",
                FR_DPO,
                {"confirmed": True},
            )
        )
    holdings = {h["issuing_state"]: h for h in decided["holdings"]}
    assert all(h["case_id"] and h["message_id"] for h in holdings.values())
    return str(request["id"])


def count(db: SqliteStore) -> int:
    with db.read() as tx:
        return int(peek(tx).rows("SELECT count(*) FROM subject_requests")[0][0])


def test_access_request_between_three_states(
    client: TestClient,
    alerts: dict[str, dict[str, Any]],
    api_clock: FixedClock,
    limes: Limes,
    db: SqliteStore,
) -> None:
    request_id = consulted(client, alerts)
    seen = ok(client.get(f"/v1/subject-requests/{request_id}", headers=dpo()))
    # the legal month from receipt (GDPR Art. 12(3)), to the end of that day
    assert seen["due_at"].startswith("2026-06-30T00:00:00")
    assert seen["applicant"]["surnames"] == ["Ivanova"]
    # the applicant's data are sealed: nothing readable in the database file
    with db.read() as tx:
        [(sealed,)] = peek(tx).rows("SELECT body FROM subject_requests")
    assert b"Ivanova" not in bytes(sealed)
    files = [Path(db.path), Path(f"{db.path}-wal")]
    assert not any(b"rue de la Paix" in f.read_bytes() for f in files if f.exists())

    # DE and IT see the request (each its own alert), a fourth state nothing
    de_view = ok(client.get(f"/v1/subject-requests/{request_id}", headers=dpo(DE_DPO)))
    assert [h["issuing_state"] for h in de_view["holdings"]] == ["DE"]
    other = "dpo-pl@UODO/PL;roles=data_protection_officer"
    assert_problem(
        client.get(f"/v1/subject-requests/{request_id}", headers=dpo(other)), 403, "forbidden"
    )
    # a SIRENE operator is no data-protection role
    assert_problem(
        client.get(f"/v1/subject-requests/{request_id}", headers=headers()), 403, "forbidden"
    )
    # the consultation is in the bureaux' SIRENE inbox, with its deadline
    inbox = ok(client.get("/v1/sirene/inbox", headers=headers(DE_SIRENE)))
    assert [m["form"] for m in inbox["items"]] == ["M"]
    due = inbox["items"][0]["reply_due"]
    assert due.startswith((NOW + timedelta(days=14)).isoformat()[:16])

    # DE discloses
    de_id, it_id = alerts["DE"]["id"], alerts["IT"]["id"]
    ok(post(client, f"{request_id}/holdings/{de_id}/answer", DE_DPO, {"disclosure": "disclose"}))
    # IT is silent past its deadline: the SIRENE escalation raises it
    api_clock.now = NOW + timedelta(days=15)
    ops = headers(OPS, "operations")
    escalated = ok(client.post("/v1/sirene/escalation", headers=ops))
    assert escalated["escalated"] == 1
    overdue = ok(client.get("/v1/sirene/inbox?overdue=true", headers=headers(IT_SIRENE)))
    assert overdue["items"][0]["escalation_level"] == 1
    # IT restricts; a ground outside the closed list is refused first, store unchanged
    bad = post(client, f"{request_id}/holdings/{it_id}/answer", IT_DPO, {"disclosure": "restrict"})
    assert_problem(bad, 400, "invalid-input")
    restricted = {"disclosure": "restrict", "ground": "obstruct_inquiries"}
    ok(post(client, f"{request_id}/holdings/{it_id}/answer", IT_DPO, restricted))
    # DE may not answer for IT's alert
    again = post(client, f"{request_id}/holdings/{it_id}/answer", DE_DPO, restricted)
    assert_problem(again, 403, "forbidden")

    reply = ok(post(client, f"{request_id}/reply", FR_DPO), 201)
    assert reply["outcome"] == "partly"
    assert reply["restrictions"] == [
        {"alert_id": it_id, "issuing_state": "IT", "ground": "obstruct_inquiries"}
    ]
    [held] = reply["held"]
    assert held["alert_id"] == de_id and held["retention_until"] == alerts["DE"]["expires_at"][:10]
    states = {(a["state"], a["authority_type"], a["purpose"]) for a in held["accesses"]}
    assert ("FR", "border guard", "border check") in states
    assert ("FR", "data protection officer", "data protection") in states
    text = reply["text"]
    assert "Ivanova" in text and "Signalement introduit par DE" in text
    assert "guard-7" not in text and "dpo-fr" not in text  # never an officer's name
    assert it_id not in text and "IT" not in text.split("Tête")[0]  # the restriction is silent

    # each access verifies against the signed tree head of the reply
    head = reply["head"]
    assert limes.audit.signer is not None
    public = limes.audit.signer.public_key()
    at = datetime.fromisoformat(head["timestamp"])
    public.verify(
        bytes.fromhex(head["signature"]),
        signed_bytes(head["tree_size"], at, bytes.fromhex(head["root_hash"])),
    )
    with limes.audit.store.read() as audit:
        leaves = {seq: data for seq, *_, data in audit.all_records()}
    for access in held["accesses"]:
        leaf = bytes.fromhex(access["leaf_hash"])
        assert leaf == merkle.leaf_hash(leaves[access["seq"]])
        path = [bytes.fromhex(p) for p in access["audit_path"]]
        root = bytes.fromhex(head["root_hash"])
        assert merkle.verify_inclusion(access["seq"], head["tree_size"], leaf, path, root)

    # the reply as sent: the same, as text and as a deterministic PDF
    sent = client.get(f"/v1/subject-requests/{request_id}/reply?format=text", headers=dpo())
    assert sent.text == text
    pdf = client.get(f"/v1/subject-requests/{request_id}/reply?format=pdf", headers=dpo())
    assert pdf.headers["content-type"] == "application/pdf"
    assert (
        pdf.content
        == client.get(f"/v1/subject-requests/{request_id}/reply?format=pdf", headers=dpo()).content
    )
    shown = text_of(pdf.content)
    assert "Ivanova" in shown and "Signalement introduit par DE" in shown
    assert "border guard" in shown
    # once replied, no second reply
    assert_problem(post(client, f"{request_id}/reply", FR_DPO), 409, "conflict")

    figures = ok(client.get("/v1/subject-requests/statistics?year=2026", headers=dpo()))
    assert figures["figures"][0] | {} == {
        **figures["figures"][0],
        "state": "FR",
        "year": 2026,
        "access_requests": 1,
        "access_granted": 1,
        "to_controller": 1,
    }


def test_rectification_done_by_the_issuing_state(
    client: TestClient, alerts: dict[str, dict[str, Any]], api_clock: FixedClock
) -> None:
    request_id = consulted(client, alerts, kind="rectification", language="de")
    de, it = alerts["DE"], alerts["IT"]
    answer = {"disclosure": "disclose", "correction": "done", "alert_version": 2}
    # not rectified yet: refused, nothing recorded
    early = post(client, f"{request_id}/holdings/{de['id']}/answer", DE_DPO, answer)
    assert_problem(early, 400, "invalid-input")
    api_clock.now = NOW + timedelta(hours=2)
    changed = {**PERSON, "national_reference": "BKA-2026-0001", "reason": "Corrected reason"}
    updated = client.put(
        f"/v1/alerts/{de['id']}",
        content=body(changed),
        headers=headers(If_Match=f'"{de["version"]}"'),
    )
    assert updated.status_code == 200, updated.text
    ok(post(client, f"{request_id}/holdings/{de['id']}/answer", DE_DPO, answer))
    refused = {"disclosure": "disclose", "correction": "refused", "ground": "data_accurate"}
    ok(post(client, f"{request_id}/holdings/{it['id']}/answer", IT_DPO, refused))
    reply = ok(post(client, f"{request_id}/reply", FR_DPO), 201)
    assert reply["outcome"] == "done"
    assert "Fassung 2 der Ausschreibung" in reply["text"]
    assert "Corrected reason" in reply["text"]


def test_an_overdue_request_is_escalated(
    client: TestClient, alerts: dict[str, dict[str, Any]], api_clock: FixedClock, limes: Limes
) -> None:
    request_id = consulted(client, alerts)
    api_clock.now = NOW + timedelta(days=25)
    listed = ok(client.get("/v1/subject-requests", headers=dpo()))
    assert listed["items"][0]["warning"] and not listed["items"][0]["overdue"]
    api_clock.now = NOW + timedelta(days=31)
    ops = headers(OPS, "operations")
    report = ok(client.post("/v1/subject-requests/escalation", headers=ops))
    assert report["requests"] == [request_id]
    seen = ok(client.get(f"/v1/subject-requests/{request_id}", headers=dpo()))
    assert seen["overdue"] and seen["escalation_level"] == 1
    # the same run again raises nothing more
    assert ok(client.post("/v1/subject-requests/escalation", headers=ops))["escalated"] == 0


def test_bad_input_leaves_the_store_unchanged(
    client: TestClient, db: SqliteStore, alerts: dict[str, dict[str, Any]]
) -> None:
    before = count(db)
    cases = [
        {**REQUEST, "kind": "everything"},
        {**REQUEST, "language": "xx"},
        {**REQUEST, "received_on": "2027-01-01"},
        {**REQUEST, "applicant": {"surnames": []}},
        {**REQUEST, "applicant": {**REQUEST["applicant"], "nationalities": ["QQ"]}},
        {**REQUEST, "documents": [{"media_type": "application/pdf", "content_base64": "QUJD"}]},
        {**REQUEST, "extra": 1},
    ]
    for case in cases:
        answer = client.post("/v1/subject-requests", content=body(case), headers=dpo())
        assert_problem(answer, 400, "invalid-input")
    # nobody anonymous, and no border guard, registers
    anonymous = {"Content-Type": "application/json"}
    nobody = client.post("/v1/subject-requests", content=body(REQUEST), headers=anonymous)
    assert_problem(nobody, 401, "unauthenticated")
    guard = headers(FR_GUARD, "border_check")
    assert_problem(
        client.post("/v1/subject-requests", content=body(REQUEST), headers=guard), 403, "forbidden"
    )
    assert count(db) == before


def test_extension_and_court_case_over_http(
    client: TestClient, db: SqliteStore, api_clock: FixedClock
) -> None:
    """An applicant named in Cyrillic, Polish and Romanian letters: the time limit is
    extended once (GDPR Art. 12(3)) and the letter, as PDF, carries every character;
    a court case is recorded and counted; refusals leave the store as it was."""
    applicant = {"surnames": ["Wałęsa-Țurcanu"], "forenames": ["Ольга", "Ștefania"]}
    request_id = register(client, applicant=applicant, language="en")["id"]
    url = f"/v1/subject-requests/{request_id}"
    extension = {"grounds": ["complexity"], "reason": "Alerts of several states: każdy, ș."}

    def stored() -> Any:
        with db.read() as tx:
            p = peek(tx)
            return (
                p.rows("SELECT due_at, court_case FROM subject_requests"),
                p.rows("SELECT count(*) FROM subject_extensions"),
            )

    before = stored()
    for who, data, status in (
        (FR_DPO, {"grounds": ["complexity"]}, 400),  # no reason
        (FR_DPO, {**extension, "reason": ""}, 400),
        (FR_DPO, {**extension, "grounds": []}, 400),
        (FR_DPO, {**extension, "grounds": ["workload"]}, 400),  # not a ground of Art. 12(3)
        (FR_DPO, {**extension, "days": 90}, 400),
        (DE_DPO, extension, 403),  # not the receiving state
        ("sa-fr@CNIL-SA/FR;roles=supervisory_authority", extension, 403),  # reads only
    ):
        assert post(client, f"{request_id}/extension", who, data).status_code == status
    assert stored() == before

    letter = ok(post(client, f"{request_id}/extension", FR_DPO, extension), 201)
    assert (letter["previous_due"], letter["due"]) == ("2026-06-29", "2026-08-29")
    assert ok(client.get(url, headers=dpo()))["due_at"].startswith("2026-08-30T00:00:00")
    assert "Dear Ольга Ștefania Wałęsa-Țurcanu," in letter["text"]
    twice = post(client, f"{request_id}/extension", FR_DPO, extension)
    assert_problem(twice, 409, "conflict")
    pdf = client.get(f"{url}/extension?format=pdf", headers=dpo())
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content == client.get(f"{url}/extension?format=pdf", headers=dpo()).content
    shown = text_of(pdf.content)
    assert "Dear Ольга Ștefania Wałęsa-Țurcanu," in shown and "każdy, ș." in shown
    assert "?" not in shown
    assert client.get(f"{url}/extension?format=text", headers=dpo()).text == letter["text"]
    # the letter (name, reasons) is sealed: nothing readable in the database file or WAL
    files = [Path(db.path), Path(f"{db.path}-wal")]
    for plain in (b"Alerts of several states", "Wałęsa".encode()):
        assert not any(plain in f.read_bytes() for f in files if f.exists())

    # a court case: validated, once, by the receiving state, counted for the year
    future = (NOW + timedelta(days=2)).date().isoformat()
    for who, data, status in (
        (FR_DPO, {"brought_on": future}, 400),
        (FR_DPO, {"brought_on": "2026-13-01"}, 400),
        (FR_DPO, {}, 400),
        (DE_DPO, {"brought_on": "2026-05-30"}, 403),
    ):
        assert post(client, f"{request_id}/court-case", who, data).status_code == status
    assert [bool(case) for _, case in stored()[0]] == [False]
    seen = ok(post(client, f"{request_id}/court-case", FR_DPO, {"brought_on": "2026-05-30"}))
    assert seen["court_case_on"] == "2026-05-30"
    again = post(client, f"{request_id}/court-case", FR_DPO, {"brought_on": "2026-05-30"})
    assert_problem(again, 409, "conflict")
    authority = headers("sa-fr@CNIL-SA/FR;roles=supervisory_authority", "data_protection")
    figures = ok(client.get("/v1/subject-requests/statistics?year=2026", headers=authority))
    assert figures["figures"][0]["court_cases"] == 1
    assert ok(client.get(url, headers=authority))["court_case_on"] == "2026-05-30"
    # the receiving state's supervisory authority reads the letter; the issuing state not
    assert ok(client.get(f"{url}/extension", headers=authority)) == letter
    assert_problem(client.get(f"{url}/extension", headers=dpo(DE_DPO)), 403, "forbidden")

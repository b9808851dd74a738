"""``limes subject …`` through click's runner: a request from registration to the reply
saved as text and PDF, the figures as CSV and PNG, escalation, and refusals that change
nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from tests.cli.helpers import SIRENE_DE, Run, ok, problem
from tests.factories import PERSON
from tests.sirene.pdf_text import text_of

DPO_FR = (
    "--as",
    "cnil@CNIL/FR",
    "--role",
    "data_protection_officer",
    "--purpose",
    "data_protection",
)
DPO_DE = (
    "--as",
    "bfdi@BfDI/DE",
    "--role",
    "data_protection_officer",
    "--purpose",
    "data_protection",
)
REQUEST = {
    "kind": "access",
    "applicant": {"surnames": ["Ivanova"], "forenames": ["Olga"], "date_of_birth": "1984-03-17"},
    "verification": "document_seen",
    "received_on": "2026-01-05",
    "language": "de",
    "channel": "post",
}


def test_a_request_from_registration_to_the_reply(initialised: Run, tmp_path: Path) -> None:
    run = initialised
    alert = ok(run("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(PERSON)))
    request = ok(run("subject", "register", "--file", "-", *DPO_FR, input=json.dumps(REQUEST)))
    assert request["due_at"].startswith("2026-02-06T00:00:00")
    found = ok(run("subject", "search", request["id"], *DPO_FR))
    assert [h["alert_id"] for h in found["holdings"]] == [alert["id"]]
    ok(run("subject", "decide", request["id"], alert["id"], "--confirm", *DPO_FR))
    listed = ok(run("subject", "list", *DPO_DE))
    assert [r["id"] for r in listed["items"]] == [request["id"]]
    table = run("subject", "list", "--format", "table", *DPO_DE)
    assert table.exit_code == 0 and "due" in table.stdout and "access" in table.stdout
    answer = json.dumps({"disclosure": "disclose"})
    ok(run("subject", "answer", request["id"], alert["id"], "--file", "-", *DPO_DE, input=answer))
    text, pdf = tmp_path / "reply.txt", tmp_path / "reply.pdf"
    reply = ok(
        run(
            "subject",
            "reply",
            request["id"],
            "--write",
            "--text",
            str(text),
            "--pdf",
            str(pdf),
            *DPO_FR,
        )
    )
    assert reply["outcome"] == "granted"
    assert "Ausschreibung von DE" in text.read_text(encoding="utf-8")
    assert pdf.read_bytes().startswith(b"%PDF-")
    again = ok(run("subject", "reply", request["id"], *DPO_FR))  # as sent
    assert again == reply

    csv, png = tmp_path / "figures.csv", tmp_path / "figures.png"
    figures = ok(
        run("subject", "stats", "--year", "2026", "--csv", str(csv), "--png", str(png), *DPO_FR)
    )
    assert figures["figures"][0]["access_granted"] == 1
    assert csv.read_text(encoding="utf-8").startswith("state,year,")
    assert png.read_bytes().startswith(b"\x89PNG")
    escalated = ok(run("subject", "escalate"))
    assert escalated == {"escalated": []}  # replied to: nothing is overdue


def test_refusals_change_nothing(initialised: Run) -> None:
    run = initialised
    bad = json.dumps({**REQUEST, "language": "xx"})
    problem(run("subject", "register", "--file", "-", *DPO_FR, input=bad), 3)
    problem(run("subject", "register", "--file", "-", *SIRENE_DE, input=json.dumps(REQUEST)), 5)
    assert ok(run("subject", "list", "--all", *DPO_FR))["items"] == []
    problem(run("subject", "show", "01M8MZZZZZZZZZZZZZZZZZZZZZ", *DPO_FR), 6)


def test_the_time_limit_extended_once_and_a_court_case_recorded(
    initialised: Run, tmp_path: Path
) -> None:
    run = initialised
    today = datetime.now(UTC).date()
    fresh = {**REQUEST, "received_on": today.isoformat(), "applicant": {"surnames": ["Łukasik"]}}
    request = ok(run("subject", "register", "--file", "-", *DPO_FR, input=json.dumps(fresh)))
    extend = ("subject", "extend", request["id"])
    problem(run(*extend, "--ground", "complexity", *DPO_FR), 3)  # no reasons
    problem(run(*extend, "--reason", "Viele Staaten", *DPO_FR), 3)  # no ground
    problem(run(*extend, "--ground", "complexity", "--reason", "x", *DPO_DE), 5)
    assert ok(run("subject", "show", request["id"], *DPO_FR))["extended_at"] is None
    text, pdf = tmp_path / "extension.txt", tmp_path / "extension.pdf"
    reasons = ("--reason", "Fünf Staaten werden konsultiert", "--text", str(text))
    letter = ok(
        run(*extend, "--ground", "number_of_requests", *reasons, "--pdf", str(pdf), *DPO_FR)
    )
    assert letter["due"] > letter["previous_due"]
    written = text.read_text(encoding="utf-8")
    assert "Sehr geehrte(r) Łukasik," in written and "um zwei weitere Monate" in written
    assert "der Anzahl von Anträgen" in written
    assert "Łukasik" in text_of(pdf.read_bytes())
    assert ok(run(*extend, "--show", *DPO_FR)) == letter
    problem(run(*extend, "--ground", "complexity", "--reason", "again", *DPO_FR), 8)

    court = ("subject", "court-case", request["id"])
    problem(run(*court, "--on", "yesterday", *DPO_FR), 3)
    problem(run(*court, "--on", today.isoformat(), *DPO_DE), 5)
    recorded = ok(run(*court, "--on", today.isoformat(), *DPO_FR))
    assert recorded["court_case_on"] == today.isoformat()
    problem(run(*court, "--on", today.isoformat(), *DPO_FR), 8)
    figures = ok(run("subject", "stats", "--year", str(today.year), *DPO_FR))
    assert figures["figures"][0]["court_cases"] == 1

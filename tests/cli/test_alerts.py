"""Alert commands through click's runner: the lifecycle, paging, and every refusal."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.helpers import ALERT, SIRENE_DE, SIRENE_FR, Run, ok, problem

# -- the alert lifecycle ----------------------------------------------------------------


def test_issue_get_list_extend_delete(initialised: Run) -> None:
    run = initialised
    issued = ok(run("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT)))
    alert_id = issued["id"]
    assert issued["issuing_state"] == "DE" and issued["version"] == 1

    got = ok(run("alert", "get", alert_id, *SIRENE_FR))
    assert got["content"]["person"]["surnames"][0]["original"] == "Иванов"

    listed = ok(run("alert", "list", "--category", "arrest", *SIRENE_DE))
    assert [item["id"] for item in listed["items"]] == [alert_id]
    assert listed["next_cursor"] is None

    extended = ok(
        run("alert", "extend", alert_id, "--version", "1", "--reason", "still wanted", *SIRENE_DE)
    )
    assert extended["version"] == 2
    assert extended["extensions"][0]["reason"] == "still wanted"

    deleted = ok(run("alert", "delete", alert_id, "--version", "2", *SIRENE_DE))
    assert deleted == {"id": alert_id, "status": "deleted"}
    problem(run("alert", "get", alert_id, *SIRENE_DE), 7)


def test_update_replaces_the_content(initialised: Run, tmp_path: Path) -> None:
    issued = ok(initialised("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT)))
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps({**ALERT, "reason": "Extradition request for fraud"}))
    alert_id = issued["id"]
    updated = ok(
        initialised(
            "alert", "update", alert_id, "--version", "1", "--file", str(changed), *SIRENE_DE
        )
    )
    assert updated["content"]["reason"] == "Extradition request for fraud"
    problem(
        initialised(
            "alert", "update", alert_id, "--version", "1", "--file", str(changed), *SIRENE_DE
        ),
        9,
    )


def test_list_pages_with_the_cursor(initialised: Run) -> None:
    assert initialised("demo", "--persons", "0", "--objects", "5").exit_code == 0
    first = ok(initialised("alert", "list", "--limit", "3", *SIRENE_DE))
    assert len(first["items"]) == 3 and first["next_cursor"]
    rest = ok(initialised("alert", "list", "--cursor", first["next_cursor"], *SIRENE_DE))
    assert len(rest["items"]) == 2 and rest["next_cursor"] is None


# -- refusals ---------------------------------------------------------------------------


def test_a_foreign_state_may_not_delete(initialised: Run) -> None:
    issued = ok(initialised("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT)))
    body = problem(initialised("alert", "delete", issued["id"], "--version", "1", *SIRENE_FR), 5)
    assert body["type"] == "urn:limes:problem:forbidden"
    assert "belongs to DE" in body["detail"]


def test_invalid_alert_lists_every_problem(initialised: Run) -> None:
    bad = {**ALERT, "person": {**ALERT["person"], "nationalities": ["XX"]}, "warnings": []}
    del bad["national_decision"]
    body = problem(
        initialised("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(bad)), 3
    )
    pointers = {e["pointer"] for e in body["errors"]}
    assert {"/person/nationalities/0", "/national_decision"} <= pointers


def test_malformed_json_and_unknown_fields_are_invalid_input(initialised: Run) -> None:
    problem(initialised("alert", "issue", "--file", "-", *SIRENE_DE, input="{not json"), 3)
    body = problem(
        initialised(
            "alert",
            "issue",
            "--file",
            "-",
            *SIRENE_DE,
            input=json.dumps({**ALERT, "colour": "red"}),
        ),
        3,
    )
    assert body["errors"][0]["pointer"] == "/colour"


def test_the_policy_decides(initialised: Run) -> None:
    border_guard = ("--as", "g@BPOL/DE", "--role", "border_guard", "--purpose", "border_check")
    body = problem(
        initialised("alert", "issue", "--file", "-", *border_guard, input=json.dumps(ALERT)), 5
    )
    assert "border_guard" in body["detail"]


def test_unknown_alert_is_not_found(initialised: Run) -> None:
    body = problem(initialised("alert", "get", "01M8MYSMK8D3J7HE99K2Y6QN0Y", *SIRENE_DE), 6)
    assert body["type"] == "urn:limes:problem:not-found"


def test_an_issued_alert_answers_the_feed_position_it_wrote(initialised: Run) -> None:
    issued = ok(initialised("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT)))
    assert issued["feed_position"] >= 1

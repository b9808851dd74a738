"""Every command through click's runner: init, demo, alert lifecycle, feed, categories."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from tests.cli.helpers import ALERT, SIRENE_DE, SIRENE_FR, Run, ok, problem

from limes.cli.common import EXIT_STATUS, EXIT_STATUS_HELP
from limes.domain.categories import CATEGORIES

# -- init and demo ----------------------------------------------------------------------


def test_init_creates_a_private_var_folder_and_is_idempotent(run: Run, var: Path) -> None:
    first = run("init")
    assert first.exit_code == 0, first.output
    assert "applied migrations: 0001" in first.stdout
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    second = run("init")
    assert second.exit_code == 0, second.output
    assert "up to date" in second.stdout


def test_init_tightens_a_loose_var_folder(run: Run, var: Path) -> None:
    var.mkdir(mode=0o755)
    var.chmod(0o755)
    result = run("init")
    assert result.exit_code == 0, result.output
    assert "mode changed from 0755 to 0700" in result.stdout
    assert stat.S_IMODE(var.stat().st_mode) == 0o700


def test_commands_before_init_say_so(run: Run) -> None:
    body = problem(run("alert", "list", *SIRENE_DE), 13)
    assert "limes init" in body["detail"]


def test_demo_loads_and_if_empty_then_does_nothing(initialised: Run) -> None:
    result = initialised("demo", "--persons", "15", "--objects", "40", "--seed", "1")
    assert result.exit_code == 0, result.output
    assert "loaded 55 demo alerts" in result.stdout and "alerts/s" in result.stdout
    again = initialised("demo", "--persons", "15", "--objects", "40", "--if-empty")
    assert again.exit_code == 0, again.output
    assert "already holds 55 alerts" in again.stdout
    page = ok(initialised("alert", "list", "--limit", "200", *SIRENE_DE))
    assert len(page["items"]) == 55
    assert len({item["alert"]["issuing_state"] for item in page["items"]}) == 31


# -- the alert lifecycle ----------------------------------------------------------------


def test_issue_get_list_extend_delete(initialised: Run) -> None:
    run = initialised
    issued = ok(run("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT)))
    alert_id = issued["alert"]["id"]
    assert issued["alert"]["issuing_state"] == "DE" and issued["alert"]["version"] == 1

    got = ok(run("alert", "get", alert_id, *SIRENE_FR))
    assert got["alert"]["content"]["person"]["surnames"][0]["original"] == "Иванов"

    listed = ok(run("alert", "list", "--category", "arrest", *SIRENE_DE))
    assert [item["alert"]["id"] for item in listed["items"]] == [alert_id]
    assert listed["next_cursor"] is None

    extended = ok(
        run("alert", "extend", alert_id, "--version", "1", "--reason", "still wanted", *SIRENE_DE)
    )
    assert extended["alert"]["version"] == 2
    assert extended["alert"]["extensions"][0]["reason"] == "still wanted"

    deleted = ok(run("alert", "delete", alert_id, "--version", "2", *SIRENE_DE))
    assert deleted == {"id": alert_id, "status": "deleted"}
    problem(run("alert", "get", alert_id, *SIRENE_DE), 7)


def test_update_replaces_the_content(initialised: Run, tmp_path: Path) -> None:
    issued = ok(initialised("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT)))
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps({**ALERT, "reason": "Extradition request for fraud"}))
    alert_id = issued["alert"]["id"]
    updated = ok(
        initialised(
            "alert", "update", alert_id, "--version", "1", "--file", str(changed), *SIRENE_DE
        )
    )
    assert updated["alert"]["content"]["reason"] == "Extradition request for fraud"
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
    body = problem(
        initialised("alert", "delete", issued["alert"]["id"], "--version", "1", *SIRENE_FR), 5
    )
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


def test_a_malformed_principal_is_a_usage_error(initialised: Run) -> None:
    for who in ("jdoe", "jdoe@BKA/XX", "jdoe@BKA/US", "jdoe@BKA/de"):
        result = initialised(
            "alert", "list", "--as", who, "--role", "sirene_operator", "--purpose", "sirene"
        )
        assert result.exit_code == 2, (who, result.output)
        assert "--as" in result.stderr


def test_invalid_settings_are_refused(run: Run) -> None:
    unsafe = {"LIMES_AUTH": "unsafe-dev-headers", "LIMES_ENV": "production"}
    body = problem(run("categories", env=unsafe), 12)
    assert "LIMES_ENV=development" in body["detail"]


# -- feed, expiry, categories, help -----------------------------------------------------


def test_feed_tail_prints_events_as_json_lines(initialised: Run) -> None:
    ok(initialised("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT)))
    assert initialised("demo", "--persons", "0", "--objects", "3").exit_code == 0
    result = initialised("feed", "tail")
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["seq"] for e in events] == [1, 2, 3, 4]
    assert {e["type"] for e in events} == {"alert.issued"}
    assert "content" not in events[0] and "person" not in json.dumps(events)
    after = initialised("feed", "tail", "--after", "2", "--limit", "1")
    assert [json.loads(line)["seq"] for line in after.stdout.splitlines()] == [3]
    follow = initialised("feed", "tail", "--after", "3", "--follow", "--limit", "1")
    assert [json.loads(line)["seq"] for line in follow.stdout.splitlines()] == [4]


def test_expire_prints_its_report(initialised: Run) -> None:
    assert ok(initialised("expire")) == {"expired": 0, "warned": 0}


def test_categories_as_text_and_json(run: Run) -> None:
    text = run("categories")
    assert text.exit_code == 0, text.output
    for code, category in CATEGORIES.items():
        assert code in text.stdout and category.legal_basis in text.stdout
    rows = ok(run("categories", "--json"))
    assert [r["code"] for r in rows] == list(CATEGORIES)
    assert rows[0]["review_years"] == 5 and rows[0]["actions"] == ["arrest"]
    overridden = ok(run("categories", "--json", env={"LIMES_REVIEW_PERIODS": "arrest=3"}))
    assert overridden[0]["review_years"] == 3


def test_help_documents_every_command_and_exit_status(run: Run) -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ("init", "demo", "serve", "alert", "expire", "feed", "categories"):
        assert f"  {command} " in result.stdout or f"  {command}\n" in result.stdout
    for status in (*EXIT_STATUS.values(), 11, 12, 13):
        assert f"\n  {status} " in EXIT_STATUS_HELP
        assert f"  {status} " in result.stdout
    for sub in ("issue", "get", "list", "update", "delete", "extend"):
        assert f"  {sub} " in run("alert", "--help").stdout

"""``--format table|json`` on the CLI's listings (cli/output.py): JSON in the HTTP API's
shape, or a table to read."""

from __future__ import annotations

import dataclasses
import json

import pytest
from tests.cli.helpers import ALERT, SIRENE_DE, Run, ok

from limes.api.schemas import AlertOut, AlertPageOut, WrittenAlertOut
from limes.audit.answers import AuditRecordsOut
from limes.cli.output import JSON, TABLE, cell, chosen

DPO_DE = ("--as", "d@BfDI/DE", "--role", "data_protection_officer", "--purpose", "data_protection")


def test_alert_list_answers_as_get_v1_alerts_does(initialised: Run) -> None:
    issued = ok(initialised("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT)))
    listed = ok(initialised("alert", "list", *SIRENE_DE))  # not a terminal: JSON
    assert set(listed) == {f.name for f in dataclasses.fields(AlertPageOut)}
    (item,) = listed["items"]
    assert set(item) == {f.name for f in dataclasses.fields(AlertOut)}
    assert item["id"] == issued["id"] and item["content"]["reason"] == ALERT["reason"]
    assert ok(initialised("alert", "list", "--format", "json", *SIRENE_DE)) == listed


def test_alert_list_as_a_table(initialised: Run) -> None:
    assert initialised("demo", "--persons", "2", "--objects", "2").exit_code == 0
    table = initialised("alert", "list", "--format", "table", "--limit", "3", *SIRENE_DE)
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert any("category" in line and "state" in line for line in lines)
    assert sum("active" in line for line in lines) == 3
    assert lines[-1].startswith("next page: --cursor ")
    with pytest.raises(json.JSONDecodeError):
        json.loads(table.stdout)


def test_the_inbox_and_categories_take_the_format_too(initialised: Run) -> None:
    inbox = initialised("sirene", "inbox", "--format", "table", *SIRENE_DE)
    assert inbox.exit_code == 0, inbox.output
    assert "due" in inbox.stdout and "form" in inbox.stdout
    assert ok(initialised("sirene", "inbox", "--format", "json", *SIRENE_DE))["items"] == []
    listed = ok(initialised("categories", "--format", "json"))
    assert {c["code"] for c in listed} >= {"arrest", "object_seizure"}


def test_the_default_follows_where_stdout_goes(monkeypatch: pytest.MonkeyPatch) -> None:
    assert chosen(JSON) == JSON and chosen(TABLE) == TABLE
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    assert chosen(None) == TABLE
    monkeypatch.setattr("sys.stdout.isatty", lambda: False)
    assert chosen(None) == JSON


@pytest.mark.parametrize(
    ("item", "path", "shown"),
    [
        ({"a": {"b": 2}}, "a.b", "2"),
        ({"a": None}, "a.b", ""),
        ({"a": ["x", "y"]}, "a", "x, y"),
        ({"a": True}, "a", "True"),
    ],
)
def test_cell(item: dict[str, object], path: str, shown: str) -> None:
    assert cell(item, path) == shown


def test_alert_get_answers_as_get_v1_alerts_id_does(initialised: Run) -> None:
    issued = ok(initialised("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT)))
    assert set(issued) == {f.name for f in dataclasses.fields(WrittenAlertOut)} | {"feed_position"}
    got = ok(initialised("alert", "get", issued["id"], *SIRENE_DE))
    assert set(got) == {f.name for f in dataclasses.fields(AlertOut)}
    listed = ok(initialised("alert", "list", *SIRENE_DE))
    assert listed["items"] == [got]  # the item of GET /v1/alerts is GET /v1/alerts/{id}


def test_audit_query_as_json_and_as_a_table(initialised: Run) -> None:
    issued = ok(initialised("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT)))
    ok(initialised("alert", "get", issued["id"], *SIRENE_DE))
    asked = ("audit", "query", "--alert", issued["id"], *DPO_DE)
    answer = ok(initialised(*asked, "--format", "json"))
    assert set(answer) == {f.name for f in dataclasses.fields(AuditRecordsOut)}
    table = initialised(*asked, "--format", "table")
    assert table.exit_code == 0, table.output
    assert "alert:read" in table.stdout and "outcome" in table.stdout

"""The CLI refuses a JSON file that names a key twice (an alert, a trusted tree head),
as the API does (tests/api/test_duplicate_keys.py)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.api.helpers import twice
from tests.cli.helpers import ALERT, SIRENE_DE, Run, ok, problem


def test_the_cli_refuses_a_repeated_key_in_an_alert_file(initialised: Run) -> None:
    raw = twice(ALERT, (), "reason", "something else")
    found = problem(initialised("alert", "issue", "--file", "-", *SIRENE_DE, input=raw), 3)
    assert [e["pointer"] for e in found["errors"]] == ["/reason"]
    assert ok(initialised("alert", "list", *SIRENE_DE))["items"] == []


def test_the_cli_refuses_a_repeated_key_in_a_trusted_head(initialised: Run, var: Path) -> None:
    ok(initialised("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT)))
    head = ok(initialised("audit", "checkpoint"))
    (var / "head.json").write_bytes(twice(head, (), "tree_size", head["tree_size"] + 1))
    result = initialised("audit", "verify", "--trusted-head", str(var / "head.json"))
    assert result.exit_code == 2, result.output
    assert "named twice" in result.output and "/tree_size" in result.output

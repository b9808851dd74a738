"""Shared pieces of the CLI tests: principals, an alert, and result checks."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from click.testing import Result

SIRENE_DE = ("--as", "jdoe@BKA/DE", "--role", "sirene_operator", "--purpose", "sirene")
SIRENE_FR = ("--as", "mdupont@DCPJ/FR", "--role", "sirene_operator", "--purpose", "sirene")

ALERT = {
    "category": "arrest",
    "action": "arrest",
    "issuing_authority": "Bundeskriminalamt",
    "national_reference": "DE-EAW-1",
    "reason": "European arrest warrant for armed robbery",
    "person": {
        "surnames": [{"latin": "Ivanov", "original": "Иванов", "script": "Cyrl"}],
        "forenames": [{"latin": "Ivan"}],
        "date_of_birth": "1980-05",
        "nationalities": ["RU"],
        "documents": [
            {"type": "passport", "number": "L898902C3", "issuing_state": "RU", "check_digit": "6"}
        ],
    },
    "warnings": ["armed"],
    "national_decision": {
        "authority": "Amtsgericht Berlin",
        "reference": "EAW-1",
        "decided_on": "2024-01-02",
    },
}

Run = Callable[..., Result]


def ok(result: Result) -> Any:
    """The JSON a successful command printed."""
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return json.loads(result.stdout)


def problem(result: Result, status: int, *, after: str | None = None) -> dict[str, Any]:
    """The problem line a refused command printed on stderr, checked against ``status``.

    Stderr holds that one line only, or, with ``after``, output starting with ``after``
    (a progress report, a warning) and the problem as its last line.
    """
    assert result.exit_code == status, (result.stdout, result.stderr)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    if after is None:
        assert len(lines) == 1, result.stderr
    else:
        assert result.stderr.startswith(after), result.stderr
    body: dict[str, Any] = json.loads(lines[-1])
    assert body["exit_status"] == status
    assert body["type"].startswith("urn:limes:problem:")
    return body

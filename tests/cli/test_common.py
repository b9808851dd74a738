"""The pieces every command shares (cli/common.py): exit statuses, problems on stderr,
JSON output, and what a command says before ``limes init``."""

from __future__ import annotations

import json
import sqlite3

import pytest
from tests.cli.helpers import SIRENE_DE, Run, problem

from limes.cli.common import (
    EXIT_OTHER_ERROR,
    EXIT_STATUS,
    PROBLEM_TYPE_PREFIX,
    exit_status,
    not_initialised,
    print_json,
)
from limes.cli.common import problem as print_problem
from limes.errors import FieldError, Forbidden, NotFound, ReadsBlocked, Unavailable


def test_commands_before_init_say_so(run: Run) -> None:
    body = problem(run("alert", "list", *SIRENE_DE), 13)
    assert "limes init" in body["detail"]


def test_each_refusal_has_its_exit_status_and_a_subclass_its_parents() -> None:
    assert exit_status(NotFound("no such alert")) == 6
    assert exit_status(ReadsBlocked("blocked")) == EXIT_STATUS[Forbidden] == 5
    assert exit_status(Unavailable("not yet")) == EXIT_OTHER_ERROR == 11
    assert len(set(EXIT_STATUS.values())) == len(EXIT_STATUS)


def test_a_problem_is_one_json_line_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    errors = [FieldError("/reason", "required")]
    print_problem("invalid-input", "The input is not valid", "one problem", 3, errors)
    print_problem("not-found", "No such resource", "gone away", 6)
    out, err = capsys.readouterr()
    assert out == ""
    first, second = (json.loads(line) for line in err.splitlines())
    assert first == {
        "type": "urn:limes:problem:invalid-input",
        "title": "The input is not valid",
        "detail": "one problem",
        "exit_status": 3,
        "errors": [{"pointer": "/reason", "detail": "required"}],
    }
    assert "errors" not in second and second["type"] == PROBLEM_TYPE_PREFIX + "not-found"


def test_only_a_missing_table_means_not_initialised() -> None:
    assert not_initialised(sqlite3.OperationalError("no such table: alerts"))
    assert not not_initialised(sqlite3.OperationalError("database is locked"))
    assert not not_initialised(ValueError("no such table: alerts"))


def test_print_json_prints_domain_values_pretty_or_on_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    print_json({"error": FieldError("/a", "b")})
    print_json([1, 2], pretty=False)
    pretty = '{\n  "error": {\n    "pointer": "/a",\n    "detail": "b"\n  }\n}\n'
    assert capsys.readouterr().out == pretty + "[1,2]\n"

"""The pieces every command shares (cli/common.py): exit statuses, problems on stderr,
JSON output, and what a command says before ``limes init``."""

from __future__ import annotations

from tests.cli.helpers import SIRENE_DE, Run, problem


def test_commands_before_init_say_so(run: Run) -> None:
    body = problem(run("alert", "list", *SIRENE_DE), 13)
    assert "limes init" in body["detail"]

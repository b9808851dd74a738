"""The root ``limes`` group: the settings read once, and its help naming every command."""

from __future__ import annotations

from tests.cli.helpers import Run, problem

from limes.cli.common import EXIT_STATUS, EXIT_STATUS_HELP


def test_invalid_settings_are_refused(run: Run) -> None:
    unsafe = {"LIMES_AUTH": "unsafe-dev-headers", "LIMES_ENV": "production"}
    body = problem(run("categories", env=unsafe), 12)
    assert "LIMES_ENV=development" in body["detail"]


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

"""The root ``limes`` group: the settings read once, and its help naming every command."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

from tests.cli.helpers import Run, problem

from limes.cli.common import EXIT_STATUS, EXIT_STATUS_HELP
from limes.cli.main import cli


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


def test_the_group_lists_every_command_it_holds(run: Run) -> None:
    listed = run("--help").stdout
    assert sorted(cli.commands) == sorted(
        ["init", "demo", "serve", "alert", "reads", "search", "expire", "feed", "sirene",
         "categories", "users", "token", "security", "audit", "keys", "backup", "restore",
         "biometrics", "subject", "copy", "gateway", "central", "dev"]
    )  # fmt: skip
    for name, command in cli.commands.items():
        assert f"  {name} " in listed, name
        assert (command.get_short_help_str() or "")[:20] in listed


def test_the_console_script_imports_the_cli_only_when_it_runs() -> None:
    """A child that ``limes serve --workers N`` spawns (a worker, the audit writer, the
    index process) first runs the console script again, which imports its entry point's
    module: that module must not import Limes, or every child spends seconds importing
    before it answers the parent's ping, and the parent hears no SIGTERM meanwhile."""
    (script,) = entry_points(group="console_scripts", name="limes")
    assert script.value == "limes.__main__:main"
    loaded = "import sys, limes.__main__; print([m for m in sys.modules if m.startswith('limes.')])"
    found = subprocess.run([sys.executable, "-c", loaded], capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "['limes.__main__']"

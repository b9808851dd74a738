"""``limes init``: the var folder, made private, and the migrations applied once."""

from __future__ import annotations

import stat
from pathlib import Path

from tests.cli.helpers import Run


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


def test_the_var_folder_records_production_and_development_never_opens_it(
    run: Run, var: Path
) -> None:
    made = run("init", env={"LIMES_ENV": "production"})
    assert made.exit_code == 0, made.output
    assert (var / "environment").read_text() == "production\n"
    for command in (("init",), ("backup", str(var.parent / "b")), ("audit", "tree-head")):
        refused = run(*command)  # the run fixture is in development
        assert refused.exit_code == 12, (command, refused.output)
        assert "is a production installation's" in refused.stderr


def test_development_records_itself_and_may_open_its_var_again(run: Run, var: Path) -> None:
    assert run("init").exit_code == 0
    assert (var / "environment").read_text() == "development\n"
    assert run("init").exit_code == 0

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

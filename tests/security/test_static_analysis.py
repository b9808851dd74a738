"""The bandit gate of ``make security`` fails on a medium finding and passes a justified one.

The flags are read from the Makefile (``BANDIT_FLAGS``), so this is the gate CI runs.
It is run on small files here; on ``src/`` it runs in ``make security``.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from tests.security.conftest import ROOT

BANDIT = Path(sys.executable).parent / "bandit"


def bandit_flags() -> list[str]:
    makefile = (ROOT / "Makefile").read_text()
    m = re.search(r"^BANDIT_FLAGS\s*:=\s*(.+)$", makefile, re.MULTILINE)
    assert m is not None, "the Makefile defines BANDIT_FLAGS for `make security`"
    return shlex.split(m[1])


def bandit(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BANDIT), *bandit_flags(), str(folder)], capture_output=True, text=True, timeout=60
    )


def test_the_gate_counts_medium_findings_of_any_confidence() -> None:
    flags = bandit_flags()
    assert "--severity-level" in flags and flags[flags.index("--severity-level") + 1] == "medium"
    assert flags[flags.index("--confidence-level") + 1] == "low"
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(
        r"^security:.*\n(\t.*\n)*\t\$\(BIN\)/bandit \$\(BANDIT_FLAGS\) src$", makefile, re.M
    )


SHELL = (
    "import subprocess\n\n\n"
    "def run(command: str) -> None:\n"
    "    subprocess.call(command, shell=True){}\n"
)


@pytest.mark.parametrize(
    ("suffix", "fails"),
    [
        ("", True),  # B602, high severity
        ("  # nosec B602 - the command is a constant of this module", False),
        ("  # noqa: S602", True),  # ruff's mark does not silence bandit
    ],
)
def test_a_finding_fails_unless_justified_inline(tmp_path: Path, suffix: str, fails: bool) -> None:
    (tmp_path / "module.py").write_text(SHELL.format(suffix))
    result = bandit(tmp_path)
    assert (result.returncode != 0) is fails, result.stdout + result.stderr
    if fails:
        assert "B602" in result.stdout


def test_a_low_finding_passes(tmp_path: Path) -> None:
    (tmp_path / "module.py").write_text("import random\n\nVALUE = random.random()\n")
    result = bandit(tmp_path)
    assert result.returncode == 0, result.stdout

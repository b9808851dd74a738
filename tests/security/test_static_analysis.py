"""The bandit gate of ``make security`` fails on a medium finding and passes a justified one.

The flags are read from the Makefile (``BANDIT_FLAGS``), so this is the gate CI runs.
It is run on small files here; on ``src/`` it runs in ``make security``.
"""

from __future__ import annotations

import io
import re
import shlex
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest
from tests.supplychain.conftest import ROOT

BANDIT = Path(sys.executable).parent / "bandit"


def bandit_flags() -> list[str]:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^security:.*\bbandit\b", makefile, re.M)  # make security runs it
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
    assert re.search(r"^security:.*\bbandit\b", makefile, re.M)  # make security runs it
    assert re.search(
        r"^bandit:.*\n(\t.*\n)*\t\$\(BIN\)/bandit \$\(BANDIT_FLAGS\) src$", makefile, re.M
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


# -- inline justifications -----------------------------------------------------------------

_NOSEC = re.compile(r"#\s*nosec\b(?P<rest>[^#]*)")


def unjustified(source: str) -> list[str]:
    """Every ``# nosec`` comment that names no test id or gives no reason, as 'line: why'.

    Bandit reads every word after ``nosec`` as a test id, so the reason stands before it
    in the same comment (``# noqa: S608 - constant columns  # nosec B608``) or after a
    dash (``# nosec B608 - constant columns``, which bandit warns about but accepts).
    """
    out = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT:
            continue
        m = _NOSEC.search(token.string)
        if m is None:
            continue
        line = token.start[0]
        if not re.search(r"\bB\d{3}\b", m["rest"]):
            out.append(f"{line}: a bare nosec silences every bandit test")
            continue
        reason = _NOSEC.sub(" ", token.string)
        reason = re.sub(r"#\s*noqa:?[\sA-Z0-9,]*", " ", reason)
        reason += " " + m["rest"].split("-", 1)[1] if "-" in m["rest"] else ""
        if len(re.findall(r"[A-Za-z]{3,}", reason)) < 2:
            out.append(f"{line}: nosec without a reason")
    return out


def test_every_nosec_in_src_names_its_test_and_reason() -> None:
    found = {
        str(path.relative_to(ROOT)): problems
        for path in sorted((ROOT / "src").rglob("*.py"))
        if (problems := unjustified(path.read_text(encoding="utf-8")))
    }
    assert found == {}


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("x = 1  # nosec\n", "a bare nosec"),
        ("x = 1  # nosec B608\n", "without a reason"),
        ("x = 1  # noqa: S608  # nosec B608\n", "without a reason"),
        ("x = 1  # noqa: S608 - constant columns only  # nosec B608\n", None),
        ("x = 1  # nosec B310 - the URL is constant\n", None),
        ("x = '# nosec'  # a string, not a comment\n", None),
    ],
)
def test_unjustified(line: str, problem: str | None) -> None:
    found = unjustified(line)
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1
        assert problem in found[0]

"""``limes security posture`` at the command line: a lock it cannot read is refused as
invalid input, and the JSON report it writes to a file is the one it prints with ``-``
(before the verdict). The posture itself (gate, severities, deadlines) is tested in
tests/supplychain."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from tests.cli.helpers import Run, problem
from tests.supplychain.conftest import FIXTURES, RECORDED, RecordedPyPI

from limes.cli.security import PostureSources, security


def test_a_lock_that_cannot_be_read_is_invalid_input(run: Run, tmp_path: Path) -> None:
    missing = problem(run("security", "posture", "--lock", str(tmp_path / "none.lock")), 3)
    assert missing["type"] == "urn:limes:problem:invalid-lock"
    (tmp_path / "empty.lock").write_text("", encoding="utf-8")
    empty = problem(run("security", "posture", "--lock", str(tmp_path / "empty.lock")), 3)
    assert "no pinned requirement" in empty["detail"]


def test_the_json_written_to_a_file_is_the_json_printed(tmp_path: Path) -> None:
    sources = PostureSources(RecordedPyPI(), lambda: RECORDED)  # type: ignore[arg-type]
    lock = str(FIXTURES / "clean.lock")
    target = tmp_path / "posture.json"
    runner = CliRunner()
    written = runner.invoke(
        security, ["posture", "--lock", lock, "--json", str(target)], obj=sources
    )
    printed = runner.invoke(security, ["posture", "--lock", lock, "--json", "-"], obj=sources)
    assert written.exit_code == printed.exit_code == 0, written.output
    assert "PASS" in written.stdout and not printed.stdout.startswith("PASS")
    document, end = json.JSONDecoder().raw_decode(printed.stdout)  # the verdict follows
    assert printed.stdout[end:].startswith("\nPASS")
    assert json.loads(target.read_text(encoding="utf-8")) == document
    assert list(tmp_path.iterdir()) == [target]  # written in place, no temporary file left

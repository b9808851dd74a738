"""docs/security.md states what the code enforces: deadlines, exit statuses, gates, options."""

from __future__ import annotations

import re

import click
import pytest
from tests.supplychain.conftest import ROOT

from limes.cli.security import posture
from limes.supplychain.posture import EXIT_INCOMPLETE, EXIT_OVERDUE
from limes.supplychain.severity import DEADLINES

PAGE = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")


def _span(hours: float) -> str:
    return f"{hours:g} hours" if hours < 24 * 7 else f"{hours / 24:g} days"


def test_the_deadline_table_is_the_code() -> None:
    for severity, span in DEADLINES.items():
        expected = _span(span.total_seconds() / 3600)
        assert f"| {severity} | {expected} |" in PAGE


def test_every_exit_status_is_documented() -> None:
    for status in (0, 3, EXIT_OVERDUE, EXIT_INCOMPLETE):
        assert re.search(rf"^\| {status} \| ", PAGE, re.MULTILINE), status


@pytest.mark.parametrize(
    "option", [p.opts[0] for p in posture.params if isinstance(p, click.Option)]
)
def test_every_posture_option_is_documented(option: str) -> None:
    assert option in PAGE


@pytest.mark.parametrize("target", ["sbom", "audit", "fuzz", "security"])
def test_every_make_target_is_documented_and_exists(target: str) -> None:
    assert f"make {target}" in PAGE
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(rf"^{target}:", makefile, re.MULTILINE)
    phony = re.search(r"^\.PHONY:(.*)$", makefile, re.MULTILINE)
    assert phony is not None and target in phony[1].split()


def test_the_sbom_path_is_the_makefile_one() -> None:
    makefile = (ROOT / "Makefile").read_text()
    m = re.search(r"^SBOM\s*:=\s*(\S+)$", makefile, re.MULTILINE)
    assert m is not None
    assert m[1] == "build/sbom.cdx.json"
    assert f"`{m[1]}`" in PAGE

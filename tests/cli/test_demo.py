"""``limes demo``: demo alerts loaded, and ``--if-empty`` leaving a filled store alone."""

from __future__ import annotations

from tests.cli.helpers import SIRENE_DE, Run, ok


def test_demo_loads_and_if_empty_then_does_nothing(initialised: Run) -> None:
    result = initialised("demo", "--persons", "15", "--objects", "40", "--seed", "1")
    assert result.exit_code == 0, result.output
    assert "loaded 55 demo alerts" in result.stdout and "alerts/s" in result.stdout
    again = initialised("demo", "--persons", "15", "--objects", "40", "--if-empty")
    assert again.exit_code == 0, again.output
    assert "already holds 55 alerts" in again.stdout
    page = ok(initialised("alert", "list", "--limit", "200", *SIRENE_DE))
    assert len(page["items"]) == 55
    assert len({item["issuing_state"] for item in page["items"]}) == 31

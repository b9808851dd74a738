"""The progress and timing every long command prints on stderr (cli/progress.py)."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from limes.cli.progress import counted, rate, step


@click.command()
@click.option("--fail", is_flag=True)
def _long(fail: bool) -> None:
    with counted("Loading", 3, "alerts") as bar:
        bar.update(3)
    with step("Sealing"):
        if fail:
            raise click.ClickException("refused")
    click.echo("answer")


def test_counted_and_step_say_what_took_how_long_on_stderr_only() -> None:
    result = CliRunner().invoke(_long, [])
    assert result.exit_code == 0, result.output
    assert result.stdout == "answer\n"
    lines = result.stderr.splitlines()
    assert any(line.startswith("Loading: 3 alerts in ") and "/s)" in line for line in lines)
    assert "Sealing …" in lines
    assert any(line.startswith("Sealing: done in ") and line.endswith(" s") for line in lines)


def test_a_failed_step_says_so() -> None:
    result = CliRunner().invoke(_long, ["--fail"])
    assert result.exit_code == 1
    assert any(line.startswith("Sealing: failed after ") for line in result.stderr.splitlines())
    assert "done in" not in result.stderr.split("Sealing …")[1]


@pytest.mark.parametrize(("count", "seconds", "shown"), [(2000, 2.0, "1,000/s"), (5, 0.0, "-")])
def test_rate(count: int, seconds: float, shown: str) -> None:
    assert rate(count, seconds) == shown

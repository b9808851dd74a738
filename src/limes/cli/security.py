"""``limes security posture``: every locked dependency, its advisories and patch deadlines."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import click

from limes.cli.common import EXIT_STATUS, problem
from limes.clock import Clock, utc_now
from limes.errors import InvalidInput
from limes.supplychain.lockfile import LockError, read_lock
from limes.supplychain.posture import EXIT_INCOMPLETE, EXIT_OVERDUE, assess
from limes.supplychain.pypi import Fetch, HttpFetch
from limes.supplychain.render import render, verdict

POSTURE_EXIT_HELP = f"""\b
Exit status:
  0   every dependency audited (and, with --enforce, nothing past its deadline)
  3   the lock file is not a list of exact, hashed pins
  {EXIT_OVERDUE}  --enforce: a vulnerability's fix has been available longer than its deadline
  {EXIT_INCOMPLETE}  not every dependency could be audited: PyPI unreachable, or it holds no
      data for a pinned version; the posture is unknown, which is never a pass"""


@dataclass(frozen=True, slots=True)
class PostureSources:
    """Where the posture comes from: the PyPI fetch and the clock.

    The command uses the real ones unless the click context holds a ``PostureSources``
    (tests pass recorded PyPI documents and a fixed clock as ``obj``).
    """

    fetch: Fetch
    clock: Clock


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


@click.group()
def security() -> None:
    """Supply-chain security: the state of every locked dependency (docs/security.md)."""


@security.command(epilog=POSTURE_EXIT_HELP)
@click.option(
    "--lock",
    "lock_path",
    default="requirements/dev.lock",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The hashed lock file to assess.",
)
@click.option(
    "--json",
    "json_path",
    default=None,
    metavar="FILE",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Also write the report as JSON to FILE ('-': print JSON instead of text).",
)
@click.option(
    "--enforce",
    is_flag=True,
    help=f"Exit {EXIT_OVERDUE} if a vulnerability's fix has been available for longer than "
    "the patch policy allows (critical 72 hours, high 7 days, others 30 days).",
)
@click.option(
    "--workers",
    default=8,
    show_default=True,
    type=click.IntRange(1, 16),
    help="Requests to PyPI in parallel.",
)
@click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(1, 120),
    help="Seconds to wait for each PyPI answer (one retry).",
)
@click.pass_context
def posture(
    ctx: click.Context,
    lock_path: Path,
    json_path: Path | None,
    enforce: bool,
    workers: int,
    timeout: float,
) -> None:
    """Print every locked dependency with its version, the latest version on PyPI, its
    known vulnerabilities with severity, and the days since a fix became available.

    Advisories come from PyPI's JSON API (https://pypi.org/pypi/<name>/json, the only
    host asked). A severity the advisory does not state is treated as high. The patch
    deadlines and how they are enforced are in docs/security.md.
    """
    sources = ctx.find_object(PostureSources) or PostureSources(HttpFetch(timeout), utc_now)
    try:
        pins = read_lock(lock_path)
    except (LockError, OSError) as exc:
        status = EXIT_STATUS[InvalidInput]
        problem("invalid-lock", "The lock file cannot be assessed", str(exc), status)
        raise click.exceptions.Exit(status) from None
    report = assess(pins, sources.fetch, sources.clock, lock=str(lock_path), workers=workers)
    status = report.exit_status(enforce)
    document = json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"
    if json_path is not None and str(json_path) == "-":
        click.echo(document, nl=False)
    else:
        click.echo(render(report))
        if json_path is not None:
            _write_atomically(json_path, document)
    click.echo(verdict(report, status), err=status != 0)
    if status:
        raise click.exceptions.Exit(status)

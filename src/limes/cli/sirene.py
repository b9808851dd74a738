"""``limes sirene …``: a bureau's inbox, the statistics, escalation, NATS publishing."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import click

from limes.cli.common import EXIT_STATUS_HELP, Env, pass_env, print_json
from limes.cli.output import format_option, show
from limes.cli.proof import acting, context
from limes.service.jobs import SYSTEM
from limes.service.sirene import MAX_INBOX, InboxQuery
from limes.sirene.forms import Form
from limes.sirene.statistics import to_csv


@click.group(epilog=EXIT_STATUS_HELP)
def sirene() -> None:
    """Hits and the SIRENE exchange between member states."""


@sirene.command()
@click.option("--form", type=click.Choice([f.value for f in Form]), help="Only this form.")
@click.option("--all", "every", is_flag=True, help="Also answered forms and those needing none.")
@click.option("--overdue", is_flag=True, help="Only forms past their reply deadline.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, MAX_INBOX))
@format_option
@acting
@pass_env
def inbox(
    env: Env,
    fmt: str | None,
    form: str | None,
    every: bool,
    overdue: bool,
    limit: int,
    principal: str,
    roles: tuple[str, ...],
    purpose: str,
) -> None:
    """Forms sent to your state's bureau, soonest due first: as JSON, the answer of
    GET /v1/sirene/inbox; as a table, one line a form."""
    ctx = context(env, principal, roles, purpose)
    query = InboxQuery(Form(form) if form else None, not every, overdue, limit)
    show(env.app().sirene.inbox(ctx, query), fmt, INBOX_COLUMNS, items="items")


INBOX_COLUMNS = (
    ("due", "reply_due"),
    ("overdue", "overdue"),
    ("form", "form"),
    ("from", "from_state"),
    ("priority", "priority"),
    ("case", "case_id"),
    ("message", "id"),
)


@sirene.command()
@click.option("--since", type=click.DateTime(), help="From (UTC). [default: a year before --until]")
@click.option("--until", type=click.DateTime(), help="Until, exclusive (UTC). [default: now]")
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the figures as CSV to this file.",
)
@click.option(
    "--png",
    "png_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also draw the charts as PNG files into this folder.",
)
@acting
@pass_env
def stats(
    env: Env,
    since: datetime | None,
    until: datetime | None,
    csv_file: Path | None,
    png_dir: Path | None,
    principal: str,
    roles: tuple[str, ...],
    purpose: str,
) -> None:
    """Hits by category, state and day; workload, response times, overdue forms (JSON)."""
    ctx = context(env, principal, roles, purpose)
    figures = env.app().sirene.statistics(ctx, _utc(since), _utc(until))
    if csv_file is not None:
        csv_file.write_text(to_csv(figures), encoding="utf-8", newline="")
    if png_dir is not None:
        from limes.sirene.charts import render  # matplotlib loads only when charts are asked for

        for path in render(figures, png_dir):
            click.echo(f"wrote {path}", err=True)
    print_json(figures)


def _utc(moment: datetime | None) -> datetime | None:
    """click.DateTime answers naive times; the options are documented as UTC."""
    return None if moment is None else moment.replace(tzinfo=UTC)


@sirene.command()
@pass_env
def escalate(env: Env) -> None:
    """Escalate overdue forms once, as the system operator ('limes serve' runs it every
    minute): a security event and a notification per new escalation level."""
    report = env.app().sirene.escalate(SYSTEM)
    print_json({"escalated": [{"message": m, "level": level} for m, level in report.escalated]})


@sirene.command()
@click.option(
    "--nats-url",
    required=True,
    envvar="LIMES_NATS_URL",
    metavar="URL",
    help="The NATS server with JetStream, e.g. nats://127.0.0.1:4222. [env: LIMES_NATS_URL]",
)
@click.option("--follow", is_flag=True, help="Keep publishing new events until interrupted.")
@click.option(
    "--interval",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0.05),
    help="Seconds between passes with --follow.",
)
@pass_env
def publish(env: Env, nats_url: str, follow: bool, interval: float) -> None:
    """Publish hits and forms of the change feed on limes.sirene.<STATE>.* (at least once,
    resuming where the last run stopped; NATS being down only delays them)."""
    publisher = env.app().publisher(nats_url)
    while True:
        run = publisher.run()
        if run.published or not follow:
            print_json(run, pretty=False)
        if not follow:
            return
        time.sleep(interval)

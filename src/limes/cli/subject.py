"""``limes subject …``: the data-subject request register from the command line.

The same use cases as ``/v1/subject-requests`` (``service/subject_requests.py``), acting
as the principal ``--as`` names (a data protection officer, ``--purpose
data_protection``): register a request from a JSON file, search every alert for the
applicant, confirm or reject candidates, answer as the issuing state, write the reply
and save it as text or PDF, extend the time limit (GDPR Art. 12(3)) with the letter to the
applicant, record a court case, the Art. 54 figures, and the escalation of overdue
requests.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import click

from limes import codec
from limes.cli.common import EXIT_STATUS_HELP, Env, pass_env, print_json
from limes.cli.output import format_option
from limes.cli.output import show as show_listing
from limes.cli.proof import acting, context
from limes.service.jobs import SYSTEM
from limes.service.subject_requests import MAX_LIST
from limes.sirene.subject_requests import (
    ConsultationAnswerIn,
    CourtCaseIn,
    ExtensionGround,
    ExtensionIn,
    SubjectRequestIn,
)

Roles = tuple[str, ...]
_FILE = click.File("rb")


@click.group(epilog=EXIT_STATUS_HELP)
def subject() -> None:
    """Data-subject requests: access, rectification, erasure (2018/1861 Art. 53)."""


@subject.command()
@click.option("--file", "file", required=True, type=_FILE, help="The request as JSON ('-': stdin).")
@acting
@pass_env
def register(env: Env, file: BinaryIO, principal: str, roles: Roles, purpose: str) -> None:
    """Register a request your state received; prints it with its due date."""
    request = codec.parse(SubjectRequestIn, file.read())
    print_json(
        env.app().subject_requests.register(context(env, principal, roles, purpose), request)
    )


@subject.command()
@click.argument("request_id")
@acting
@pass_env
def show(env: Env, request_id: str, principal: str, roles: Roles, purpose: str) -> None:
    """One request with the applicant's data and the alerts found."""
    print_json(env.app().subject_requests.get(context(env, principal, roles, purpose), request_id))


REQUEST_COLUMNS = (
    ("request", "id"),
    ("due", "due_at"),
    ("overdue", "overdue"),
    ("kind", "kind"),
    ("received by", "receiving_state"),
    ("received on", "received_on"),
    ("replied", "replied_at"),
)


@subject.command(name="list")
@click.option("--all", "every", is_flag=True, help="Also requests replied to.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, MAX_LIST))
@format_option
@acting
@pass_env
def list_requests(
    env: Env, every: bool, limit: int, fmt: str | None, principal: str, roles: Roles, purpose: str
) -> None:
    """Requests your state received or is consulted on, soonest due first: as JSON,
    the answer of GET /v1/subject-requests."""
    ctx = context(env, principal, roles, purpose)
    found = env.app().subject_requests.list(ctx, not every, limit)
    show_listing(found, fmt, REQUEST_COLUMNS, items="items")


@subject.command()
@click.argument("request_id")
@acting
@pass_env
def search(env: Env, request_id: str, principal: str, roles: Roles, purpose: str) -> None:
    """Search every alert for the applicant; the alerts found become candidates."""
    print_json(env.app().subject_requests.find(context(env, principal, roles, purpose), request_id))


@subject.command()
@click.argument("request_id")
@click.argument("alert_id")
@click.option("--confirm/--reject", required=True, help="Whether the alert is the applicant's.")
@acting
@pass_env
def decide(
    env: Env,
    request_id: str,
    alert_id: str,
    confirm: bool,
    principal: str,
    roles: Roles,
    purpose: str,
) -> None:
    """Confirm or reject a candidate; confirming another state's alert consults it."""
    ctx = context(env, principal, roles, purpose)
    print_json(env.app().subject_requests.decide(ctx, request_id, alert_id, confirm))


@subject.command()
@click.argument("request_id")
@click.argument("alert_id")
@click.option("--file", "file", required=True, type=_FILE, help="The answer as JSON ('-': stdin).")
@acting
@pass_env
def answer(
    env: Env,
    request_id: str,
    alert_id: str,
    file: BinaryIO,
    principal: str,
    roles: Roles,
    purpose: str,
) -> None:
    """Your state's position on its alert: disclose, in part, restrict; a correction."""
    ctx = context(env, principal, roles, purpose)
    given = codec.parse(ConsultationAnswerIn, file.read())
    print_json(env.app().subject_requests.answer(ctx, request_id, alert_id, given))


@subject.command()
@click.argument("request_id")
@click.option("--write", is_flag=True, help="Write the reply now (once every alert is answered).")
@click.option("--text", "text_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--pdf", "pdf_file", type=click.Path(dir_okay=False, path_type=Path))
@acting
@pass_env
def reply(
    env: Env,
    request_id: str,
    write: bool,
    text_file: Path | None,
    pdf_file: Path | None,
    principal: str,
    roles: Roles,
    purpose: str,
) -> None:
    """The reply (written now with --write, else as sent), as JSON; --text and --pdf save
    the letter too."""
    ctx = context(env, principal, roles, purpose)
    service = env.app().subject_requests
    sent = service.reply(ctx, request_id) if write else service.sent_reply(ctx, request_id)
    if text_file is not None:
        text_file.write_text(sent.text, encoding="utf-8")
    if pdf_file is not None:
        from limes.sirene.pdf import render  # matplotlib loads only when a PDF is asked for

        pdf_file.write_bytes(render(sent.text, f"Reply {sent.request_id}"))
    print_json(sent)


@subject.command()
@click.argument("request_id")
@click.option(
    "--ground",
    "grounds",
    multiple=True,
    type=click.Choice([str(g) for g in ExtensionGround]),
    help="Why: complexity, number_of_requests (GDPR Art. 12(3)); repeatable.",
)
@click.option("--reason", help="The reasons for the delay, told to the applicant.")
@click.option("--show", is_flag=True, help="Give the extension as sent instead.")
@click.option("--text", "text_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--pdf", "pdf_file", type=click.Path(dir_okay=False, path_type=Path))
@acting
@pass_env
def extend(
    env: Env,
    request_id: str,
    grounds: tuple[str, ...],
    reason: str | None,
    show: bool,
    text_file: Path | None,
    pdf_file: Path | None,
    principal: str,
    roles: Roles,
    purpose: str,
) -> None:
    """Extend the time limit by two further months, once, before it passes; prints the
    extension with the letter to the applicant (--text and --pdf save it too)."""
    ctx = context(env, principal, roles, purpose)
    service = env.app().subject_followups
    if show:
        sent = service.extension(ctx, request_id)
    else:
        given = codec.parse(
            ExtensionIn, codec.encode({"grounds": list(grounds), "reason": reason or ""})
        )
        sent = service.extend(ctx, request_id, given)
    if text_file is not None:
        text_file.write_text(sent.text, encoding="utf-8")
    if pdf_file is not None:
        from limes.sirene.pdf import render  # matplotlib loads only when a PDF is asked for

        pdf_file.write_bytes(render(sent.text, f"Extension {sent.request_id}"))
    print_json(sent)


@subject.command(name="court-case")
@click.argument("request_id")
@click.option("--on", "brought_on", required=True, help="The day it was brought (YYYY-MM-DD).")
@acting
@pass_env
def court_case(
    env: Env, request_id: str, brought_on: str, principal: str, roles: Roles, purpose: str
) -> None:
    """Record that a court case was brought about a request (Art. 54 statistics)."""
    ctx = context(env, principal, roles, purpose)
    given = codec.parse(CourtCaseIn, codec.encode({"brought_on": brought_on}))
    print_json(env.app().subject_followups.court_case(ctx, request_id, given))


@subject.command()
@click.option("--year", type=click.IntRange(2000, 9999), help="Only this year of receipt.")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--png", "png_file", type=click.Path(dir_okay=False, path_type=Path))
@acting
@pass_env
def stats(
    env: Env,
    year: int | None,
    csv_file: Path | None,
    png_file: Path | None,
    principal: str,
    roles: Roles,
    purpose: str,
) -> None:
    """Figures of your state per year for the annual report (Article 54), as JSON; --csv
    and --png save them too."""
    from limes.sirene import subject_statistics  # matplotlib loads only here

    figures = env.app().subject_requests.statistics(context(env, principal, roles, purpose), year)
    if csv_file is not None:
        csv_file.write_text(subject_statistics.to_csv(figures), encoding="utf-8", newline="")
    if png_file is not None:
        png_file.write_bytes(subject_statistics.chart(figures))
    print_json(figures)


@subject.command()
@pass_env
def escalate(env: Env) -> None:
    """Escalate requests past their due date once, as the system operator."""
    report = env.app().subject_requests.escalate(SYSTEM)
    print_json({"escalated": [{"request": r, "level": level} for r, level in report.escalated]})

"""``limes alert …``: the alert lifecycle, acting as a named principal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, BinaryIO, TypeVar

import click

from limes import codec
from limes.api.schemas import alert_out, page_out, written_alert_out
from limes.cli.common import EXIT_STATUS_HELP, Env, pass_env, print_json
from limes.cli.output import format_option, show
from limes.cli.proof import acting, context
from limes.domain.alerts import AlertContent
from limes.domain.categories import CategoryCode, ObjectType
from limes.service.alert_views import AlertView
from limes.service.door_types import AlertFilter

F = TypeVar("F", bound=Callable[..., Any])

LIST_COLUMNS = (
    ("id", "id"),
    ("state", "issuing_state"),
    ("category", "category"),
    ("status", "status"),
    ("version", "version"),
    ("expires", "expires_at"),
)


@click.group(epilog=EXIT_STATUS_HELP)
def alert() -> None:
    """Issue, read, list, update, delete and extend alerts.

    Each command acts as the principal given with --as, --role and --purpose and is
    decided by the policy like any request. Alerts are read and written as JSON:
    the alert content for issue and update, the alert with its flags and links out.
    """


def _version_option(action: str) -> Callable[[F], F]:
    """``--version``: the version read, so that a concurrent change makes the action fail."""
    return click.option(
        "--version",
        "version",
        required=True,
        type=int,
        help=f"The version you read; the {action} fails if the alert has changed.",
    )


def _written(view: AlertView) -> dict[str, Any]:
    """What the API answers to a write, with the ``Limes-Feed-Position`` header it sends
    as ``feed_position`` (a search's ``--wait-for``)."""
    body: dict[str, Any] = codec.to_jsonable(written_alert_out(view))
    return {**body, "feed_position": view.feed_position}


def _content(file: BinaryIO) -> AlertContent:
    return codec.parse(AlertContent, file.read())


@alert.command()
@click.option(
    "--file",
    "file",
    required=True,
    type=click.File("rb"),
    help="The alert content as JSON; '-' reads stdin.",
)
@acting
@pass_env
def issue(env: Env, file: BinaryIO, principal: str, roles: tuple[str, ...], purpose: str) -> None:
    """Issue an alert of your member state; prints what POST /v1/alerts answers, with
    its Limes-Feed-Position header as feed_position."""
    ctx = context(env, principal, roles, purpose)
    content = _content(file)
    print_json(_written(env.app().alerts.issue(ctx, content)))


@alert.command()
@click.argument("alert_id")
@acting
@pass_env
def get(env: Env, alert_id: str, principal: str, roles: tuple[str, ...], purpose: str) -> None:
    """Read one alert; prints what GET /v1/alerts/{id} answers."""
    print_json(alert_out(env.app().alerts.get(context(env, principal, roles, purpose), alert_id)))


@alert.command(name="list")
@click.option("--category", type=click.Choice([c.value for c in CategoryCode]))
@click.option("--object-type", type=click.Choice([t.value for t in ObjectType]))
@click.option("--state", help="Only alerts of this issuing member state (e.g. DE).")
@click.option(
    "--limit", default=50, show_default=True, type=int, help="At most your roles' page size."
)
@click.option("--cursor", help="The next_cursor of the previous page.")
@format_option
@acting
@pass_env
def list_(
    env: Env,
    fmt: str | None,
    category: str | None,
    object_type: str | None,
    state: str | None,
    limit: int,
    cursor: str | None,
    principal: str,
    roles: tuple[str, ...],
    purpose: str,
) -> None:
    """List active alerts in id order, one page at a time: as JSON, the answer of
    GET /v1/alerts; as a table, the bookkeeping of each alert."""
    where = AlertFilter(
        category=category, object_type=object_type, issuing_state=state, after=cursor, limit=limit
    )
    page = env.app().alerts.list(context(env, principal, roles, purpose), where)
    show(
        page_out(page),
        fmt,
        LIST_COLUMNS,
        items="items",
        footer=lambda d: f"next page: --cursor {d['next_cursor']}" if d["next_cursor"] else None,
    )


@alert.command()
@click.argument("alert_id")
@_version_option("update")
@click.option(
    "--file",
    "file",
    required=True,
    type=click.File("rb"),
    help="The new alert content as JSON; '-' reads stdin.",
)
@acting
@pass_env
def update(
    env: Env,
    alert_id: str,
    version: int,
    file: BinaryIO,
    principal: str,
    roles: tuple[str, ...],
    purpose: str,
) -> None:
    """Replace the content of one of your state's alerts (its category stays)."""
    ctx = context(env, principal, roles, purpose)
    print_json(_written(env.app().alerts.update(ctx, alert_id, _content(file), version)))


@alert.command()
@click.argument("alert_id")
@_version_option("deletion")
@acting
@pass_env
def delete(
    env: Env, alert_id: str, version: int, principal: str, roles: tuple[str, ...], purpose: str
) -> None:
    """Delete one of your state's alerts: its personal data is erased."""
    env.app().alerts.delete(context(env, principal, roles, purpose), alert_id, version)
    print_json({"id": alert_id, "status": "deleted"})


@alert.command()
@click.argument("alert_id")
@_version_option("extension")
@click.option("--reason", required=True, help="Why the alert is still needed (recorded).")
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="New review date (YYYY-MM-DD); default: one full review period from now.",
)
@acting
@pass_env
def extend(
    env: Env,
    alert_id: str,
    version: int,
    reason: str,
    until: datetime | None,
    principal: str,
    roles: tuple[str, ...],
    purpose: str,
) -> None:
    """Keep one of your state's alerts beyond its review date."""
    ctx = context(env, principal, roles, purpose)
    view = env.app().alerts.extend(ctx, alert_id, reason, version, until.date() if until else None)
    print_json(alert_out(view))

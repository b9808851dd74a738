"""``limes reads …``: read blocks of your member state, and lifting one."""

from __future__ import annotations

import click

from limes.cli.common import EXIT_STATUS_HELP, Env, pass_env, print_json
from limes.cli.output import format_option, show
from limes.cli.proof import acting, context


@click.group(epilog=EXIT_STATUS_HELP)
def reads() -> None:
    """Bounded reading: principals and authorities blocked after opening too many alerts.

    A principal or authority that opens more distinct alerts in an hour or a day than
    its bound is refused every alert read until a data protection officer or system
    operator of the same member state lifts the block (docs/security.md).
    """


BLOCK_COLUMNS = (
    ("block", "id"),
    ("blocked", "blocked_at"),
    ("scope", "scope"),
    ("principal", "principal"),
    ("bound", "bound"),
    ("reads", "reads"),
    ("lifted", "lifted_at"),
    ("lifted by", "lifted_by"),
)


@reads.command()
@click.option("--all", "every", is_flag=True, help="Also blocks already lifted.")
@format_option
@acting
@pass_env
def blocks(
    env: Env, every: bool, fmt: str | None, principal: str, roles: tuple[str, ...], purpose: str
) -> None:
    """Read blocks of your member state, newest first: as JSON, the answer of
    GET /v1/read-blocks."""
    ctx = context(env, principal, roles, purpose)
    found = env.app().read_blocks.list(ctx, in_force_only=not every)
    show({"items": found.items}, fmt, BLOCK_COLUMNS, items="items")


@reads.command()
@click.argument("block_id")
@click.option("--reason", required=True, help="Why the reads were legitimate, or what was done.")
@acting
@pass_env
def lift(
    env: Env, block_id: str, reason: str, principal: str, roles: tuple[str, ...], purpose: str
) -> None:
    """Lift a read block of your member state (never one on yourself or your authority)."""
    ctx = context(env, principal, roles, purpose)
    print_json(env.app().read_blocks.lift(ctx, block_id, reason).block)

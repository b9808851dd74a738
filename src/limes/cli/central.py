"""``limes central …``: the central site's pair of PostgreSQL servers (backup site).

``status`` shows, for each server named, its role (primary or standby), its
``cluster_name``, the fencing term, whether it is fenced, and the replication: on a
primary each standby's sync state and lag, on a standby how far replay is behind.
``promote`` makes the standby the primary under the fencing rule
(``store/central.py``): the old primary, fenced if reachable, refuses writes, and
so does every server that comes back holding an older term. The promotion is written
to the audit log on the promoted server (``service/central.py``: who, when, the term, the
old and new site), verifiable with ``limes audit verify``. Exit status 8 when the server
named is not a standby; 11 when it cannot be reached, or when it was promoted but the
audit record could not be written (the promotion's JSON is printed first, saying why).
"""

from __future__ import annotations

import click

from limes.cli.common import EXIT_STATUS_HELP, Env, pass_env, print_json
from limes.errors import LimesError, Unavailable
from limes.service import central as central_service


@click.group(epilog=EXIT_STATUS_HELP)
def central() -> None:
    """The backup site: status and promotion of the central PostgreSQL pair."""


_SCHEMA = click.option(
    "--schema", default="limes", show_default=True, help="Limes' schema on the servers."
)


@central.command()
@click.argument("urls", nargs=-1, required=True, metavar="URL…")
@_SCHEMA
def status(urls: tuple[str, ...], schema: str) -> None:
    """Role, term, sync state and replication lag of each server (postgresql:// URL)."""
    print_json({"servers": central_service.status(urls, schema)})


@central.command()
@click.option("--standby", "standby_url", required=True, help="The standby to promote.")
@click.option(
    "--old-primary",
    "old_primaries",
    multiple=True,
    help="The failed primary, fenced if it can be reached (repeatable).",
)
@click.option(
    "--alone",
    is_flag=True,
    help="Clear synchronous_standby_names on the new primary: accept writes without a "
    "standby until one is attached (no second copy meanwhile).",
)
@click.option(
    "--operator",
    metavar="NAME",
    help="Who promotes, as the audit record names them [default: your login name].",
)
@_SCHEMA
@pass_env
def promote(
    env: Env,
    standby_url: str,
    old_primaries: tuple[str, ...],
    alone: bool,
    operator: str | None,
    schema: str,
) -> None:
    """Promote the standby: fence the old primary, pg_promote, record the next term, and
    write the promotion to the audit log on the promoted server."""
    who = central_service.operator_name(operator)
    promoted = central_service.promote(
        standby_url, old_primaries=old_primaries, alone=alone, schema=schema
    )
    try:
        audit = central_service.record_promotion(
            env.settings,
            standby_url,
            promoted,
            operator=who,
            old_primaries=old_primaries,
            alone=alone,
            schema=schema,
        )
    except (LimesError, OSError, ValueError) as exc:
        print_json({**promoted, "audit": {"written": False, "error": str(exc)}})
        raise Unavailable(f"promoted, but the audit record was not written: {exc}") from None
    print_json({**promoted, "audit": {"written": True, **audit}})

"""``limes audit …``: verify the audit log, export its public key, read it as the DPO.

``forwarded`` lists the records national copies sent (``limes copy forward-audit``).
``verify`` and ``public-key`` read the log's storage and key files directly and act as
no principal: whoever may run them holds those files already, and ``verify`` prints
findings only, never records. ``query`` is the data protection officer's reading and
goes through the policy (``audit:read``) like the API, acting as ``--as``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import click

from limes.cli.common import EXIT_NOT_INITIALISED, Env, pass_env, print_json, problem
from limes.cli.output import format_option, show
from limes.cli.proof import acting, context
from limes.errors import NotFound
from limes.service.audit_custody import (
    NoAuditLog,
    kept_tree_head,
    public_key_pem,
    verification_keys,
    verify_installation,
)
from limes.service.door_types import head_out, records_out

EXIT_TAMPERED = 20

VERIFY_EXIT_HELP = f"""\b
Exit status:
  0   every record, node and signed tree head checks out
  {EXIT_TAMPERED}  the log failed verification: each finding is printed on stdout
  11  --witness: a witness could not be read
  12  no public key (give --public-key, or run where the signing key is);
      --witness without a witness configured
  13  there is no audit log here (run 'limes init')"""


@click.group()
def audit() -> None:
    """The audit log: verify it, export its public key, list records with their proofs."""


@audit.command("public-key")
@pass_env
def public_key(env: Env) -> None:
    """Print the public key that checks the log's signed tree heads (PEM).

    Give it to whoever verifies the log or the proofs in the answers of 'audit query'
    and GET /v1/audit/records: with it, and nothing else of this server, they can
    check that a record is in the log and that the log was never rewritten.
    """
    click.echo(public_key_pem(env.settings), nl=False)


def _heads(files: tuple[Path, ...]) -> list[Any]:
    out = []
    for file in files:
        try:
            out.append(kept_tree_head(file.read_bytes()))
        except (OSError, ValueError) as exc:
            raise click.BadParameter(f"{file}: {exc}", param_hint="'--trusted-head'") from None
    return out


@audit.command(epilog=VERIFY_EXIT_HELP)
@click.option(
    "--public-key",
    "key_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="The PEM public key to check signatures with. [default: that of the signing "
    "key in <var>/keys]",
)
@click.option(
    "--trusted-head",
    "trusted",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A tree head kept elsewhere (JSON of GET /v1/audit/tree-head or 'audit tree-head'): "
    "the log must still contain it. Repeatable.",
)
@click.option(
    "--witness",
    is_flag=True,
    help="Also require every head published to the configured witnesses "
    "(LIMES_AUDIT_WITNESS_FILE, LIMES_AUDIT_WITNESS_NATS): catches a log rewritten and "
    "re-signed by whoever holds the signing key.",
)
@pass_env
def verify(env: Env, key_file: Path | None, trusted: tuple[Path, ...], witness: bool) -> None:
    """Check the whole log: every record against its leaf hash, the Merkle tree, every
    signed tree head (signature, root at its size, consistency with the head before),
    that only the retention job ever deleted records, and only records older than
    LIMES_AUDIT_RETENTION_YEARS under a signed head as old.

    Prints one line per finding (which record, node or head, and what is wrong) and a
    summary, and exits non-zero if there is any finding.
    """
    if key_file is None:
        keys = verification_keys(env.settings, None)  # SettingsError without a signing key
    else:
        try:
            keys = verification_keys(env.settings, key_file.read_bytes())
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="'--public-key'") from None
    try:
        checked = verify_installation(env.settings, keys, lambda: _heads(trusted), witness=witness)
    except NoAuditLog as exc:
        problem("not-initialised", "There is no audit log", str(exc), EXIT_NOT_INITIALISED)
        raise click.exceptions.Exit(EXIT_NOT_INITIALISED) from None
    report = checked.report
    if checked.published is not None:
        click.echo(f"{checked.published} published heads checked", err=True)
    for finding in report.findings:
        click.echo(str(finding))
    if report.more:
        click.echo(f"… and {report.more} more findings")
    click.echo(report.summary(), err=not report.ok)
    if not report.ok:
        raise click.exceptions.Exit(EXIT_TAMPERED)


@audit.command("tree-head")
@pass_env
def tree_head(env: Env) -> None:
    """Print the latest signed tree head as JSON (keep copies for --trusted-head)."""
    head = env.app().audit_custody.latest_head()
    if head is None:
        raise NotFound("the audit log has no signed tree head yet")
    print_json(head_out(head))


@audit.command()
@pass_env
def checkpoint(env: Env) -> None:
    """Sign a tree head now for the records not yet under one ('limes serve' does it
    every minute while records arrive), and print the latest head."""
    head = env.app().audit_custody.checkpoint()
    print_json(None if head is None else head_out(head))


@audit.command()
@pass_env
def retention(env: Env) -> None:
    """Delete the records older than LIMES_AUDIT_RETENTION_YEARS ('limes serve' does it
    every minute); their leaf hashes stay, so the log remains verifiable."""
    report = env.app().audit_custody.apply_retention()
    print_json({"cutoff": report.cutoff, "deleted": report.deleted, "below": report.below})


RECORD_COLUMNS = (
    ("seq", "seq"),
    ("at", "record.at"),
    ("action", "record.action"),
    ("outcome", "record.outcome"),
    ("user", "record.user"),
    ("state", "record.member_state"),
    ("purpose", "record.purpose"),
)


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("must be an ISO 8601 time", param_hint="'--since'") from None


@audit.command()
@click.option("--alert", "alert_id", metavar="ID", help="Every access to this alert.")
@click.option("--user", metavar="USER", help="Every action of this user.")
@click.option("--since", metavar="TIME", help="Only records from then on (ISO 8601 with zone).")
@click.option("--after", type=click.IntRange(min=0), help="Continue after this record (seq).")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 1000))
@format_option
@acting
@pass_env
def query(
    env: Env,
    fmt: str | None,
    alert_id: str | None,
    user: str | None,
    since: str | None,
    after: int | None,
    limit: int,
    principal: str,
    roles: tuple[str, ...],
    purpose: str,
) -> None:
    """List every access to an alert (--alert) or every action of a user (--user), each
    record with its inclusion proof against the latest signed tree head: as JSON, the
    answer of GET /v1/audit/records; as a table, who did what when.

    Needs audit:read (data protection officers, supervisory authorities); records of
    your member state's users, and accesses to your state's alerts.
    """
    ctx = context(env, principal, roles, purpose)
    answer = env.app().audit_reader.records(
        ctx, alert_id=alert_id, user=user, since=_since(since), after=after, limit=limit
    )
    show(
        records_out(answer),
        fmt,
        RECORD_COLUMNS,
        items="items",
        footer=lambda d: f"more: --after {d['next_after']}" if d["next_after"] else None,
    )


@audit.command()
@click.argument("client")
@click.option("--after", default=-1, type=click.IntRange(min=-1), help="After this record.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 1000))
@acting
@pass_env
def forwarded(
    env: Env,
    client: str,
    after: int,
    limit: int,
    principal: str,
    roles: tuple[str, ...],
    purpose: str,
) -> None:
    """(At the centre) the audit records the national copy CLIENT forwarded: its
    searches and reads, each as the copy's log wrote it, with its batch's signature.

    Needs audit:read."""
    ctx = context(env, principal, roles, purpose)
    print_json(env.app().audit_forwarding.records_of(ctx, client, after, limit))

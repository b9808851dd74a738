"""``limes feed tail``: the change feed (outbox) as JSON lines; ``publish`` and ``digest``
for national copies, and ``bind``: the filter a replicating client is held to at the
centre (``service/replication.py``)."""

from __future__ import annotations

import time
from pathlib import Path

import click

from limes.cli.common import Env, pass_env, print_json
from limes.cli.proof import acting, context
from limes.service.jobs import SYSTEM
from limes.service.replication import CopyFilter

PAGE = 500  # at most feed.MAX_PAGE
DEFAULT_LIMIT = 100  # without --follow: a screenful, not the whole history


@click.group()
def feed() -> None:
    """Read the change feed: one sequenced event per state change."""


@feed.command()
@click.option(
    "--after",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="Start after this sequence number.",
)
@click.option(
    "--follow", is_flag=True, help="Keep polling for new events (every 0.5 s) until interrupted."
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    help=f"Stop after this many events. [default: {DEFAULT_LIMIT}; with --follow, none]",
)
@click.option(
    "--interval", default=0.5, show_default=True, type=click.FloatRange(min=0.01), hidden=True
)
@pass_env
def tail(env: Env, after: int, follow: bool, limit: int | None, interval: float) -> None:
    """Print change events after --after as JSON lines, oldest first.

    Events carry identifiers and bookkeeping only, never alert content. Read as the
    system operator (purpose operations), whom the policy allows to read the feed;
    every page read is recorded in the audit log.
    """
    changes = env.app().feed
    if limit is None and not follow:
        limit = DEFAULT_LIMIT
        cut = True  # say so if there is more
    else:
        cut = False
    seq, printed = after, 0
    try:
        while True:
            page = PAGE if limit is None else min(PAGE, limit - printed)
            events = changes.after(SYSTEM, seq, page)
            for event in events:
                print_json(event, pretty=False)
                seq = event.seq
            printed += len(events)
            if limit is not None and printed >= limit:
                if cut and changes.has_new(SYSTEM, seq):
                    click.echo(
                        f"the first {limit} events shown; more with --after {seq} or --limit",
                        err=True,
                    )
                return
            if len(events) < page:
                if not follow:
                    return
                while not changes.has_new(SYSTEM, seq):  # only pages with events are recorded
                    time.sleep(interval)
    except KeyboardInterrupt:
        return


@feed.command()
@click.option("--nats-url", default="nats://127.0.0.1:4222", show_default=True)
@click.option("--follow", "keep", is_flag=True, help="Keep publishing until interrupted.")
@click.option(
    "--interval",
    default=0.2,
    show_default=True,
    type=click.FloatRange(min=0.01),
    help="Seconds between passes with --follow.",
)
@pass_env
def publish(env: Env, nats_url: str, keep: bool, interval: float) -> None:
    """Publish the whole change feed, with each alert's sealed rows, to the JetStream
    stream LIMES_FEED (limes.feed.<STATE>.<CATEGORY>) for national copies: at least
    once, resuming where the last run stopped."""
    publisher = env.app().feed_publisher(nats_url)
    try:
        while True:
            run = publisher.run()
            if run.published or not keep:
                print_json(run, pretty=False)
            if not keep:
                return
            time.sleep(interval)
    except KeyboardInterrupt:
        return


@feed.command()
@pass_env
def digest(env: Env) -> None:
    """Sign and keep the completeness digest of the alert set now (Merkle root per
    issuing state and category, signed with the audit signing key)."""
    made = env.app().replication.publish_digest()
    print_json(made.to_json() if made else {"digest": None, "reason": "no signing key"})


@feed.command()
@click.argument("client")
@click.option("--category", "categories", multiple=True, help="It may replicate this category.")
@click.option("--object-type", "object_types", multiple=True, help="It may replicate this type.")
@click.option("--state", "states", multiple=True, help="It may replicate this issuing state.")
@click.option(
    "--audit-public-key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The copy's audit public key (PEM): its forwarded audit records must be signed "
    "with it (limes copy forward-audit).",
)
@acting
@pass_env
def bind(
    env: Env,
    client: str,
    categories: tuple[str, ...],
    object_types: tuple[str, ...],
    states: tuple[str, ...],
    audit_public_key: Path | None,
    principal: str,
    roles: tuple[str, ...],
    purpose: str,
) -> None:
    """Bind the replicating system client CLIENT (its account name) to its copy's filter:
    GET /v1/feed refuses it any page beyond (no option: the whole feed). A client bound
    to none is refused every page. As a system operator (account:manage)."""
    ctx = context(env, principal, roles, purpose)
    where = CopyFilter.of(categories, object_types, states)
    key = audit_public_key.read_bytes() if audit_public_key else None
    print_json(env.app().replication.bind(ctx, client, where, key))


@feed.command("export-seed")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--category", "categories", multiple=True, help="Only this category.")
@click.option("--object-type", "object_types", multiple=True, help="Only this object type.")
@click.option("--state", "states", multiple=True, help="Only this issuing state.")
@pass_env
def export_seed(
    env: Env,
    file: Path,
    categories: tuple[str, ...],
    object_types: tuple[str, ...],
    states: tuple[str, ...],
) -> None:
    """Write a signed copy seed to FILE (new, 0600): every feed item up to now with the
    alerts' sealed rows (ciphertext only), signed with the audit signing key, for
    'limes copy init --from-backup FILE' at a new national copy."""
    if file.exists():
        raise click.UsageError(f"{file} exists: a seed is never written over")
    where = CopyFilter.of(categories, object_types, states)
    print_json(env.app().replication.export_seed(file, where))

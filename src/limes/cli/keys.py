"""``limes keys …``: the state of the data keys, and their rotation.

Both commands act as a key custodian (``--as USER@AUTHORITY/STATE --role
key_custodian --purpose operations``; outside development, a stored account holding
that role): the policy gives ``keys:rotate`` to key custodians only. Nothing shown
here is secret: key ids, versions, states and counts, never key bytes.
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import click
import orjson

from limes.cli.common import Env, pass_env, print_json
from limes.cli.progress import counted, step
from limes.cli.proof import acting, context
from limes.service.door_types import KeyReport


def report_json(found: KeyReport) -> dict[str, Any]:
    return {
        "key_encryption_key": found.kek,
        "data_keys": [
            {
                "scope": row.scope,
                "version": row.version,
                "status": row.status.value,
                "kek_id": row.kek_id,
                "created_at": row.created_at.isoformat(),
                "changed_at": row.changed_at.isoformat(),
                "sealed_values": count,
            }
            for row, count in found.keys
        ],
        "reencryption": None
        if found.job is None
        else {"table": found.job[0], "after": found.job[1]},
        "values_under_unknown_keys": [
            {"scope": s, "version": v, "sealed_values": n} for s, v, n in found.unknown
        ],
    }


@click.group()
def keys() -> None:
    """Data keys (one per member state and version) and the key-encryption key."""


@keys.command()
@acting
@pass_env
def status(env: Env, principal: str, roles: tuple[str, ...], purpose: str) -> None:
    """Print every data key: version, state, wrapping KEK, and how many values it seals.

    Values are counted from the key ids of the stored envelopes; a pending
    re-encryption shows where it stands.
    """
    ctx = context(env, principal, roles, purpose)
    print_json(report_json(env.app().keys.status(ctx)))


@keys.command()
@click.option("--data-keys", is_flag=True, help="Make a new version of every data key.")
@click.option("--kek", is_flag=True, help="Make a new key-encryption key; re-wrap the data keys.")
@click.option(
    "--batch",
    default=1000,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Rows re-encrypted per transaction.",
)
@click.option(
    "--grace-seconds",
    default=60,
    show_default=True,
    type=click.IntRange(min=0),
    help="Keep a replaced version at least this long after it stopped being active, so "
    "that running servers have switched (they look every 10 s). 0 only if none runs.",
)
@click.option("--no-wait", is_flag=True, help="Do not wait for the grace period; run again later.")
@acting
@pass_env
def rotate(
    env: Env,
    data_keys: bool,
    kek: bool,
    batch: int,
    grace_seconds: int,
    no_wait: bool,
    principal: str,
    roles: tuple[str, ...],
    purpose: str,
) -> None:
    """Rotate keys without downtime; with no option, finish a rotation already begun.

    --kek re-wraps every data key under a new key-encryption key (keep the previous
    keyring file with backups made before: they open only with it). --data-keys makes
    new versions; new writes use them at once, and every stored value is then
    re-encrypted in batches (progress on stderr; interrupted, it resumes where it
    stopped). The old versions stay readable until no row names them, then are retired:
    their key material is erased.
    """
    ctx = context(env, principal, roles, purpose)
    service = env.app().keys
    if kek:
        with step("new key-encryption key, data keys re-wrapped"):
            done = service.rotate_kek(ctx)
        click.echo(f"key-encryption key {done.kek}: {done.rewrapped} data keys re-wrapped")
    if data_keys:
        made = service.rotate_data_keys(ctx)
        click.echo(f"new data key versions: {', '.join(f'{s} v{v}' for s, v in made) or 'none'}")
    grace = timedelta(seconds=grace_seconds)
    said_waiting = False
    while True:
        total = service.pending(ctx)
        if total:
            with counted("Re-encrypting", total, "rows") as bar:
                result = service.reencrypt(ctx, batch, bar.update)
            click.echo(f"re-encrypted {result.resealed:,} of {result.examined:,} rows examined")
        retirement = service.retire(ctx, grace)
        for scope, version in retirement.retired:
            click.echo(f"retired data key {scope} v{version}")
        if not retirement.waiting:
            break
        names = ", ".join(f"{s} v{v} ({n} values)" for s, v, n in retirement.waiting)
        if no_wait:
            click.echo(f"still retiring: {names}; run 'limes keys rotate' again later")
            break
        if not said_waiting:
            click.echo(f"waiting for the grace period before retiring: {names}", err=True)
            said_waiting = True
        time.sleep(1)


@keys.command()
@click.option(
    "--recipient",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The copy's recipient public key (PEM, from limes copy recipient-key).",
)
@click.option("--state", "states", multiple=True, required=True, help="A state's keys (repeat).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@acting
@pass_env
def package(
    env: Env,
    recipient: Path,
    states: tuple[str, ...],
    out: Path,
    principal: str,
    roles: tuple[str, ...],
    purpose: str,
) -> None:
    """Seal the data keys of --state (every live version) and the blind-index secret to a
    national copy's recipient key; only that copy opens the package (key custodians)."""
    ctx = context(env, principal, roles, purpose)
    made = env.app().keys.package_for_copy(ctx, recipient.read_bytes(), set(states))
    out.write_bytes(orjson.dumps(made))
    out.chmod(0o600)
    print_json({"package": str(out), "keys": [(k["scope"], k["version"]) for k in made["keys"]]})


@keys.command()
@click.option(
    "--batch",
    default=1000,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Alerts looked at per transaction.",
)
@acting
@pass_env
def compact(env: Env, batch: int, principal: str, roles: tuple[str, ...], purpose: str) -> None:
    """Rewrite alert bodies stored before the compact format into it (issue 15).

    Each body sealed as JSON is opened, deflated with its category's dictionary and
    sealed again under the state's active data key, bound as before to its alert; the
    alert is otherwise unchanged. Old bodies stay readable meanwhile, so it can run
    while the server serves, and again after an interruption.
    """
    ctx = context(env, principal, roles, purpose)
    service = env.app().keys
    with counted("Compacting", service.alerts_held(ctx), "alerts") as bar:
        done = service.compact_bodies(ctx, batch, bar.update)
    click.echo(f"rewrote {done.rewritten:,} bodies of {done.examined:,} alerts examined")

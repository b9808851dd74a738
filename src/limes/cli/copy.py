"""``limes copy …``: a national copy of the centre's register (init, follow, status,
verify, and its data keys: recipient-key, import-keys).

A copy is an installation of its own (``limes init`` first: its keyring, store and
audit log), made a copy by ``init``, which names the centre's servers in order
(``--centre`` repeated: the copy moves to the next when one is down, fenced or behind,
``feed/centres.py``) and the filter, and fills it from the centre's feed from position 0.
``follow`` keeps it current from NATS JetStream (a durable consumer), filling any hole
from the centre's feed endpoint and polling that endpoint while NATS is down. A copy
refuses every write; its searches and reads (``limes search``, ``limes serve``) go
through the same policy and audit as the centre's, and say the position and age of
what they answer (``as_of``).

The copy calls the centre as a system client: a bearer token read from
``--token-file`` (``LIMES_COPY_TOKEN_FILE``) or a client certificate for mTLS. The
centre must first bind that client to the copy's filter (``limes feed bind``): it
refuses a client bound to none, and any filter wider than the binding.
"""

from __future__ import annotations

import time
from pathlib import Path

import click
import orjson

from limes.cli.common import EXIT_STATUS_HELP, Env, pass_env, print_json
from limes.cli.progress import step
from limes.cli.proof import acting, context
from limes.service.replication import CopyFilter
from limes.service.seeds import read_verified as read_verified_seed


def _credentials(f: click.decorators.FC) -> click.decorators.FC:
    for option in reversed(
        (
            click.option(
                "--token-file",
                envvar="LIMES_COPY_TOKEN_FILE",
                type=click.Path(dir_okay=False, path_type=Path),
                help="A file holding the copy's bearer token (system client of the centre).",
            ),
            click.option("--cert-file", envvar="LIMES_COPY_CERT_FILE", help="mTLS client cert."),
            click.option("--key-file", envvar="LIMES_COPY_KEY_FILE", help="mTLS client key."),
            click.option("--ca-file", envvar="LIMES_COPY_CA_FILE", help="The centre's CA."),
        )
    ):
        f = option(f)
    return f


def _centre(
    env: Env,
    token_file: Path | None,
    cert_file: str | None,
    key_file: str | None,
    ca_file: str | None,
) -> object:
    """The copy's centres from its state: the one that answered last first."""
    app = env.app()
    urls, current = app.copies.centres()
    token = token_file.read_text().strip() if token_file else None
    return app.centre(
        urls,
        current=current,
        token=token,
        cert_file=cert_file,
        key_file=key_file,
        ca_file=ca_file,
    )


@click.group(epilog=EXIT_STATUS_HELP)
def copy() -> None:
    """A national copy: initialise, follow, show status, verify completeness."""


@copy.command()
@click.option(
    "--centre",
    "centre_urls",
    required=True,
    multiple=True,
    help="The centre's API, https://… (http:// on loopback only). Repeat it, or separate "
    "with commas, to name the central site's servers in order: the copy moves to the "
    "next when one is unreachable, fenced or behind.",
)
@click.option("--category", "categories", multiple=True, help="Hold only this category.")
@click.option("--object-type", "object_types", multiple=True, help="Hold only this type.")
@click.option("--state", "states", multiple=True, help="Hold only this issuing state.")
@click.option(
    "--from-backup",
    "seed_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Start from the centre's signed copy seed (limes feed export-seed), verified "
    "first, then follow the feed from its position.",
)
@click.option(
    "--public-key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The centre's audit public key (PEM) the seed must be signed with.",
)
@_credentials
@pass_env
def init(
    env: Env,
    centre_urls: tuple[str, ...],
    categories: tuple[str, ...],
    object_types: tuple[str, ...],
    states: tuple[str, ...],
    seed_file: Path | None,
    public_key: Path | None,
    token_file: Path | None,
    cert_file: str | None,
    key_file: str | None,
    ca_file: str | None,
) -> None:
    """Make this (empty) installation a copy of the centre and fill it from the feed
    (from position 0, or from a verified seed's position with --from-backup)."""
    app = env.app()
    where = CopyFilter.of(categories, object_types, states)
    started = time.monotonic()
    seeded = 0
    if seed_file is not None:
        if public_key is None:
            raise click.UsageError("--from-backup needs --public-key: a seed is verified first")
        with step("Verifying the seed's signature"):
            seed = read_verified_seed(seed_file, public_key.read_bytes())
        with step("Storing the seed"):
            seeded = app.copies.begin_from_seed(centre_urls, where, seed).applied
    else:
        app.copies.begin(centre_urls, where)
    centre = _centre(env, token_file, cert_file, key_file, ca_file)
    with step("Catching up from the centre's feed"):
        receipt = app.copies.catch_up(centre)  # type: ignore[arg-type]
    print_json(
        {
            "from_backup": seeded,
            "applied": receipt.applied,
            "stored": receipt.stored,
            "seconds": round(time.monotonic() - started, 3),
            **app.copies.status(),
        }
    )


@copy.command()
@click.option("--nats-url", default="nats://127.0.0.1:4222", show_default=True)
@click.option("--durable", default="limes-copy", show_default=True, help="The consumer name.")
@click.option("--seconds", type=click.FloatRange(min=0.1), help="Stop after so long.")
@_credentials
@pass_env
def follow(
    env: Env,
    nats_url: str,
    durable: str,
    seconds: float | None,
    token_file: Path | None,
    cert_file: str | None,
    key_file: str | None,
    ca_file: str | None,
) -> None:
    """Follow the centre: NATS for news, the feed endpoint for holes and catching up."""
    app = env.app()
    centre = _centre(env, token_file, cert_file, key_file, ca_file)
    end = None if seconds is None else time.monotonic() + seconds
    try:
        app.copies.follow(
            centre,  # type: ignore[arg-type]
            app.copy_stream(nats_url, durable),
            lambda: end is not None and time.monotonic() >= end,
        )
    except KeyboardInterrupt:
        pass
    print_json(app.copies.status())


@copy.command()
@pass_env
def status(env: Env) -> None:
    """The centre's servers in order and the one followed now (``centre``), the filter,
    alerts held, and as_of: position and age."""
    print_json(env.app().copies.status())


@copy.command()
@click.option(
    "--public-key",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The centre's audit public key (PEM, limes audit public-key at the centre).",
)
@_credentials
@pass_env
def verify(
    env: Env,
    public_key: Path,
    token_file: Path | None,
    cert_file: str | None,
    key_file: str | None,
    ca_file: str | None,
) -> None:
    """Compare with the centre's signed digest; name every alert that differs.

    Exits 0 when complete, 1 when an alert differs or the signature does not check."""
    app = env.app()
    centre = _centre(env, token_file, cert_file, key_file, ca_file)
    report = app.copies.verify(centre, public_key.read_bytes())  # type: ignore[arg-type]
    print_json(report.to_json())
    if not report.complete:
        raise click.exceptions.Exit(1)


@copy.command("forward-audit")
@click.option(
    "--client",
    required=True,
    envvar="LIMES_COPY_CLIENT",
    help="This copy's account name at the centre (the system client its token names).",
)
@_credentials
@pass_env
def forward_audit(
    env: Env,
    client: str,
    token_file: Path | None,
    cert_file: str | None,
    key_file: str | None,
    ca_file: str | None,
) -> None:
    """Send this copy's audit records the centre does not have yet, signed with its audit
    signing key (POST /v1/feed/audit); resending is harmless."""
    app = env.app()
    centre = _centre(env, token_file, cert_file, key_file, ca_file)
    print_json(app.audit_forwarding.forward(centre, client))  # type: ignore[arg-type]


@copy.command("recipient-key")
@click.option(
    "--private-key",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to keep the private key (made 0600; it never leaves this host).",
)
@pass_env
def recipient_key(env: Env, private_key: Path) -> None:
    """Make the copy's recipient key and print its public half (PEM) for the centre's
    key custodians (limes keys package --recipient)."""
    if private_key.exists():
        raise click.UsageError(f"{private_key} exists: a recipient key is never replaced here")
    private, public = env.app().keys.new_recipient_key()
    private_key.touch(0o600)
    private_key.write_bytes(private)
    click.echo(public.decode(), nl=False)


@copy.command("import-keys")
@click.option(
    "--package",
    "package_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option(
    "--private-key", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@acting
@pass_env
def import_keys(
    env: Env,
    package_file: Path,
    private_key: Path,
    principal: str,
    roles: tuple[str, ...],
    purpose: str,
) -> None:
    """Store the data keys of a key package under this copy's own key-encryption key."""
    ctx = context(env, principal, roles, purpose)
    package = orjson.loads(package_file.read_bytes())
    stored = env.app().keys.receive_package(ctx, package, private_key.read_bytes())
    print_json({"keys": stored})

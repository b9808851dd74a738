"""``limes biometrics add|search|verify|search-face``: fingerprints and faces on alerts,
as a named principal.

Each FILE is one ISO/IEC 19794-2 finger minutiae record (``-`` for stdin); a ``--face``
is a JPEG, a PNG or an ANSI/NIST-ITL transaction with Type-10 faces. The commands
go through the service like the API (policy, quality gate, minimisation, audit); the
fingerprint gallery is built from the store when a search starts. Answers are JSON.
"""

from __future__ import annotations

from typing import BinaryIO

import click

from limes.cli.common import EXIT_STATUS_HELP, Env, pass_env, print_json
from limes.cli.proof import acting, context
from limes.domain.categories import CategoryCode
from limes.service.biometrics import MAX_CANDIDATES
from limes.service.door_types import MAX_RECORDS

_records = click.argument(
    "files", nargs=-1, required=True, type=click.File("rb"), metavar=f"FILE… (1 to {MAX_RECORDS})"
)
_finger_records = click.argument(
    "files", nargs=-1, type=click.File("rb"), metavar=f"[FILE…] (0 to {MAX_RECORDS})"
)
_face = click.option(
    "--face", "face", type=click.File("rb"), help="A facial image instead of fingers."
)


def _read(files: tuple[BinaryIO, ...]) -> list[bytes]:
    return [f.read() for f in files]


@click.group(epilog=EXIT_STATUS_HELP)
def biometrics() -> None:
    """Enrol fingerprints on alerts, search by them, verify a capture."""


@biometrics.command()
@click.argument("alert_id")
@_finger_records
@click.option(
    "--face",
    "faces",
    multiple=True,
    type=click.File("rb"),
    help="A facial image to enrol instead of fingers (repeatable).",
)
@acting
@pass_env
def add(
    env: Env,
    alert_id: str,
    files: tuple[BinaryIO, ...],
    faces: tuple[BinaryIO, ...],
    principal: str,
    roles: tuple[str, ...],
    purpose: str,
) -> None:
    """Enrol the fingers of FILE…, or the faces of --face FILE…, on person alert
    ALERT_ID (of your state)."""
    _one_modality(files, faces)
    ctx = context(env, principal, roles, purpose)
    if faces:
        print_json(env.app().faces.enrol(ctx, alert_id, _read(faces)))
    else:
        print_json(env.app().biometrics.enrol(ctx, alert_id, _read(files)))


def _one_modality(files: tuple[BinaryIO, ...], faces: tuple[BinaryIO, ...]) -> None:
    if bool(files) == bool(faces):
        raise click.UsageError("give finger FILE… or --face FILE, not both")


@biometrics.command()
@_records
@click.option(
    "--category",
    "categories",
    multiple=True,
    type=click.Choice([c.value for c in CategoryCode]),
    help="Only alerts of this category (repeatable).",
)
@click.option(
    "--limit",
    default=10,
    show_default=True,
    type=click.IntRange(1, MAX_CANDIDATES),
    help="Most candidates shown.",
)
@acting
@pass_env
def search(
    env: Env,
    files: tuple[BinaryIO, ...],
    categories: tuple[str, ...],
    limit: int,
    principal: str,
    roles: tuple[str, ...],
    purpose: str,
) -> None:
    """Candidates for an examiner, best first: fingers of known position, or one latent."""
    ctx = context(env, principal, roles, purpose)
    scope = frozenset(CategoryCode(c) for c in categories)
    print_json(env.app().biometrics.search(ctx, _read(files), limit, scope))


@biometrics.command()
@click.argument("alert_id")
@_finger_records
@_face
@acting
@pass_env
def verify(
    env: Env,
    alert_id: str,
    files: tuple[BinaryIO, ...],
    face: BinaryIO | None,
    principal: str,
    roles: tuple[str, ...],
    purpose: str,
) -> None:
    """Compare FILE… with the fingers enrolled on ALERT_ID (``agrees``: the mean score of
    the fingers compared reaches the verification threshold), or --face FILE with its
    faces (``agrees``: the nearest is within the verification distance)."""
    _one_modality(files, (face,) if face else ())
    ctx = context(env, principal, roles, purpose)
    if face is not None:
        print_json(env.app().faces.verify(ctx, alert_id, face.read()))
    else:
        print_json(env.app().biometrics.verify(ctx, alert_id, _read(files)))

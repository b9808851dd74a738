"""``limes biometrics add|list|search|verify|search-face``: fingerprints and faces on
alerts, as a named principal.

Each FILE is one ISO/IEC 19794-2 finger minutiae record (``-`` for stdin); with ``--form``
``add`` and ``search`` take one ANSI/NIST-ITL transaction (Type-4/14 finger images, Type-9
minutiae) or one bare 500 ppi PNG or WSQ image instead, whose finger ``--position``
names. A ``--face`` is a JPEG, a PNG or an ANSI/NIST-ITL transaction with Type-10 faces.
The commands go through the service like the API (policy, quality gate, minimisation, audit); the
fingerprint gallery is built from the store when a search starts. Answers are JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, BinaryIO, TypeVar

import click

from limes.cli.common import EXIT_STATUS_HELP, Env, pass_env, print_json
from limes.cli.proof import acting, context
from limes.domain.categories import CategoryCode
from limes.service.biometrics import MAX_CANDIDATES
from limes.service.door_types import MAX_RECORDS, Form, Submission

F = TypeVar("F", bound=Callable[..., Any])

_records = click.argument(
    "files", nargs=-1, required=True, type=click.File("rb"), metavar=f"FILE… (1 to {MAX_RECORDS})"
)
_finger_records = click.argument(
    "files", nargs=-1, type=click.File("rb"), metavar=f"[FILE…] (0 to {MAX_RECORDS})"
)
_face = click.option(
    "--face", "face", type=click.File("rb"), help="A facial image instead of fingers."
)


_form = click.option(
    "--form",
    default=Form.RECORDS.value,
    show_default=True,
    type=click.Choice([f.value for f in Form]),
    help="ISO/IEC 19794-2 records, or one ANSI/NIST-ITL transaction, PNG or WSQ image.",
)
_position = click.option(
    "--position",
    default=0,
    show_default=True,
    type=click.IntRange(0, 38),
    help="What a bare image shows: finger 1-10, 0 (a latent), palm 21-38, 20 (a palm mark).",
)


_categories = click.option(
    "--category",
    "categories",
    multiple=True,
    type=click.Choice([c.value for c in CategoryCode]),
    help="Only alerts of this category (repeatable).",
)
_limit = click.option(
    "--limit",
    default=10,
    show_default=True,
    type=click.IntRange(1, MAX_CANDIDATES),
    help="Most candidates shown.",
)


def candidate_options(command: F) -> F:
    """``--category`` (repeatable) and ``--limit``: the options of every biometric search
    (fingers here, faces in ``cli/faces.py``)."""
    return _categories(_limit(command))


def _read(files: tuple[BinaryIO, ...]) -> list[bytes]:
    return [f.read() for f in files]


def _capture(files: tuple[BinaryIO, ...], form: str, position: int) -> Submission:
    """The submission of FILE…: records as they are, any other form one file."""
    if Form(form) is not Form.RECORDS and len(files) != 1:
        raise click.UsageError(f"--form {form} takes one FILE")
    if Form(form) not in (Form.PNG, Form.WSQ) and position:
        raise click.UsageError("--position names the finger of a bare image only")
    return Submission(Form(form), tuple(_read(files)), position)


@click.group(epilog=EXIT_STATUS_HELP)
def biometrics() -> None:
    """Enrol fingerprints on alerts, list them, search by them, verify a capture."""


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
@_form
@_position
@acting
@pass_env
def add(
    env: Env,
    alert_id: str,
    files: tuple[BinaryIO, ...],
    faces: tuple[BinaryIO, ...],
    form: str,
    position: int,
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
        print_json(env.app().biometrics.enrol(ctx, alert_id, _capture(files, form, position)))


def _one_modality(files: tuple[BinaryIO, ...], faces: tuple[BinaryIO, ...]) -> None:
    if bool(files) == bool(faces):
        raise click.UsageError("give finger FILE… or --face FILE, not both")


@biometrics.command(name="list")
@click.argument("alert_id")
@acting
@pass_env
def list_fingers(
    env: Env, alert_id: str, principal: str, roles: tuple[str, ...], purpose: str
) -> None:
    """The fingers enrolled on ALERT_ID: positions, quality, when (never a template)."""
    ctx = context(env, principal, roles, purpose)
    print_json(env.app().biometrics.enrolled(ctx, alert_id))


@biometrics.command()
@_records
@candidate_options
@_form
@_position
@acting
@pass_env
def search(
    env: Env,
    files: tuple[BinaryIO, ...],
    categories: tuple[str, ...],
    limit: int,
    form: str,
    position: int,
    principal: str,
    roles: tuple[str, ...],
    purpose: str,
) -> None:
    """Candidates for an examiner, best first: fingers of known position, or one latent."""
    ctx = context(env, principal, roles, purpose)
    scope = frozenset(CategoryCode(c) for c in categories)
    found = env.app().biometrics.search(ctx, _capture(files, form, position), limit, scope)
    print_json(found)


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

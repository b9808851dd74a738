"""``limes biometrics search-face``: candidates for an examiner from one facial image.

FILE is a JPEG, a PNG or an ANSI/NIST-ITL transaction with one Type-10 face (``-`` for
stdin). The command goes through the service like ``POST /v1/search/faces`` (policy,
quality gate, minimisation, audit); the face index is built from the store when the
search starts. (Enrolment and verification are ``biometrics add|verify --face``.)
"""

from __future__ import annotations

from typing import BinaryIO

import click

from limes.cli.biometrics import candidate_options
from limes.cli.common import Env, pass_env, print_json
from limes.cli.proof import acting, context
from limes.domain.categories import CategoryCode


@click.command("search-face")
@click.argument("file", type=click.File("rb"))
@candidate_options
@acting
@pass_env
def search_face(
    env: Env,
    file: BinaryIO,
    categories: tuple[str, ...],
    limit: int,
    principal: str,
    roles: tuple[str, ...],
    purpose: str,
) -> None:
    """Candidates for an examiner, best first: alerts whose enrolled faces are nearest
    the face in FILE (a score, never an identity)."""
    ctx = context(env, principal, roles, purpose)
    scope = frozenset(CategoryCode(c) for c in categories)
    print_json(env.app().faces.search(ctx, file.read(), limit, scope))

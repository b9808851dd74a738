"""``limes search …``: person, object and machine-readable-zone searches, as a named principal.

The indexes are loaded from the installation's sealed snapshot when the command
starts, then brought up to the change feed; without one (or with one refused) they
are built from the store, with a progress bar, and the snapshot is written for the
next call. What was done and the time taken go to stderr. The search then runs
through the service like an API request: policy, minimisation, audit. Hits are
printed as JSON, best first.
"""

from __future__ import annotations

import sys
from typing import TextIO

import click

from limes.bootstrap import Limes
from limes.cli.common import EXIT_STATUS_HELP, Env, pass_env, print_json
from limes.cli.proof import acting, context
from limes.domain.alerts import Gender
from limes.domain.identifiers import IdentifierKind
from limes.service.door_types import IdentifierQuery, PersonQuery
from limes.service.search import MAX_HITS


@click.group(epilog=EXIT_STATUS_HELP)
def search() -> None:
    """Search persons, objects or a machine-readable zone."""


def build_search_indexes(app: Limes, *, follow: bool) -> None:
    """Build the search indexes with a progress bar on stderr and say what took how long;
    with ``follow``, keep them current from the change feed afterwards."""
    with click.progressbar(
        length=app.holdings.alerts(), label="Building search indexes", file=sys.stderr
    ) as bar:
        report = app.search.start(lambda done: bar.update(done), follow=follow)
    if report is not None:
        if report.refused is not None:
            click.echo(f"Search index snapshot refused, rebuilding: {report.refused}", err=True)
        click.echo(f"Search indexes: {report.told()}", err=True)


def _indexed(env: Env) -> Limes:
    """The application with its search indexes built (not followed: one search, then exit)."""
    app = env.app()
    build_search_indexes(app, follow=False)
    return app


_limit = click.option(
    "--limit",
    default=10,
    show_default=True,
    type=click.IntRange(1, MAX_HITS),
    help="Most hits shown.",
)


@search.command()
@click.option("--surname", "surnames", multiple=True, help="A surname, in any script (repeatable).")
@click.option(
    "--forename", "forenames", multiple=True, help="A forename, in any script (repeatable)."
)
@click.option("--born", help="Date of birth: YYYY, YYYY-MM or YYYY-MM-DD (00 for unknown parts).")
@click.option("--gender", type=click.Choice([g.value for g in Gender]))
@click.option(
    "--nationality", "nationalities", multiple=True, help="ISO 3166 alpha-2 (repeatable)."
)
@click.option("--document", help="A document number.")
@_limit
@acting
@pass_env
def persons(
    env: Env,
    surnames: tuple[str, ...],
    forenames: tuple[str, ...],
    born: str | None,
    gender: str | None,
    nationalities: tuple[str, ...],
    document: str | None,
    limit: int,
    principal: str,
    roles: tuple[str, ...],
    purpose: str,
) -> None:
    """Persons by names, date of birth, gender, nationality and document number."""
    ctx = context(env, principal, roles, purpose)
    query = PersonQuery(
        surnames, forenames, born, Gender(gender) if gender else None, nationalities, document
    )
    print_json(_indexed(env).search.persons(ctx, query, limit))


@search.command()
@click.argument("values", nargs=-1, required=True)
@click.option(
    "--kind",
    type=click.Choice([k.value for k in IdentifierKind]),
    help="Verify this kind's check digit.",
)
@click.option("--country", help="Country of a plate or document (ISO 3166 alpha-2).")
@_limit
@acting
@pass_env
def objects(
    env: Env,
    values: tuple[str, ...],
    kind: str | None,
    country: str | None,
    limit: int,
    principal: str,
    roles: tuple[str, ...],
    purpose: str,
) -> None:
    """Every alert holding any of VALUES (VIN, plate, document number, serial …)."""
    ctx = context(env, principal, roles, purpose)
    queries = [IdentifierQuery(IdentifierKind(kind) if kind else None, v, country) for v in values]
    print_json(_indexed(env).search.objects(ctx, queries, limit))


@search.command()
@click.option(
    "--file", "file", type=click.File("r"), default="-", show_default=True, help="The zone's lines."
)
@_limit
@acting
@pass_env
def mrz(
    env: Env,
    file: TextIO,
    limit: int,
    principal: str,
    roles: tuple[str, ...],
    purpose: str,
) -> None:
    """Persons and documents by a machine-readable zone (TD1, TD2, TD3), from a file or stdin."""
    ctx = context(env, principal, roles, purpose)
    text = file.read()
    print_json(_indexed(env).search.mrz(ctx, text, limit))


@search.command()
@click.option("--surname", "surnames", multiple=True, help="A surname searched for (repeatable).")
@click.option("--forename", "forenames", multiple=True, help="A forename (repeatable).")
@click.option("--born", help="A date of birth searched for.")
@click.option("--document", help="A document number searched for by a person search.")
@click.option(
    "--identifier", "identifiers", multiple=True, help="An object identifier (repeatable)."
)
@acting
@pass_env
def tokens(
    env: Env,
    surnames: tuple[str, ...],
    forenames: tuple[str, ...],
    born: str | None,
    document: str | None,
    identifiers: tuple[str, ...],
    principal: str,
    roles: tuple[str, ...],
    purpose: str,
) -> None:
    """(Data protection officer) The keyed hashes the audit log holds for a search with
    these values: look them up in `limes audit query` answers to find who searched."""
    ctx = context(env, principal, roles, purpose)
    query = (
        PersonQuery(surnames, forenames, born, None, (), document)
        if surnames or forenames or born or document
        else None
    )
    asked = [IdentifierQuery(None, value) for value in identifiers]
    print_json(env.app().search.query_tokens(ctx, query, asked))

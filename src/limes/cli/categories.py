"""``limes categories``: the category table, as text or JSON."""

from __future__ import annotations

import click

from limes.cli.common import Env, pass_env, print_json
from limes.cli.output import JSON, TABLE
from limes.domain.categories import CATEGORIES


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice([TABLE, JSON]),
    default=TABLE,
    show_default=True,
    help="A text table, or JSON (as --json).",
)
@pass_env
def categories(env: Env, as_json: bool, fmt: str) -> None:
    """Print the alert categories: code, subject, legal basis, actions, review years.

    Review years are those in force: the regulations' defaults with any
    LIMES_REVIEW_PERIODS overrides.
    """
    years = env.settings.review.years
    if as_json or fmt == JSON:
        print_json(
            [
                {
                    "code": c.code,
                    "subject": c.subject,
                    "title": c.title,
                    "legal_basis": c.legal_basis,
                    "actions": sorted(c.actions),
                    "review_years": years[c.code],
                }
                for c in CATEGORIES.values()
            ]
        )
        return
    width = max(len(code) for code in CATEGORIES)
    click.echo(f"{'code':<{width}}  subject  years  legal basis / actions")
    for c in CATEGORIES.values():
        click.echo(f"{c.code:<{width}}  {c.subject:<7}  {years[c.code]:>5}  {c.legal_basis}")
        click.echo(f"{'':<{width}}  {'':<7}  {'':>5}  actions: {', '.join(sorted(c.actions))}")

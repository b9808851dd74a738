"""``limes expire``: the system's own periodic job, run once by hand."""

from __future__ import annotations

import click

from limes.cli.common import Env, pass_env, print_json
from limes.service.jobs import SYSTEM


@click.command()
@pass_env
def expire(env: Env) -> None:
    """Erase alerts past their review date; warn owners of those close to it.

    Runs AlertService.expire_due once, as the system operator (purpose operations),
    and prints the report as JSON. 'limes serve' runs the same job periodically.
    """
    print_json(env.app().alerts.expire_due(SYSTEM))

"""``limes demo``: load generated demo alerts through the bulk path."""

from __future__ import annotations

import time

import click

from limes.cli.common import Env, pass_env
from limes.cli.progress import counted
from limes.demo.generator import generate
from limes.service.demo import load


@click.command()
@click.option(
    "--persons",
    default=2000,
    show_default=True,
    type=click.IntRange(min=0),
    help="Alerts on persons.",
)
@click.option(
    "--objects",
    default=8000,
    show_default=True,
    type=click.IntRange(min=0),
    help="Alerts on objects.",
)
@click.option(
    "--seed", default=1, show_default=True, type=int, help="The same seed loads the same alerts."
)
@click.option("--if-empty", is_flag=True, help="Do nothing if the store holds any alert.")
@click.option(
    "--batch",
    default=5000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Alerts per member state and transaction.",
)
@pass_env
def demo(env: Env, persons: int, objects: int, seed: int, if_empty: bool, batch: int) -> None:
    """Load deterministic, realistic demo alerts (limes.demo.generator).

    Each member state's alerts are issued by a sirene_operator of that state for the
    purpose sirene, through the bulk path (AlertService.bulk_issue): every alert is
    validated; the compatibility check against stored alerts is not made.
    """
    app = env.app()
    if if_empty:
        held = app.holdings.alerts()
        if held:
            click.echo(f"the store already holds {held:,} alerts; no demo data loaded")
            return
    total = persons + objects
    started = time.perf_counter()
    with counted("Loading demo alerts", total, "alerts") as bar:
        for loaded in load(app.alerts, generate(persons, objects, seed), batch):
            bar.update(loaded)
    elapsed = time.perf_counter() - started
    rate = total / elapsed if elapsed > 0 else 0.0
    click.echo(
        f"loaded {total:,} demo alerts ({persons:,} on persons, {objects:,} on objects, "
        f"seed {seed}) in {elapsed:.1f} s: {rate:,.0f} alerts/s"
    )

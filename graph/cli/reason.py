"""reason: write the inferred graph."""

from __future__ import annotations

import click

from actorgraph.graph.cli.errors import reports_errors
from actorgraph.graph.cli.options import make_kg, store_option
from actorgraph.graph.config import setting_help


@click.command()
@store_option
@click.option("--strategy", type=click.Choice(["copy", "server"]), default=None, help=setting_help("store_reasoning"))
@reports_errors
def reason(store: str | None, strategy: str | None) -> None:
    """Write the inferred graph: OWL 2 RL closure with explanations, triads and hypotheses (docs/reasoning.md).

    On disk the store is copied, reasoned over and swapped in (readers keep the old one meanwhile);
    with ':memory:' the shipped sources are built first; on a server, --strategy says whether the
    rules run there or here.
    """
    kg = make_kg(store, store_reasoning=strategy)
    if kg.settings.in_memory:
        kg.build()
    click.echo(kg.reason(lambda name: click.echo(f"  {name}", err=True)))

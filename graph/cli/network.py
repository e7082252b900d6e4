"""network, balance, predict, timeline: the signed actor network and what it suggests."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.cli.errors import reports_errors
from actorgraph.graph.cli.options import make_kg, store_option
from actorgraph.ontology.vocab import entity_iri

F = TypeVar("F", bound=Callable[..., Any])


def period_options(func: F) -> F:
    """--year and --to: the year or interval a network command looks at."""
    func = click.option("--to", "to", type=int, default=None, help="End of the interval (default: --year).")(func)
    help_text = "Year (or start of the interval); default: the latest year the statements mention."
    return click.option("--year", type=int, default=None, help=help_text)(func)


def _period(year: int | None, to: int | None, kg: KnowledgeGraph) -> tuple[int, int]:
    if kg.settings.in_memory:
        kg.build()  # ':memory:' means the shipped sources, built for this command
    if year is None:
        years = kg.alliances().years()
        if not years:
            raise click.UsageError("the statements carry no years: give --year")
        year = years[-1]
    return year, to if to is not None else year


@click.command()
@period_options
@click.option("--svg", "svg", type=click.Path(dir_okay=False, path_type=Path), help="Write the network as SVG.")
@click.option("--graphml", "graphml", type=click.Path(dir_okay=False, path_type=Path), help="Write GraphML.")
@click.option("--json", "as_json", is_flag=True, help="Print the network as JSON (ties with their statements).")
@store_option
@reports_errors
def network(year: int | None, to: int | None, svg: Path | None, graphml: Path | None, as_json: bool,
            store: str | None) -> None:  # fmt: skip
    """The signed actor network at a year or interval: ties, weights, statements; SVG and GraphML."""
    kg = make_kg(store)
    start, end = _period(year, to, kg)
    net = kg.network(start, end)
    if svg:
        svg.write_text(kg.network_svg(start, end), encoding="utf-8")
        click.echo(f"wrote {svg}", err=True)
    if graphml:
        graphml.write_bytes(kg.network_graphml(start, end))
        click.echo(f"wrote {graphml}", err=True)
    if as_json:
        click.echo(json.dumps(net.as_dict(), indent=2))
        return
    click.echo(f"{len(net.nodes)} actors, {len(net.ties)} ties, {start}-{end}")
    for tie in sorted(net.ties.values(), key=lambda t: (-abs(t.weight), t.a, t.b)):
        sign = "+" if tie.sign > 0 else "-" if tie.sign < 0 else "0"
        names = f"{net.label(tie.a)} – {net.label(tie.b)}"
        click.echo(f"  {sign} {tie.weight:+6.2f}  {names}  ({len(tie.evidence)} statements)")


@click.command()
@period_options
@click.option("--unbalanced", is_flag=True, help="Only the unbalanced triads.")
@store_option
@reports_errors
def balance(year: int | None, to: int | None, unbalanced: bool, store: str | None) -> None:
    """Structural balance (Heider): the triads of three signed ties at a year or interval."""
    kg = make_kg(store)
    start, end = _period(year, to, kg)
    net = kg.network(start, end)
    triads = [t for t in net.triads() if not (unbalanced and t.balanced)]
    click.echo(f"{len(triads)} triads, {sum(t.balanced for t in triads)} balanced, {start}-{end}")
    for triad in triads:
        state = "balanced  " if triad.balanced else "UNBALANCED"
        click.echo(f"  {triad.signs}  {state}  " + ", ".join(net.label(m) for m in triad.members))


@click.command()
@period_options
@click.option("--limit", type=int, default=20, show_default=True, help="How many predictions to print.")
@store_option
@reports_errors
def predict(year: int | None, to: int | None, limit: int, store: str | None) -> None:
    """Enemy-of-my-enemy and friend-of-my-enemy predictions, ranked, with their explanation paths."""
    kg = make_kg(store)
    start, end = _period(year, to, kg)
    for hyp in kg.predictions(start, end)[:limit]:
        verb = "align" if hyp.sign > 0 else "clash"
        click.echo(f"{hyp.score:6.2f}  {hyp.a.rsplit('/', 1)[-1]} and {hyp.b.rsplit('/', 1)[-1]} should {verb} "
                   f"({hyp.pattern}; existing tie {hyp.existing:+d})")  # fmt: skip
        for path in hyp.paths():
            click.echo(f"          {path}")


@click.command()
@click.argument("a")
@click.argument("b")
@store_option
@reports_errors
def timeline(a: str, b: str, store: str | None) -> None:
    """How the tie between two actors (entity ids, e.g. iran taliban) changed, year by year."""
    kg = make_kg(store)
    if kg.settings.in_memory:
        kg.build()
    for point in kg.timeline(entity_iri(a), entity_iri(b)):
        sign = "+" if point["sign"] > 0 else "-" if point["sign"] < 0 else "0"
        relations = sorted({s["relation"] for s in point["statements"]})
        click.echo(f"  {point['year']}  {sign} {point['weight']:+6.2f}  {', '.join(relations)}")

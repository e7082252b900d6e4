"""build and export: make the store from the sources, dump it."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

from actorgraph.graph.cli.errors import reports_errors
from actorgraph.graph.cli.options import make_kg, sources_option, store_option
from actorgraph.graph.store import QUAD_FORMATS, TRIPLE_FORMATS

# The store's one format table: every dataset format, then every graph format (exported as the union).
EXPORT_FORMATS = tuple(f.name for f in QUAD_FORMATS + TRIPLE_FORMATS)


@click.command()
@store_option
@sources_option
@click.option("--reason", is_flag=True, help="Also reason (OWL 2 RL closure, triads, hypotheses) before the swap.")
@reports_errors
def build(store: str | None, sources: Path | None, reason: bool) -> None:
    """Build the graph from the sources into a new store, swapped in atomically."""
    from rich.console import Console  # start-up cost: rich loads only when a command draws progress
    from rich.progress import Progress  # start-up cost, as above

    # SIGTERM as an exception, so the half-written build is removed (build_store cleans up on any
    # exception) and the old store stays; the default action would end the process on the spot.
    signal.signal(signal.SIGTERM, _terminated)
    kg = make_kg(store, sources)
    steps = ["read and check sources", "swap the new store in", "compile RDF", "load into Oxigraph"]
    steps += ["reason"] if reason else []
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("building", total=len(steps))

        def step(name: str) -> None:
            progress.update(task, advance=1, description=name)

        report = kg.build(step, reason=reason)
    click.echo(f"built {kg.settings.store_path}: {report.documents} documents, {report.entities} entities, "
               f"{report.statements} statements, {report.quads} quads")  # fmt: skip
    for doc, count in sorted(report.statements_per_document.items()):
        click.echo(f"  statements  {count:6d}  {doc}")
    for graph, count in sorted(report.quads_per_graph.items()):
        click.echo(f"  quads       {count:6d}  {graph}")
    if report.inference:
        click.echo(report.inference)


def _terminated(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


@click.command()
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="nquads", show_default=True)
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")  # fmt: skip
@store_option
@reports_errors
def export(fmt: str, out: Path | None, store: str | None) -> None:
    """Dump everything (all named graphs for nquads/trig; the union for triple formats)."""
    kg = make_kg(store)
    if out is None:
        kg.export(sys.stdout.buffer, fmt)
        return
    with out.open("wb") as handle:
        kg.export(handle, fmt)
    click.echo(f"wrote {out}", err=True)

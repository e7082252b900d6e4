"""build, export and copy: make the store from the sources, dump it, copy it to another store."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

from actorgraph.graph.build import copy_store
from actorgraph.graph.cli.errors import reports_errors
from actorgraph.graph.cli.options import make_kg, sources_option, store_kind_flag, store_option
from actorgraph.graph.config import Settings, is_url
from actorgraph.graph.remote import RemoteStore, kind_named
from actorgraph.graph.store import QUAD_FORMATS, TRIPLE_FORMATS, GraphStore, Store

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
    steps += ["upload and switch in"] if kg.settings.remote else []
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("building", total=len(steps))
        upload = progress.add_task("uploading triples", total=None, visible=False)

        def step(name: str) -> None:
            progress.update(task, advance=1, description=name)

        def uploaded(done: int, total: int) -> None:
            progress.update(upload, completed=done, total=total, visible=True)

        report = kg.build(step, reason=reason, progress=uploaded)
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


def copy_source(location: str, settings: Settings) -> Store:
    """The store to copy from, opened read-only (a remote store's settings are those of settings)."""
    if is_url(location):
        return RemoteStore.from_settings(settings, read_only=True)
    return GraphStore.open(location, read_only=True)


def copy_target(location: str, settings: Settings) -> Store | Path:
    """Where to copy to: a writable remote store, or a folder that a build swaps in atomically."""
    return RemoteStore.from_settings(settings, read_only=False) if is_url(location) else Path(location)


@click.command()
@click.option("--from", "source", required=True, help="Store to copy: a folder or a remote store's query URL.")
@click.option("--to", "target", required=True, help="Where to copy it: a folder (built atomically) or a URL.")
@click.option("--store-kind", "kind", default=None, help="Kind of the remote store among --from/--to "
              "(oxigraph, virtuoso, fuseki, graphdb, generic).")  # fmt: skip
@reports_errors
def copy(source: str, target: str, kind: str | None) -> None:
    """Copy every graph between an embedded store and a remote store (either way); counts are checked."""
    from rich.console import Console  # start-up cost: rich loads only when a command draws progress
    from rich.progress import Progress  # start-up cost, as above

    remote = target if is_url(target) else source
    settings = Settings.from_env(store_path=remote, store_kind=kind or store_kind_flag())
    kind_named(settings.store_kind)  # an unknown kind fails before anything is read
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("copying", total=None)

        def step(name: str) -> None:
            progress.update(task, description=name)

        def uploaded(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        counts = copy_store(copy_source(source, settings), copy_target(target, settings), step, uploaded)
    click.echo(f"copied {source} -> {target}: {sum(counts.values())} quads in {len(counts)} graphs (counts checked)")

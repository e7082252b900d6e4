"""validate, check, coverage, docs: checks of the sources and the ontology (no store needed)."""

from __future__ import annotations

from pathlib import Path

import click

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.cli.errors import reports_errors
from actorgraph.graph.cli.options import make_kg, sources_option


@click.command()
@sources_option
@click.option("--shacl/--no-shacl", default=True, help="Also run the SHACL shapes over the compiled graph.")
@reports_errors
def validate(sources: Path | None, shacl: bool) -> None:
    """Check the sources (quotes, ids, predicates) and the SHACL shapes, without writing a store."""
    result = make_kg(None, sources).validate(shacl=shacl)
    click.echo(result.summary())
    if not result.conforms:
        raise click.ClickException("SHACL validation failed:\n" + result.report)


@click.command()
@click.option("--data/--no-data", default=True, help="Check ontology plus the built data, or the ontology alone.")
@sources_option
@reports_errors
def check(data: bool, sources: Path | None) -> None:
    """Run HermiT (owlready2, needs Java): consistency of ontology plus data."""
    kg = make_kg(None, sources)
    result = kg.check_consistency(with_data=data)
    click.echo(result.summary())
    if not result.consistent:
        raise click.ClickException("inconsistent:\n" + "\n".join(result.explanation))
    _print_proxies(kg, result.proxies)


def _print_proxies(kg: KnowledgeGraph, proxies: list[str]) -> None:
    if proxies:
        click.echo(f"ag:ProxyActor (classified by HermiT): {len(proxies)}")
    evidence = kg.proxy_evidence(proxies)
    for proxy in proxies:
        click.echo(f"  {proxy}")
        for e in (e for e in evidence if e.proxy == proxy):
            click.echo(f"    {e.sponsor} {e.relation}  ({e.statement})")


@click.command()
@sources_option
@click.option("--all", "show_all", is_flag=True, help="Also list the sentences marked as carrying no claim.")
@reports_errors
def coverage(sources: Path | None, show_all: bool) -> None:
    """List, per document, the sentences that carry no statement, and the share covered."""
    for doc in make_kg(None, sources).coverage():
        click.echo(f"{doc.document}: {doc.share:.1%} of {doc.total} sentences accounted for: {doc.covered} carry "
                   f"statements, {doc.marked} marked as no claim, {len(doc.uncovered)} uncovered")  # fmt: skip
        for sentence in doc.uncovered:
            click.echo(f"  [{sentence.start}-{sentence.end}] {sentence.text[:110]}")
        if show_all:
            for sentence, reason in doc.no_claim:
                click.echo(f"  no claim ({reason}): {sentence.text[:100]}")


@click.command()
@click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("docs/ontology"),
              show_default=True, help="Folder for the HTML documentation.")  # fmt: skip
@reports_errors
def docs(out: Path) -> None:
    """Write HTML documentation of the ontology (pyLODE)."""
    path = make_kg(None).write_ontology_docs(out)
    click.echo(f"wrote {path}")

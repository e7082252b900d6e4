"""link report | verify | enrich | suggest | accept | reject: external identifiers (docs/linking.md)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from actorgraph.graph.cli.errors import reports_errors
from actorgraph.graph.cli.options import make_kg, sources_option, store_option
from actorgraph.graph.config import setting_help

F = TypeVar("F", bound=Callable[..., Any])


@click.group()
def link() -> None:
    """External identifiers: which entities are linked, checks against Wikidata, enrichment."""


def api_url_option(func: F) -> F:
    """--api-url: the Wikidata API to ask (the wikidata_api setting)."""
    return click.option("--api-url", default=None, help=setting_help("wikidata_api"))(func)


@link.command("report")
@sources_option
@reports_errors
def link_report(sources: Path | None) -> None:
    """List the entities without a checked Wikidata/DBpedia/GeoNames link."""
    for line in make_kg(None, sources).link_report().lines():
        click.echo(line)


@link.command("verify")
@sources_option
@api_url_option
@click.option("--entity", "entities", multiple=True, help="Only this entity id (repeatable).")
@reports_errors
def link_verify(sources: Path | None, api_url: str | None, entities: tuple[str, ...]) -> None:
    """Ask Wikidata for each QID's label and instance-of; exit 1 on a mismatch or when offline."""
    results = make_kg(None, sources, wikidata_api=api_url).verify_links(entities or None)
    for result in results:
        click.echo(result.line())
    bad = [r for r in results if not r.ok]
    click.echo(f"{len(results) - len(bad)}/{len(results)} QIDs match")
    if bad:
        raise click.ClickException(f"{len(bad)} QID(s) do not match: {', '.join(r.entity for r in bad)}")


@link.command("enrich")
@store_option
@sources_option
@api_url_option
@click.option("--cache", type=click.Path(file_okay=False), default=None, help=setting_help("wikidata_cache"))
@click.option("--refresh", is_flag=True, help="Fetch again even what is cached.")
@reports_errors
def link_enrich(store: str | None, sources: Path | None, api_url: str | None, cache: str | None,
                refresh: bool) -> None:  # fmt: skip
    """Fetch Wikidata facts of linked entities into the enrichment graph (cached on disk)."""
    kg = make_kg(store, sources, read_only=False, wikidata_api=api_url, wikidata_cache=cache)
    result = kg.enrich_links(refresh=refresh)
    click.echo(f"enrichment graph: {len(result.triples)} triples; {len(result.fetched)} items fetched, "
               f"{len(result.cached)} from the cache, {len(result.missing)} missing on Wikidata")  # fmt: skip


@link.command("suggest")
@sources_option
@click.option("--service", default=None, help=setting_help("reconcile_service"))
@click.option(
    "--entity", "entities", multiple=True, help="Only this entity id (repeatable); default: every one without a QID."
)
@reports_errors
def link_suggest(sources: Path | None, service: str | None, entities: tuple[str, ...]) -> None:
    """Ask a reconciliation service (Wikidata's) for QID candidates; write them to link-candidates.yaml for review."""
    path, suggestions = make_kg(None, sources, reconcile_service=service).suggest_links(entities or None)
    for s in suggestions:
        best = ", ".join(f"{c['qid']} {c['name']!r} {c['score']:g}{' (match)' if c.get('match') else ''}"
                         for c in s.candidates) or "no candidate"  # fmt: skip
        click.echo(f"{s.entity:40s} {best}")
    click.echo(f"{sum(bool(s.candidates) for s in suggestions)}/{len(suggestions)} entities with candidates; "
               f"review {path}, then 'actorgraph link accept ID QID' or 'link reject ID QID'")  # fmt: skip


@link.command("accept")
@sources_option
@api_url_option
@click.argument("entity")
@click.argument("qid")
@reports_errors
def link_accept(sources: Path | None, api_url: str | None, entity: str, qid: str) -> None:
    """Check a proposed QID through the Wikidata API and, if it fits, write it into links.yaml."""
    result = make_kg(None, sources, wikidata_api=api_url).accept_link(entity, qid)
    click.echo(result.line())
    click.echo(f"{entity}: {qid} written into links.yaml")


@link.command("reject")
@sources_option
@click.argument("entity")
@click.argument("qid")
@reports_errors
def link_reject(sources: Path | None, entity: str, qid: str) -> None:
    """Record in links.yaml that a proposed QID is not the entity."""
    line = make_kg(None, sources).reject_link(entity, qid)
    click.echo(f"{entity}: {line}")

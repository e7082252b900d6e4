"""ingest and review: add a document to a sources folder, then accept or reject its candidates (docs/ingest.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.cli.errors import reports_errors
from actorgraph.graph.cli.options import store_option, user_sources_option
from actorgraph.graph.config import Settings, setting_help
from actorgraph.graph.extract import DEFAULT_EXTRACTORS
from actorgraph.graph.ingest import IngestReport, documents_in


def _user_kg(store: str | None, sources_dir: Path | None, **overrides: Any) -> KnowledgeGraph:
    """The graph whose builds read the ingest sources folder (flag > ACTORGRAPH_SOURCES > var/sources)."""
    settings = Settings.from_env(store_path=store, sources_path=str(sources_dir) if sources_dir else None, **overrides)
    return KnowledgeGraph(settings, sources=settings.sources_dir)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--title", help="Title (default: from the file's metadata or first line; one file only).")
@click.option("--author", help="Author's name (default: from the file's metadata).")
@click.option("--date", help="Publication date: 2024, 2024-04, 2024-04-03 or 'April 2024'.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "html", "pdf"]), default=None,
              help="Input format (default: from the file's first bytes and suffix).")  # fmt: skip
@click.option("--extractor", default=DEFAULT_EXTRACTORS, show_default=True,
              help="Extractor, or several comma-separated to combine (rules, parse, llm; 'llm' calls the llm_url "
              "setting, any OpenAI-compatible endpoint).")  # fmt: skip
@click.option("--id", "doc_id", help="Document id (default: from the title; one file only).")
@click.option("--workers", type=click.IntRange(min=1), default=None, help=setting_help("ingest_workers"))
@click.option("--build/--no-build", default=True, show_default=True, help="Rebuild the store from the sources after.")
@user_sources_option
@store_option
@reports_errors
def ingest(files: tuple[Path, ...], title: str | None, author: str | None, date: str | None, fmt: str | None,
           extractor: str, doc_id: str | None, workers: int | None, build: bool, sources_dir: Path | None,
           store: str | None) -> None:  # fmt: skip
    """Read documents (text, Markdown, HTML, PDF; files or folders), register them, propose candidates.

    See docs/ingest.md.
    """
    from rich.console import Console  # start-up cost: rich loads only when a command draws progress
    from rich.progress import Progress  # start-up cost, as above

    kg = _user_kg(store, sources_dir, ingest_workers=workers)
    options = kg.ingest_options(title=title, author=author, date=date, fmt=fmt, doc_id=doc_id, extractor=extractor)
    with Progress(console=Console(stderr=True), transient=True) as progress:
        if len(files) == 1 and Path(files[0]).is_file():
            task = progress.add_task(f"extracting {Path(files[0]).name}", total=None)
            reports = kg.ingest(files, options, progress=lambda done, total: progress.update(
                task, completed=done, total=total))  # fmt: skip
        else:
            task = progress.add_task("extracting documents", total=len(documents_in(list(files))))
            reports = kg.ingest(files, options, finished=lambda _path: progress.advance(task))
    for report in reports:
        if report.skipped:
            click.echo(f"warning: {report.path} {report.skipped}: extraction skipped, the document is kept")
    if len(reports) == 1:
        _print_one(reports[0])
    else:
        _print_table(reports)
    if build:
        built = kg.build()
        click.echo(f"built {built.location or store}: {built.statements} statements incl. candidates")
    only = f" --document {reports[0].document}" if len(reports) == 1 else ""
    click.echo(f"review with: actorgraph review --sources {kg.settings.sources_path}{only}")


def _print_one(report: IngestReport) -> None:
    verb = "re-ingested" if report.replaced else "ingested"
    click.echo(f"{verb} {report.path} as {report.document!r} ({report.format}, {report.characters} characters): "
               f"{report.candidates} candidate statements, {report.mentions} mentions, "
               f"{report.new_entities} new-entity candidates; {report.extractor}")  # fmt: skip
    for reason, count in sorted(report.dropped.items()):
        click.echo(f"  dropped {count:4d}  {reason}")


def _print_table(reports: list[IngestReport]) -> None:
    from rich.console import Console  # start-up cost, as above
    from rich.table import Table  # start-up cost, as above

    table = Table("document", "characters", "mentions", "new entities", "candidates", "dropped", box=None)
    for r in reports:
        dropped = ", ".join(f"{n} {why}" for why, n in sorted(r.dropped.items())) or "-"
        table.add_row(r.document, str(r.characters), str(r.mentions), str(r.new_entities), str(r.candidates), dropped)
    Console(width=160).print(table)
    click.echo(f"ingested {len(reports)} documents: {sum(r.candidates for r in reports)} candidate statements")


@click.command()
@click.option("--document", help="Only this document's candidates.")
@click.option("--list", "list_only", is_flag=True, help="List pending candidates and exit.")
@click.option("--accept", "accept_ids", multiple=True, help="Accept this candidate id (repeatable).")
@click.option("--reject", "reject_ids", multiple=True, help="Reject this candidate id (repeatable).")
@click.option("--set", "corrections", multiple=True, help="key=value correction applied with --accept (repeatable).")
@click.option("--entities", is_flag=True, help="List the new-entity candidates of --document.")
@click.option("--accept-entity", "accept_entities", multiple=True, metavar="NAME=ID",
              help="Add the new-entity candidate NAME (or its new: key) of --document to the registry as ID "
              "(type: --type, else the suggested one).")  # fmt: skip
@click.option("--type", "entity_type", help="Class for --accept-entity (default: the suggested type).")
@click.option("--merge-entity", "merge_entities", multiple=True, metavar="NAME=ID",
              help="Make the new-entity candidate NAME of --document an alias of the registry entity ID.")  # fmt: skip
@click.option("--build/--no-build", default=False, help="Rebuild the store from the sources after.")
@user_sources_option
@store_option
@reports_errors
def review(document: str | None, list_only: bool, accept_ids: tuple[str, ...], reject_ids: tuple[str, ...],
           corrections: tuple[str, ...], entities: bool, accept_entities: tuple[str, ...], entity_type: str | None,
           merge_entities: tuple[str, ...], build: bool, sources_dir: Path | None,
           store: str | None) -> None:  # fmt: skip
    """Accept, correct or reject candidate statements and new entities (interactive without options)."""
    kg = _user_kg(store, sources_dir)
    if (accept_entities or merge_entities) and not document:
        raise click.ClickException("--accept-entity and --merge-entity need --document")
    if entities:
        for new in kg.entity_candidates(document or ""):
            click.echo(f"{new['name']!r:40} {new.get('key', '')!s:32} {new['suggested_type']:24} x{new['count']}  "
                       f"…{new['context']}…")  # fmt: skip
    elif list_only:
        for c in kg.pending_candidates(document):
            click.echo(f"{c.document} {c.local_id}: {c.summary()}")
    elif accept_ids or reject_ids or accept_entities or merge_entities:
        for pair in accept_entities:
            name, _, entity_id = pair.rpartition("=")
            entity = kg.accept_entity(document or "", name, entity_id, entity_type)
            click.echo(f"accepted entity {name!r} as {entity['id']} ({entity['type']})")
        for pair in merge_entities:
            name, _, entity_id = pair.rpartition("=")
            added = kg.merge_entity(document or "", name, entity_id)
            click.echo(f"merged {name!r} into {entity_id}" + (f" (aliases added: {', '.join(added)})" if added else ""))
        for local_id in accept_ids:
            kg.accept_candidate(local_id, document, corrections)
            click.echo(f"accepted {local_id}")
        for local_id in reject_ids:
            kg.reject_candidate(local_id, document)
            click.echo(f"rejected {local_id}")
    else:
        counts = kg.review_session(document, lambda q: str(click.prompt(q, default="s")), click.echo)
        click.echo(", ".join(f"{n} {k}" for k, n in counts.items()))
    if build:
        built = kg.build()
        click.echo(f"built {built.location or store}: {built.statements} statements")

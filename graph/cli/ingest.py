"""ingest and review: add a document to a sources folder, then accept or reject its candidates (docs/ingest.md)."""

from __future__ import annotations

from pathlib import Path

import click

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.cli.errors import reports_errors
from actorgraph.graph.cli.options import store_option, user_sources_option
from actorgraph.graph.config import Settings


def _user_kg(store: str | None, sources_dir: Path | None) -> KnowledgeGraph:
    """The graph whose builds read the ingest sources folder (flag > ACTORGRAPH_SOURCES > var/sources)."""
    settings = Settings.from_env(store_path=store, sources_path=str(sources_dir) if sources_dir else None)
    return KnowledgeGraph(settings, sources=settings.sources_dir)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--title", help="Title (default: from the file's metadata or first line).")
@click.option("--author", help="Author's name (default: from the file's metadata).")
@click.option("--date", help="Publication date: 2024, 2024-04, 2024-04-03 or 'April 2024'.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "html", "pdf"]), default=None,
              help="Input format (default: from the file's first bytes and suffix).")  # fmt: skip
@click.option("--extractor", type=click.Choice(["rules", "llm"]), default="rules", show_default=True,
              help="'llm' calls the llm_url setting (ACTORGRAPH_LLM_URL, any OpenAI-compatible endpoint).")  # fmt: skip
@click.option("--id", "doc_id", help="Document id (default: from the title).")
@click.option("--build/--no-build", default=True, show_default=True, help="Rebuild the store from the sources after.")
@user_sources_option
@store_option
@reports_errors
def ingest(file: Path, title: str | None, author: str | None, date: str | None, fmt: str | None, extractor: str,
           doc_id: str | None, build: bool, sources_dir: Path | None, store: str | None) -> None:  # fmt: skip
    """Read a document (text, Markdown, HTML, PDF), register it, propose candidate statements (docs/ingest.md)."""
    from rich.console import Console  # start-up cost: rich loads only when a command draws progress
    from rich.progress import Progress  # start-up cost, as above

    kg = _user_kg(store, sources_dir)
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(f"extracting {file.name}", total=None)
        report = kg.ingest(file, title=title, author=author, date=date, fmt=fmt, extractor=extractor, doc_id=doc_id,
                           progress=lambda done, total: progress.update(task, completed=done, total=total))  # fmt: skip
    verb = "re-ingested" if report.replaced else "ingested"
    click.echo(f"{verb} {file} as {report.document!r} ({report.format}, {report.characters} characters): "
               f"{report.candidates} candidate statements, {report.mentions} mentions, "
               f"{report.new_entities} new-entity candidates; {report.extractor}")  # fmt: skip
    for reason, count in sorted(report.dropped.items()):
        click.echo(f"  dropped {count:4d}  {reason}")
    if build:
        built = kg.build()
        click.echo(f"built {built.location or store}: {built.statements} statements incl. candidates")
    click.echo(f"review with: actorgraph review --sources {kg.settings.sources_path} --document {report.document}")


@click.command()
@click.option("--document", help="Only this document's candidates.")
@click.option("--list", "list_only", is_flag=True, help="List pending candidates and exit.")
@click.option("--accept", "accept_ids", multiple=True, help="Accept this candidate id (repeatable).")
@click.option("--reject", "reject_ids", multiple=True, help="Reject this candidate id (repeatable).")
@click.option("--set", "corrections", multiple=True, help="key=value correction applied with --accept (repeatable).")
@click.option("--entities", is_flag=True, help="List the new-entity candidates of --document.")
@click.option("--build/--no-build", default=False, help="Rebuild the store from the sources after.")
@user_sources_option
@store_option
@reports_errors
def review(document: str | None, list_only: bool, accept_ids: tuple[str, ...], reject_ids: tuple[str, ...],
           corrections: tuple[str, ...], entities: bool, build: bool, sources_dir: Path | None,
           store: str | None) -> None:  # fmt: skip
    """Accept, correct or reject candidate statements (interactive without --accept/--reject/--list)."""
    kg = _user_kg(store, sources_dir)
    if entities:
        for new in kg.entity_candidates(document or ""):
            click.echo(f"{new['name']!r:40} {new['suggested_type']:24} x{new['count']}  …{new['context']}…")
    elif list_only:
        for c in kg.pending_candidates(document):
            click.echo(f"{c.document} {c.local_id}: {c.summary()}")
    elif accept_ids or reject_ids:
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

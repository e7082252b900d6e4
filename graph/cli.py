"""The ``actorgraph`` command: each command parses, calls the core, prints."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
from actorgraph.graph.errors import KGError

F = TypeVar("F", bound=Callable[..., Any])

RESULT_FORMATS = ("table", "json", "csv", "tsv", "xml")
EXPORT_FORMATS = ("nquads", "trig", "turtle", "ntriples", "jsonld", "rdfxml")


def reports_errors(func: F) -> F:
    """Turn the core's errors into one-line messages and exit status 1 (usage errors keep 2)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KGError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper  # type: ignore[return-value]


def store_option(func: F) -> F:
    return click.option(
        "--store",
        "store",
        default=None,
        envvar="ACTORGRAPH_STORE",
        help="Store directory, or ':memory:' [env ACTORGRAPH_STORE; default var/store].",
    )(func)


def sources_option(func: F) -> F:
    return click.option(
        "--sources",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        default=None,
        help="Sources folder (documents.yaml, documents/, entities/, statements/); default: the shipped one.",
    )(func)


def make_kg(store: str | None, sources: Path | None = None, **overrides: Any) -> KnowledgeGraph:
    return KnowledgeGraph(Settings.from_env(store_path=store, **overrides), sources=sources)


@click.group()
@click.version_option(package_name="actorgraph")
def cli() -> None:
    """ActorGraph: a knowledge graph of state, non-state and proxy actors, with evidence."""


@cli.command()
@store_option
@sources_option
@click.option("--reason", is_flag=True, help="Also reason (OWL 2 RL closure, triads, hypotheses) before the swap.")
@reports_errors
def build(store: str | None, sources: Path | None, reason: bool) -> None:
    """Build the graph from the sources into a new store, swapped in atomically."""
    from rich.console import Console
    from rich.progress import Progress

    kg = make_kg(store, sources)
    console = Console(stderr=True)
    steps = ["read and check sources", "swap the new store in", "compile RDF", "load into Oxigraph"]
    steps += ["reason"] if reason else []
    with Progress(console=console, transient=True) as progress:
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


@cli.command()
@sources_option
@click.option("--shacl/--no-shacl", default=True, help="Also run the SHACL shapes over the compiled graph.")
@reports_errors
def validate(sources: Path | None, shacl: bool) -> None:
    """Check the sources (quotes, ids, predicates) and the SHACL shapes, without writing a store."""
    from actorgraph.graph.validation import validate_sources

    result = validate_sources(sources, shacl=shacl)
    click.echo(result.summary())
    if not result.conforms:
        raise click.ClickException("SHACL validation failed:\n" + result.report)


@cli.command()
@click.argument("sparql", required=False)
@click.option("--name", "name", help="Run a named query (see --list).")
@click.option("--param", "params", multiple=True, help="Named-query parameter as key=value (repeatable).")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and their parameters.")
@click.option("--candidates", is_flag=True, help="Named queries: include unreviewed candidate statements.")
@click.option("--format", "fmt", type=click.Choice(RESULT_FORMATS), default="table", show_default=True)
@store_option
@reports_errors
def query(sparql: str | None, name: str | None, params: tuple[str, ...], list_queries: bool, candidates: bool,
          fmt: str, store: str | None) -> None:  # fmt: skip
    """Run SPARQL (text, a file path, or '-' for stdin) or a named query."""
    from actorgraph.graph import output

    if list_queries:
        output.print_query_list()
        return
    kg = make_kg(store)
    if name:
        result = kg.run_named(name, _parse_params(params), include_candidates=candidates)
    elif sparql:
        result = kg.query(_read_sparql(sparql))
    else:
        raise click.UsageError("give SPARQL text, a .rq file, '-', or --name NAME")
    output.print_result(result, fmt)


def _parse_params(params: tuple[str, ...]) -> dict[str, str]:
    parsed = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} is not key=value", param_hint="--param")
        parsed[key.strip()] = value
    return parsed


def _read_sparql(arg: str) -> str:
    if arg == "-":
        return sys.stdin.read()
    path = Path(arg)
    if arg.endswith((".rq", ".sparql")) and path.is_file():
        return path.read_text(encoding="utf-8")
    return arg


@cli.command()
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


@cli.command()
@click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("docs/ontology"),
              show_default=True, help="Folder for the HTML documentation.")  # fmt: skip
@reports_errors
def docs(out: Path) -> None:
    """Write HTML documentation of the ontology (pyLODE)."""
    from actorgraph.ontology.docs import write_docs

    path = write_docs(out)
    click.echo(f"wrote {path}")


@cli.command()
@click.option("--data/--no-data", default=True, help="Check ontology plus the built data, or the ontology alone.")
@sources_option
@reports_errors
def check(data: bool, sources: Path | None) -> None:
    """Run HermiT (owlready2, needs Java): consistency of ontology plus data."""
    from actorgraph.ontology.check import check_consistency

    result = check_consistency(sources=sources, with_data=data)
    click.echo(result.summary())
    if not result.consistent:
        raise click.ClickException("inconsistent:\n" + "\n".join(result.explanation))
    _print_proxies(result.proxies, sources)


def _print_proxies(proxies: list[str], sources: Path | None) -> None:
    from actorgraph.ontology.check import proxy_evidence

    if proxies:
        click.echo(f"ag:ProxyActor (classified by HermiT): {len(proxies)}")
    evidence = proxy_evidence(proxies, sources)
    for proxy in proxies:
        click.echo(f"  {proxy}")
        for e in (e for e in evidence if e.proxy == proxy):
            click.echo(f"    {e.sponsor} {e.relation}  ({e.statement})")


@cli.command()
@store_option
@reports_errors
def reason(store: str | None) -> None:
    """Write the inferred graph: OWL 2 RL closure with explanations, triads and hypotheses (docs/reasoning.md).

    On disk the store is copied, reasoned over and swapped in (readers keep the old one meanwhile);
    with ':memory:' the shipped sources are built first.
    """
    kg = make_kg(store)
    if kg.settings.in_memory:
        kg.build()
    click.echo(kg.reason(lambda name: click.echo(f"  {name}", err=True)))


def _period(year: int | None, to: int | None, kg: KnowledgeGraph) -> tuple[int, int]:
    if kg.settings.in_memory:
        kg.build()  # ':memory:' means the shipped sources, built for this command
    if year is None:
        years = kg.alliances().years()
        if not years:
            raise click.UsageError("the statements carry no years: give --year")
        year = years[-1]
    return year, to if to is not None else year


def period_options(func: F) -> F:
    func = click.option("--to", "to", type=int, default=None, help="End of the interval (default: --year).")(func)
    help_text = "Year (or start of the interval); default: the latest year the statements mention."
    return click.option("--year", type=int, default=None, help=help_text)(func)


@cli.command()
@period_options
@click.option("--svg", "svg", type=click.Path(dir_okay=False, path_type=Path), help="Write the network as SVG.")
@click.option("--graphml", "graphml", type=click.Path(dir_okay=False, path_type=Path), help="Write GraphML.")
@click.option("--json", "as_json", is_flag=True, help="Print the network as JSON (ties with their statements).")
@store_option
@reports_errors
def network(year: int | None, to: int | None, svg: Path | None, graphml: Path | None, as_json: bool,
            store: str | None) -> None:  # fmt: skip
    """The signed actor network at a year or interval: ties, weights, statements; SVG and GraphML."""
    import json

    from actorgraph.graph.render import network_graphml, network_svg

    kg = make_kg(store)
    start, end = _period(year, to, kg)
    net = kg.network(start, end)
    if svg:
        svg.write_text(network_svg(net), encoding="utf-8")
        click.echo(f"wrote {svg}", err=True)
    if graphml:
        graphml.write_bytes(network_graphml(net))
        click.echo(f"wrote {graphml}", err=True)
    if as_json:
        click.echo(json.dumps(net.as_dict(), indent=2))
        return
    click.echo(f"{len(net.nodes)} actors, {len(net.ties)} ties, {start}-{end}")
    for tie in sorted(net.ties.values(), key=lambda t: (-abs(t.weight), t.a, t.b)):
        sign = "+" if tie.sign > 0 else "-" if tie.sign < 0 else "0"
        names = f"{net.label(tie.a)} – {net.label(tie.b)}"
        click.echo(f"  {sign} {tie.weight:+6.2f}  {names}  ({len(tie.evidence)} statements)")


@cli.command()
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


@cli.command()
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


@cli.command()
@click.argument("a")
@click.argument("b")
@store_option
@reports_errors
def timeline(a: str, b: str, store: str | None) -> None:
    """How the tie between two actors (entity ids, e.g. iran taliban) changed, year by year."""
    from actorgraph.ontology.vocab import entity_iri

    kg = make_kg(store)
    if kg.settings.in_memory:
        kg.build()
    for point in kg.timeline(entity_iri(a), entity_iri(b)):
        sign = "+" if point["sign"] > 0 else "-" if point["sign"] < 0 else "0"
        relations = sorted({s["relation"] for s in point["statements"]})
        click.echo(f"  {point['year']}  {sign} {point['weight']:+6.2f}  {', '.join(relations)}")


@cli.command()
@sources_option
@click.option("--all", "show_all", is_flag=True, help="Also list the sentences marked as carrying no claim.")
@reports_errors
def coverage(sources: Path | None, show_all: bool) -> None:
    """List, per document, the sentences that carry no statement, and the share covered."""
    from actorgraph.graph.coverage import coverage_report

    for doc in coverage_report(sources):
        click.echo(f"{doc.document}: {doc.share:.1%} of {doc.total} sentences accounted for: {doc.covered} carry "
                   f"statements, {doc.marked} marked as no claim, {len(doc.uncovered)} uncovered")  # fmt: skip
        for sentence in doc.uncovered:
            click.echo(f"  [{sentence.start}-{sentence.end}] {sentence.text[:110]}")
        if show_all:
            for sentence, reason in doc.no_claim:
                click.echo(f"  no claim ({reason}): {sentence.text[:100]}")


@cli.command()
@store_option
@click.option("--host", default=None, help="Interface to bind [env ACTORGRAPH_HOST; default 127.0.0.1].")
@click.option("--port", type=int, default=None, help="Port [env ACTORGRAPH_PORT; default 8000].")
@click.option("--memory", is_flag=True, help="Build the shipped sources into a temporary store and serve that.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes, each answering one request at a time [env ACTORGRAPH_WORKERS].",
)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=None,
    help="Request threads of the single writable worker (with --update-token) [env ACTORGRAPH_THREADS].",
)
@click.option(
    "--timeout",
    "query_timeout",
    type=click.FloatRange(min=0.5),
    default=None,
    help="Seconds before a request is ended with 503 [env ACTORGRAPH_QUERY_TIMEOUT; default 30].",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=None,
    help="Most rows/solutions a query returns [env ACTORGRAPH_MAX_ROWS; default 100000].",
)
@click.option(
    "--max-query-length",
    type=click.IntRange(min=1),
    default=None,
    help="Longest query text in characters [env ACTORGRAPH_MAX_QUERY_LENGTH; default 100000].",
)
@click.option(
    "--update-token",
    default=None,
    help="Enable /update and Graph Store writes for this Bearer token [env ACTORGRAPH_UPDATE_TOKEN].",
)
@click.option(
    "--federation/--no-federation",
    default=None,
    help="Allow SERVICE to the allowlisted endpoints [env ACTORGRAPH_FEDERATION; default off].",
)
@click.option(
    "--service-allowlist",
    default=None,
    help="Space-separated endpoints SERVICE may call [env ACTORGRAPH_SERVICE_ALLOWLIST].",
)
@reports_errors
def serve(store: str | None, host: str | None, port: int | None, memory: bool, workers: int | None,
          threads: int | None, query_timeout: float | None, max_rows: int | None, max_query_length: int | None,
          update_token: str | None, federation: bool | None, service_allowlist: str | None) -> None:  # fmt: skip
    """Serve SPARQL (query, update, graph store) and the web front end with gunicorn (docs/server.md)."""
    from actorgraph.server.run import run

    settings = Settings.from_env(store_path=":memory:" if memory else store, host=host, port=port, workers=workers,
                                 threads=threads, query_timeout=query_timeout, max_rows=max_rows,
                                 max_query_length=max_query_length, update_token=update_token,
                                 federation=federation, service_allowlist=service_allowlist)  # fmt: skip
    run(settings)


# ------------------------------------------------------------------ external links (docs/linking.md)

API_HELP = "Wikidata API (wbgetentities) URL [env ACTORGRAPH_WIKIDATA_API; default the public one]."


@cli.group()
def link() -> None:
    """External identifiers: which entities are linked, checks against Wikidata, enrichment."""


@link.command("report")
@sources_option
@reports_errors
def link_report_cmd(sources: Path | None) -> None:
    """List the entities without a checked Wikidata/DBpedia/GeoNames link."""
    from actorgraph.graph.linking import link_report
    from actorgraph.graph.sources import load_corpus

    for line in link_report(load_corpus(sources)).lines():
        click.echo(line)


@link.command("verify")
@sources_option
@click.option("--api-url", envvar="ACTORGRAPH_WIKIDATA_API", default=None, help=API_HELP)
@click.option("--entity", "entities", multiple=True, help="Only this entity id (repeatable).")
@reports_errors
def link_verify(sources: Path | None, api_url: str | None, entities: tuple[str, ...]) -> None:
    """Ask Wikidata for each QID's label and instance-of; exit 1 on a mismatch or when offline."""
    from actorgraph.graph.linking import DEFAULT_API, WikidataClient, verify_links
    from actorgraph.graph.sources import load_corpus

    results = verify_links(load_corpus(sources), WikidataClient(api_url or DEFAULT_API), entities or None)
    for result in results:
        click.echo(result.line())
    bad = [r for r in results if not r.ok]
    click.echo(f"{len(results) - len(bad)}/{len(results)} QIDs match")
    if bad:
        raise click.ClickException(f"{len(bad)} QID(s) do not match: {', '.join(r.entity for r in bad)}")


@link.command("enrich")
@store_option
@sources_option
@click.option("--api-url", envvar="ACTORGRAPH_WIKIDATA_API", default=None, help=API_HELP)
@click.option("--cache", type=click.Path(file_okay=False, path_type=Path), envvar="ACTORGRAPH_WIKIDATA_CACHE",
              default=None, help="Cache folder of Wikidata answers [env ACTORGRAPH_WIKIDATA_CACHE; default "
              "var/cache/wikidata].")  # fmt: skip
@click.option("--refresh", is_flag=True, help="Fetch again even what is cached.")
@reports_errors
def link_enrich(store: str | None, sources: Path | None, api_url: str | None, cache: Path | None,
                refresh: bool) -> None:  # fmt: skip
    """Fetch Wikidata facts of linked entities into the enrichment graph (cached on disk)."""
    from actorgraph.graph.linking import DEFAULT_API, DEFAULT_CACHE, WikidataClient, enrich, write_enrichment
    from actorgraph.graph.sources import load_corpus

    result = enrich(load_corpus(sources), WikidataClient(api_url or DEFAULT_API), cache or Path(DEFAULT_CACHE),
                    refresh=refresh)  # fmt: skip
    kg = make_kg(store, sources, read_only=False)
    write_enrichment(kg.store, result)
    click.echo(f"enrichment graph: {len(result.triples)} triples; {len(result.fetched)} items fetched, "
               f"{len(result.cached)} from the cache, {len(result.missing)} missing on Wikidata")  # fmt: skip


USER_SOURCES = Path("var/sources")


def user_sources_option(func: F) -> F:
    return click.option(
        "--sources",
        "sources_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=USER_SOURCES,
        show_default=True,
        envvar="ACTORGRAPH_SOURCES",
        help="Sources folder that receives ingested documents (seeded from the shipped sources on first use).",
    )(func)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--title", help="Title (default: from the file's metadata or first line; one file only).")
@click.option("--author", help="Author's name (default: from the file's metadata).")
@click.option("--date", help="Publication date: 2024, 2024-04, 2024-04-03 or 'April 2024'.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "html", "pdf"]), default=None,
              help="Input format (default: from the file's first bytes and suffix).")  # fmt: skip
@click.option("--extractor", default="rules", show_default=True,
              help="Extractor, or several comma-separated to combine (rules, llm, parse; 'llm' calls "
              "ACTORGRAPH_LLM_URL, any OpenAI-compatible endpoint).")  # fmt: skip
@click.option("--id", "doc_id", help="Document id (default: from the title; one file only).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes extracting documents [env ACTORGRAPH_INGEST_WORKERS; default 2].")  # fmt: skip
@click.option("--build/--no-build", default=True, show_default=True, help="Rebuild the store from the sources after.")
@user_sources_option
@store_option
@reports_errors
def ingest(files: tuple[Path, ...], title: str | None, author: str | None, date: str | None, fmt: str | None,
           extractor: str, doc_id: str | None, workers: int | None, build: bool, sources_dir: Path,
           store: str | None) -> None:  # fmt: skip
    """Read documents (text, Markdown, HTML, PDF; files or folders), register them, propose candidates.

    See docs/ingest.md.
    """
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from actorgraph.graph.ingest import IngestOptions, documents_in, ingest_files

    settings = Settings.from_env(ingest_workers=workers)
    paths = documents_in(list(files))
    options = IngestOptions(title, author, date, fmt, doc_id, extractor, settings.ingest_max_bytes)
    with Progress(console=Console(stderr=True), transient=True) as progress:
        if len(paths) == 1:
            task = progress.add_task(f"extracting {paths[0].name}", total=None)
            reports = ingest_files(paths, sources_dir, options, progress=lambda done, total: progress.update(
                task, completed=done, total=total))  # fmt: skip
        else:
            task = progress.add_task(f"extracting {len(paths)} documents", total=len(paths))
            reports = ingest_files(paths, sources_dir, options, workers=settings.ingest_workers,
                                   finished=lambda _path: progress.advance(task))  # fmt: skip
    for report in reports:
        if report.skipped:
            click.echo(f"warning: {report.path} {report.skipped}: extraction skipped, the document is kept")
    if len(reports) == 1:
        report = reports[0]
        verb = "re-ingested" if report.replaced else "ingested"
        click.echo(f"{verb} {report.path} as {report.document!r} ({report.format}, {report.characters} characters): "
                   f"{report.candidates} candidate statements, {report.mentions} mentions, "
                   f"{report.new_entities} new-entity candidates; {report.extractor}")  # fmt: skip
        for reason, count in sorted(report.dropped.items()):
            click.echo(f"  dropped {count:4d}  {reason}")
    else:
        table = Table("document", "characters", "mentions", "new entities", "candidates", "dropped", box=None)
        for r in reports:
            dropped = ", ".join(f"{n} {why}" for why, n in sorted(r.dropped.items())) or "-"
            table.add_row(r.document, str(r.characters), str(r.mentions), str(r.new_entities), str(r.candidates),
                          dropped)  # fmt: skip
        Console(width=160).print(table)
        click.echo(f"ingested {len(reports)} documents: {sum(r.candidates for r in reports)} candidate statements")
    if build:
        built = make_kg(store, sources_dir).build()
        click.echo(f"built {built.location or store}: {built.statements} statements incl. candidates")
    only = f" --document {reports[0].document}" if len(reports) == 1 else ""
    click.echo(f"review with: actorgraph review --sources {sources_dir}{only}")


@cli.command()
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
@click.option(
    "--merge-entity",
    "merge_entities",
    multiple=True,
    metavar="NAME=ID",
    help="Make the new-entity candidate NAME of --document an alias of the registry entity ID.",
)
@click.option("--build/--no-build", default=False, help="Rebuild the store from the sources after.")
@user_sources_option
@store_option
@reports_errors
def review(document: str | None, list_only: bool, accept_ids: tuple[str, ...], reject_ids: tuple[str, ...],
           corrections: tuple[str, ...], entities: bool, accept_entities: tuple[str, ...], entity_type: str | None,
           merge_entities: tuple[str, ...], build: bool, sources_dir: Path, store: str | None) -> None:  # fmt: skip
    """Accept, correct or reject candidate statements and new entities (interactive without options)."""
    from actorgraph.graph.ingest import review as rv

    if (accept_entities or merge_entities) and not document:
        raise click.ClickException("--accept-entity and --merge-entity need --document")
    if entities:
        for new in rv.entity_candidates(sources_dir, document or ""):
            click.echo(f"{new['name']!r:40} {new.get('key', '')!s:32} {new['suggested_type']:24} x{new['count']}  "
                       f"…{new['context']}…")  # fmt: skip
    elif list_only:
        for c in rv.pending(sources_dir, document):
            click.echo(f"{c.document} {c.local_id}: {c.summary()}")
    elif accept_ids or reject_ids or accept_entities or merge_entities:
        for pair in accept_entities:
            name, _, entity_id = pair.rpartition("=")
            entity = rv.accept_entity(sources_dir, document or "", name, entity_id, entity_type)
            click.echo(f"accepted entity {name!r} as {entity['id']} ({entity['type']})")
        for pair in merge_entities:
            name, _, entity_id = pair.rpartition("=")
            added = rv.merge_entity(sources_dir, document or "", name, entity_id)
            click.echo(f"merged {name!r} into {entity_id}" + (f" (aliases added: {', '.join(added)})" if added else ""))
        fixes = rv.parse_corrections(corrections)
        for local_id in accept_ids:
            rv.accept(sources_dir, document or rv.find_document(sources_dir, local_id), local_id, fixes)
            click.echo(f"accepted {local_id}")
        for local_id in reject_ids:
            rv.reject(sources_dir, document or rv.find_document(sources_dir, local_id), local_id)
            click.echo(f"rejected {local_id}")
    else:
        counts = rv.session(sources_dir, document, lambda q: str(click.prompt(q, default="s")), click.echo)
        click.echo(", ".join(f"{n} {k}" for k, n in counts.items()))
    if build:
        built = make_kg(store, sources_dir).build()
        click.echo(f"built {built.location or store}: {built.statements} statements")


if __name__ == "__main__":  # pragma: no cover
    cli()

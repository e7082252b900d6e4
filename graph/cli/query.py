"""query: SPARQL text, a .rq file, standard input, or a named query."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from actorgraph.graph.cli import output
from actorgraph.graph.cli.errors import reports_errors
from actorgraph.graph.cli.options import make_kg, store_option
from actorgraph.graph.store import RESULT_FORMATS as STORE_RESULT_FORMATS

# A table for people, then the store's result formats (its one format table).
RESULT_FORMATS = ("table", *(f.name for f in STORE_RESULT_FORMATS))


@click.command()
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
    kg = make_kg(store)
    if list_queries:
        output.print_query_list(kg.named_queries())
        return
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

"""CLI printing: query results as a rich table or in a standard serialisation, and the named queries."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from actorgraph.graph.cli.errors import stop_writing
from actorgraph.graph.store import QueryResult, as_solutions, is_boolean, is_triples, serialize_results, term_text


def print_result(result: QueryResult, fmt: str) -> None:
    """Print SELECT/ASK/CONSTRUCT results as a table or in a standard format."""
    if fmt == "table":
        _print_table(result)
        return
    if is_triples(result):
        fmt = "ntriples"
    serialize_results(result, sys.stdout.buffer, fmt)
    sys.stdout.flush()


# Width of the table when the output is not a terminal (a pipe, a file): wide enough that no column
# is squeezed or wrapped, so every value stays whole on its row for grep, diff and less -S.
PIPE_WIDTH = 100_000


def _console(**options: Any) -> Any:
    """A rich Console that stops quietly (exit 0, as the other formats do) when its reader goes away."""
    from rich.console import Console  # start-up cost: rich loads only when a table or list is printed

    class StopsQuietly(Console):
        def on_broken_pipe(self) -> None:  # rich's own exits 1
            self.quiet = True
            stop_writing()

    return StopsQuietly(**options)


def _print_table(result: QueryResult) -> None:
    from rich.table import Table  # start-up cost: rich loads only when a table is printed
    from rich.text import Text  # start-up cost, as above

    console = _console()
    if not console.is_terminal:
        console = _console(width=PIPE_WIDTH, no_color=True, highlight=False)
    if is_boolean(result):
        console.print(str(bool(result)).lower())
        return
    if is_triples(result):
        for triple in result:
            console.print(f"{triple.subject} {triple.predicate} {triple.object} .", markup=False, highlight=False)
        return
    solutions = as_solutions(result)
    variables = [v.value for v in solutions.variables]
    table = Table(*variables)
    rows = 0
    for row in solutions:
        table.add_row(*(Text(term_text(row[v])) for v in variables))  # Text: a "[b]" in a value is not markup
        rows += 1
    console.print(table)
    console.print(f"{rows} row(s)", style="dim")


def print_query_list(queries: Mapping[str, Any]) -> None:
    """Print each named query with its title and parameters."""
    console = _console()
    for name, query in queries.items():
        params = ", ".join(_param_text(p) for p in query.parameters) or "no parameters"
        console.print(f"[bold]{name}[/bold]  {query.title}  [dim]({params})[/dim]")


def _param_text(param: Any) -> str:
    default = f"={param.default}" if param.default is not None else ""
    return f"{param.name}:{param.type}{default}"

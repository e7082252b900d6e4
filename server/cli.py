"""serve: the SPARQL endpoint and web front end (docs/server.md), a command of the ``actorgraph`` CLI.

The server owns its command: the CLI (actorgraph.graph.cli) finds it through the entry-point group
``actorgraph.commands`` (pyproject.toml), so the core never imports the web layer.
"""

from __future__ import annotations

import click

from actorgraph.graph.cli.errors import reports_errors
from actorgraph.graph.cli.options import store_kind_flag, store_option
from actorgraph.graph.config import Settings, setting_help


@click.command()
@store_option
@click.option("--host", default=None, help=setting_help("host"))
@click.option("--port", type=int, default=None, help=setting_help("port"))
@click.option("--memory", is_flag=True, help="Build the shipped sources into a temporary store and serve that.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help=setting_help("workers"))
@click.option("--threads", type=click.IntRange(min=1), default=None, help=setting_help("threads"))
@click.option("--timeout", "query_timeout", type=click.FloatRange(min=0.5), default=None,
              help=setting_help("query_timeout"))  # fmt: skip
@click.option("--max-rows", type=click.IntRange(min=1), default=None, help=setting_help("max_rows"))
@click.option("--max-query-length", type=click.IntRange(min=1), default=None, help=setting_help("max_query_length"))
@click.option("--update-token", default=None, help=setting_help("update_token"))
@click.option("--federation/--no-federation", default=None, help=setting_help("federation"))
@click.option("--service-allowlist", default=None, help=setting_help("service_allowlist"))
@click.option("--cache-mb", type=click.FloatRange(min=0), default=None, help=setting_help("cache_mb"))
@reports_errors
def serve(store: str | None, host: str | None, port: int | None, memory: bool, workers: int | None,
          threads: int | None, query_timeout: float | None, max_rows: int | None, max_query_length: int | None,
          update_token: str | None, federation: bool | None, service_allowlist: str | None,
          cache_mb: float | None) -> None:  # fmt: skip
    """Serve SPARQL (query, update, graph store) and the web front end: granian, query processes (docs/server.md)."""
    # Start-up cost: flask and granian load only when the server starts, not for `actorgraph --help`.
    from actorgraph.server.run import run

    settings = Settings.from_env(store_path=":memory:" if memory else store, host=host, port=port, workers=workers,
                                 threads=threads, query_timeout=query_timeout, max_rows=max_rows,
                                 max_query_length=max_query_length, update_token=update_token,
                                 federation=federation, service_allowlist=service_allowlist,
                                 store_kind=store_kind_flag(), cache_mb=cache_mb)  # fmt: skip
    run(settings)

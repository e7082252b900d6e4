"""Options several commands share, and the KnowledgeGraph a command works on.

Help texts of options that set a Settings field come from that field (its help, environment
variable and default), so they are written once, in graph/config.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings, setting_help

F = TypeVar("F", bound=Callable[..., Any])


def make_kg(store: str | None, sources: Path | None = None, **overrides: Any) -> KnowledgeGraph:
    """The graph of the settings (flag > environment > default) and, for build and checks, a sources folder."""
    settings = Settings.from_env(store_path=store, store_kind=store_kind_flag(), **overrides)
    return KnowledgeGraph(settings, sources=sources)


def store_kind_flag() -> str | None:
    """The --store-kind given to the current command (None: the setting's environment or default)."""
    context = click.get_current_context(silent=True)
    return context.meta.get(STORE_KIND) if context else None


STORE_KIND = "actorgraph.store_kind"


def _remember_kind(context: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        context.meta[STORE_KIND] = value


def store_option(func: F) -> F:
    """--store: the store directory, ':memory:' or a remote store's URL; --store-kind: which kind of server.

    --store-kind is kept in the click context (make_kg reads it) rather than passed to every command.
    """
    kinds = click.Choice(["oxigraph", "virtuoso", "fuseki", "graphdb", "generic"], case_sensitive=False)
    with_kind = click.option("--store-kind", type=kinds, default=None, expose_value=False, callback=_remember_kind,
                             is_eager=True, help=setting_help("store_kind"))(func)  # fmt: skip
    return click.option("--store", "store", default=None, help=setting_help("store_path"))(with_kind)


def sources_option(func: F) -> F:
    """--sources: the sources folder a build or a check reads (default: the shipped one)."""
    return click.option(
        "--sources",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        default=None,
        help="Sources folder (documents.yaml, documents/, entities/, statements/); default: the shipped one.",
    )(func)


def user_sources_option(func: F) -> F:
    """--sources for ingest and review: the folder they write to (the sources_path setting)."""
    return click.option(
        "--sources",
        "sources_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help=setting_help("sources_path"),
    )(func)

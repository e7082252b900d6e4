"""The ``actorgraph`` command: each command parses, calls KnowledgeGraph, prints.

One module per command group; this one makes the click group ``cli`` (the console script
``actorgraph = "actorgraph.graph.cli:cli"``) and registers their commands. ``errors`` maps the
core's errors to exit status 1 once, ``options`` holds the shared options (their help texts come
from the Settings fields), ``output`` prints query results.
"""

from __future__ import annotations

from importlib.metadata import entry_points

import click

from actorgraph.graph.cli.build import build, copy, export
from actorgraph.graph.cli.check import check, coverage, docs, validate
from actorgraph.graph.cli.ingest import ingest, review
from actorgraph.graph.cli.links import link
from actorgraph.graph.cli.network import balance, network, predict, timeline
from actorgraph.graph.cli.query import query
from actorgraph.graph.cli.reason import reason

COMMANDS = "actorgraph.commands"


@click.group()
@click.version_option(package_name="actorgraph")
def cli() -> None:
    """ActorGraph: a knowledge graph of state, non-state and proxy actors, with evidence."""


# The README's order; `actorgraph --help` lists them by name.
for command in (build, validate, query, export, docs, check, reason, network, balance, predict, timeline,
                coverage, link, ingest, review, copy):  # fmt: skip
    cli.add_command(command)

# Commands of the layers above the core (`serve`, from actorgraph.server.cli) register themselves as entry
# points, as Flask's CLI does: the core does not import them, and a plugin can add its own the same way.
for entry in entry_points(group=COMMANDS):
    cli.add_command(entry.load(), entry.name)

__all__ = ["cli"]

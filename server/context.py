"""The one way a view reaches what the app was created with: its KnowledgeGraph, Settings and Endpoint.

create_app() puts a single ``Endpoint`` on ``app.extensions``; views ask for it (or its parts)
through these functions, never through ``current_app.extensions`` themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import Flask, current_app

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings

if TYPE_CHECKING:  # the protocol modules import this one: create_app builds the policy
    from actorgraph.server.protocol.federation import FederationPolicy

EXTENSION = "actorgraph"


@dataclass(frozen=True)
class Endpoint:
    """What answering a request needs, gathered once when the app is created."""

    kg: KnowledgeGraph
    settings: Settings
    policy: FederationPolicy

    def install(self, app: Flask) -> None:
        """Attach to app: one per app, so one KnowledgeGraph (and one open store) per process."""
        app.extensions[EXTENSION] = self


def endpoint() -> Endpoint:
    """The current app's endpoint."""
    found: Endpoint = current_app.extensions[EXTENSION]
    return found


def kg() -> KnowledgeGraph:
    """The current app's KnowledgeGraph."""
    return endpoint().kg


def settings() -> Settings:
    """The current app's Settings."""
    return endpoint().settings

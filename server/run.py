"""Running the application under a production WSGI server (waitress)."""

from __future__ import annotations

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
from actorgraph.server import create_app


def run(settings: Settings) -> None:
    """Serve until interrupted; an in-memory store is built from the shipped sources first."""
    import waitress

    kg = KnowledgeGraph(settings)
    if settings.in_memory:
        kg.build()
    else:
        kg.store  # noqa: B018 - open now, so a missing store fails before we listen
    app = create_app(settings, kg)
    print(f"ActorGraph serving http://{settings.host}:{settings.port}/sparql", flush=True)
    waitress.serve(app, host=settings.host, port=settings.port, threads=settings.threads)

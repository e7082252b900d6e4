"""The web front end: a thin Flask application over actorgraph.graph.api.KnowledgeGraph."""

from __future__ import annotations

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
from flask import Flask


def create_app(settings: Settings | None = None, kg: KnowledgeGraph | None = None) -> Flask:
    """Application factory: one KnowledgeGraph per process, on app.extensions['kg']."""
    settings = settings or (kg.settings if kg else Settings.from_env())
    app = Flask(__name__)
    app.extensions["kg"] = kg or KnowledgeGraph(settings)
    app.extensions["settings"] = settings

    from actorgraph.server import sparql

    app.register_blueprint(sparql.bp)
    return app

"""The web front end: a thin Flask application over actorgraph.graph.api.KnowledgeGraph."""

from __future__ import annotations

from flask import Flask

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
from actorgraph.graph.federation import FederationPolicy
from actorgraph.server.sparql import Endpoint, FastPath


def create_app(settings: Settings | None = None, kg: KnowledgeGraph | None = None) -> Flask:
    """Application factory: one KnowledgeGraph per process, on app.extensions['kg']."""
    settings = settings or (kg.settings if kg else Settings.from_env())
    app = Flask(__name__)
    app.extensions["kg"] = kg or KnowledgeGraph(settings)
    app.extensions["settings"] = settings
    # Built once here, not per request: the allowlist is parsed a single time.
    app.extensions["federation"] = FederationPolicy.from_settings(settings.federation, settings.service_allowlist)
    app.extensions["sparql"] = sparql_endpoint = Endpoint(app.extensions["kg"], settings, app.extensions["federation"])
    app.config["MAX_CONTENT_LENGTH"] = 256 * 1024 * 1024  # Graph Store uploads; queries have their own limit

    from actorgraph.server import errors, gsp, service, sparql, update
    from actorgraph.server.workers import RequestLog

    errors.register(app)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(update.bp)
    app.register_blueprint(gsp.bp)
    app.register_blueprint(service.bp)
    from actorgraph.server import network, openapi, pages, queries_http, ui

    app.register_blueprint(ui.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(queries_http.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(network.bp)
    app.wsgi_app = RequestLog(FastPath(app.wsgi_app, sparql_endpoint))  # type: ignore[method-assign]
    return app

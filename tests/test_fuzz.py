"""Property-based fuzzing of the endpoint and of the sources loader (Hypothesis, seeded and bounded).

Properties, each over its own generated inputs:

- queries: random and mutated SPARQL, by GET and both POSTs, with random Accept headers and
  dataset/format parameters, never get a 5xx other than an intended 503/504 and never a traceback;
- updates: random and mutated SPARQL Update never get a 5xx, and when one is refused the store is
  exactly as it was;
- graph store: random payloads and media types for PUT/POST, the same two promises;
- sources: random YAML statement files (generated structures and mutations of a valid file) are
  loaded or refused with a SourceError, never another exception; the CLI answers a refused folder
  with one line and exit status 1.

The runs are derandomised (the same inputs on every run) and bounded by ``max_examples``, so the
cost in CI is fixed; ``make soak`` raises ``ACTORGRAPH_FUZZ_EXAMPLES``. Each test records how many
inputs it tried in ``TRIED`` (printed with ``-s``; the figures are in benchmarks/README.md).
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.cli import cli
from actorgraph.graph.config import Settings
from actorgraph.graph.errors import KGError
from actorgraph.graph.sources import load_corpus
from actorgraph.server import create_app

EXAMPLES = int(os.environ.get("ACTORGRAPH_FUZZ_EXAMPLES", "500"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
TOKEN = "fuzz-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
FIXTURE = Path(__file__).parent / "data" / "fixture"
TRIED: dict[str, int] = {}

# A dozen triples in three graphs: small enough that no mutated join can run away in-process.
DATA = """
<urn:x:a> <urn:x:p> <urn:x:b> <urn:g:1> .
<urn:x:b> <urn:x:p> <urn:x:c> <urn:g:1> .
<urn:x:c> <urn:x:q> "7"^^<http://www.w3.org/2001/XMLSchema#integer> <urn:g:1> .
<urn:x:a> <http://www.w3.org/2000/01/rdf-schema#label> "<script>alert(1)</script>"@en <urn:g:2> .
<urn:x:b> <http://www.w3.org/2000/01/rdf-schema#label> "javascript:alert(1)" <urn:g:2> .
<urn:x:c> <http://www.w3.org/2000/01/rdf-schema#label> "c" <urn:g:2> .
<urn:x:a> <urn:x:r> _:n <urn:g:3> .
_:n <urn:x:q> "2020-01-01"^^<http://www.w3.org/2001/XMLSchema#date> <urn:g:3> .
"""
SEED_QUERIES = [
    "SELECT * WHERE { ?s ?p ?o }",
    "SELECT ?s (COUNT(?o) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?s ORDER BY DESC(?n) LIMIT 5",
    "ASK { <urn:x:a> <urn:x:p> ?x FILTER(?x != <urn:x:c>) }",
    "CONSTRUCT { ?s <urn:x:seen> ?o } WHERE { ?s <urn:x:p> ?o OPTIONAL { ?o <urn:x:q> ?v } }",
    'SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(REGEX(?l, "^<", "i")) }',
    "DESCRIBE <urn:x:a>",
    "SELECT * WHERE { VALUES ?s { <urn:x:a> <urn:x:b> } ?s ?p ?o } OFFSET 1",
    'PREFIX x: <urn:x:> SELECT (STRLEN(STR(?o)) AS ?n) WHERE { x:a x:p/x:p ?o } # a "comment"',
    "SELECT ?s WHERE { { ?s ?p ?o } UNION { GRAPH <urn:g:3> { ?s ?p ?o } } MINUS { ?s <urn:x:q> ?o } }",
    'SELECT (<urn:fn:unknown>(1) AS ?x) (xsd:date("x") AS ?y) WHERE {}',
]
SEED_UPDATES = [
    "INSERT DATA { GRAPH <urn:g:9> { <urn:x:z> <urn:x:p> 1 } }",
    "DELETE WHERE { GRAPH <urn:g:1> { <urn:x:a> ?p ?o } }",
    "WITH <urn:g:1> DELETE { ?s ?p ?o } INSERT { ?s ?p 2 } WHERE { ?s ?p ?o FILTER(isLiteral(?o)) }",
    "CLEAR GRAPH <urn:g:2> ; CREATE GRAPH <urn:g:1>",
    "COPY <urn:g:1> TO <urn:g:8> ; DROP SILENT GRAPH <urn:g:none>",
    "LOAD <http://127.0.0.1:9/x.ttl> INTO GRAPH <urn:g:7>",
]
# Pieces a mutation inserts: syntax, keywords the guards look for, and bytes parsers trip on.
TOKENS = [
    "{",
    "}",
    "(",
    ")",
    "<",
    ">",
    '"',
    "'",
    '"""',
    "#",
    "\\u0000",
    "\x00",
    "\ud7ff",
    "é",
    "\t",
    ";",
    ".",
    "?s",
    "_:b",
    "SERVICE <http://127.0.0.1:9/> { ?a ?b ?c }",
    "BASE <x:>",
    "PREFIX p: <urn:p:>",
    "p:q",
    "GRAPH ?g",
    "FILTER(",
    'REGEX(?o, "(a+)+$")',
    "LIMIT 99999999999999999999",
    "SELECT",
    "WHERE",
    "OPTIONAL",
    "USING <urn:g:1>",
    "INSERT",
    "DELETE",
    "\\",
    "%",
    "<javascript:alert(1)>",
    "{ " * 30,
    "1e999999",
    '"x"^^<urn:t>',
    "@en-",
    "[]",
    "()",
    "|",
    "^",
    "/",
    "*",
    "+",
    "!",
]
MEDIA = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
    "application/n-quads",
    "application/trig",
    "text/html",
    "application/json",
    "*/*",
    "text/*",
    "image/png",
    ";;;",
    "a/b;q=x",
    "",
]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[str]) -> str:
    """A seed text after one to four mutations (delete, duplicate, insert a token, insert random text)."""
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        end = min(len(text), at + draw(st.integers(0, 12)))
        kind = draw(st.integers(0, 3))
        if kind == 0:
            text = text[:at] + text[end:]
        elif kind == 1:
            text = text[:end] + text[at:end] + text[end:]
        elif kind == 2:
            text = text[:at] + draw(st.sampled_from(TOKENS)) + text[at:]
        else:
            text = text[:at] + draw(st.text(max_size=8)) + text[at:]
    return text


def random_text(seeds: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(mutated(seeds), st.text(max_size=60), st.lists(st.sampled_from(TOKENS), max_size=12).map(" ".join))


accept_headers = st.one_of(
    st.none(),
    st.lists(
        st.tuples(st.sampled_from(MEDIA), st.sampled_from(["", ";q=0", ";q=0.5", ";q=1", ";q=2", ";q=abc"])), max_size=4
    ).map(lambda parts: ", ".join(m + q for m, q in parts)),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30),  # what a header can carry
)
graph_params = st.lists(
    st.one_of(st.sampled_from(["urn:g:1", "urn:g:2", "", "not an iri", "%zz", "urn:g:1> ?s"]), st.text(max_size=12)),
    max_size=2,
)
formats = st.one_of(
    st.none(), st.sampled_from(["json", "csv", "tsv", "xml", "turtle", "nt", "html", "", "png"]), st.text(max_size=6)
)


@pytest.fixture(scope="module")
def graph() -> KnowledgeGraph:
    kg = KnowledgeGraph(Settings(store_path=":memory:"))
    kg.store.load(DATA, "nquads")
    return kg


@pytest.fixture(scope="module")
def fuzz_client(graph: KnowledgeGraph) -> FlaskClient:
    return create_app(graph.settings.with_(update_token=TOKEN, max_query_length=5000), graph).test_client()


@pytest.fixture(scope="module", autouse=True)
def report_counts() -> None:
    yield  # type: ignore[misc]
    print("\nfuzz inputs tried per property:", TRIED)


def fingerprint(graph: KnowledgeGraph) -> str:
    out = io.BytesIO()
    graph.dump(out, "nquads")
    return hashlib.sha256(b"".join(sorted(out.getvalue().splitlines()))).hexdigest()


def assert_no_server_error(response: object, what: str) -> None:
    status = response.status_code  # type: ignore[attr-defined]
    body = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert status < 500 or status in (503, 504), (what, status, body[:500])
    assert "Traceback" not in body, what
    assert response.headers.get("Content-Type"), what  # type: ignore[attr-defined]


def _count(name: str) -> None:
    TRIED[name] = TRIED.get(name, 0) + 1


@FUZZ
@given(
    query=random_text(SEED_QUERIES),
    accept=accept_headers,
    defaults=graph_params,
    named=graph_params,
    fmt=formats,
    method=st.sampled_from(["get", "form", "direct"]),
)
def test_fuzz_queries_never_answer_a_server_error(
    fuzz_client: FlaskClient,
    query: str,
    accept: str | None,
    defaults: list[str],
    named: list[str],
    fmt: str | None,
    method: str,
) -> None:
    _count("queries")
    params: dict[str, object] = {"default-graph-uri": defaults, "named-graph-uri": named}
    if fmt is not None:
        params["format"] = fmt
    headers = {"Accept": accept} if accept is not None else {}
    if method == "get":
        response = fuzz_client.get("/sparql", query_string={"query": query, **params}, headers=headers)
    elif method == "form":
        response = fuzz_client.post("/sparql", data={"query": query, **params}, headers=headers)
    else:
        response = fuzz_client.post(
            "/sparql",
            query_string=params,
            data=query.encode("utf-8", "surrogatepass"),
            content_type="application/sparql-query",
            headers=headers,
        )
    assert_no_server_error(response, query)


@FUZZ
@given(update=random_text(SEED_UPDATES), using=graph_params, direct=st.booleans())
def test_fuzz_updates_never_fail_half_way(
    fuzz_client: FlaskClient, graph: KnowledgeGraph, update: str, using: list[str], direct: bool
) -> None:
    _count("updates")
    before = fingerprint(graph)
    if direct:
        response = fuzz_client.post(
            "/update",
            query_string={"using-graph-uri": using},
            headers=AUTH,
            data=update.encode("utf-8", "surrogatepass"),
            content_type="application/sparql-update",
        )
    else:
        response = fuzz_client.post("/update", data={"update": update, "using-graph-uri": using}, headers=AUTH)
    assert_no_server_error(response, update)
    if response.status_code != 204:
        assert fingerprint(graph) == before, (update, response.status_code)
    else:
        graph.store.update("CLEAR ALL")  # back to the fixture for the next input
        graph.store.load(DATA, "nquads")


PAYLOAD_TYPES = [
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
    "application/n-quads",
    "text/plain",
    "multipart/form-data",
    "",
]
RDF_SEEDS = [
    "<urn:x:a> <urn:x:p> <urn:x:b> .",
    "@prefix x: <urn:x:> . x:a x:p [ x:q 1 ] .",
    '{"@id": "urn:x:a", "urn:x:p": {"@id": "urn:x:b"}}',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="x"/></rdf:RDF>',
]


@FUZZ
@given(
    payload=random_text(RDF_SEEDS),
    media=st.sampled_from(PAYLOAD_TYPES),
    method=st.sampled_from(["put", "post"]),
    target=st.sampled_from(["urn:g:1", "urn:g:new", None, "", "x y"]),
)
def test_fuzz_graph_store_writes_never_fail_half_way(
    fuzz_client: FlaskClient, graph: KnowledgeGraph, payload: str, media: str, method: str, target: str | None
) -> None:
    _count("graph store")
    before = fingerprint(graph)
    query = {"graph": target} if target is not None else {}
    data = payload.encode("utf-8", "surrogatepass")
    response = getattr(fuzz_client, method)("/store", query_string=query, headers=AUTH, data=data, content_type=media)
    assert_no_server_error(response, payload)
    if response.status_code not in (200, 201, 204):
        assert fingerprint(graph) == before, (payload, response.status_code)
    else:
        graph.store.update("CLEAR ALL")
        graph.store.load(DATA, "nquads")


# ------------------------------------------------------------------ the sources loader and the CLI

STATEMENTS = (FIXTURE / "statements" / "excerpt.yaml").read_text(encoding="utf-8")
yaml_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True),
        st.text(max_size=20),
        st.sampled_from(["iran", "taliban", "hosts", "excerpt", "2001", "Iran had become a safe haven"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(
                [
                    "document",
                    "statements",
                    "id",
                    "quote",
                    "subject",
                    "predicate",
                    "object",
                    "start",
                    "end",
                    "claims",
                    "no_claim",
                    "reason",
                    "certainty",
                    "x",
                ]
            ),
            inner,
            max_size=6,
        ),
    ),
    max_leaves=20,
)
statement_files = st.one_of(
    yaml_values.map(lambda value: yaml.safe_dump(value, allow_unicode=True)),
    mutated([STATEMENTS]),
)


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz-sources") / "sources"
    shutil.copytree(FIXTURE, folder)
    return folder


@FUZZ
@given(text=statement_files)
def test_fuzz_statement_files_are_loaded_or_refused_with_a_source_error(sources: Path, text: str) -> None:
    _count("statement files")
    (sources / "statements" / "excerpt.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_corpus(sources)
    except KGError as exc:
        assert str(exc).strip()


@settings(
    max_examples=max(10, EXAMPLES // 10),
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=statement_files)
def test_fuzz_the_cli_refuses_a_broken_sources_folder_in_one_line(sources: Path, text: str) -> None:
    _count("cli validate")
    (sources / "statements" / "excerpt.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    result = CliRunner().invoke(cli, ["validate", "--no-shacl", "--sources", str(sources)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1:
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.output


DOCUMENT = (FIXTURE / "documents" / "excerpt.txt").read_text(encoding="utf-8")
document_texts = st.one_of(
    mutated([DOCUMENT]), st.text(max_size=200), st.binary(max_size=200).map(lambda b: b.decode("latin-1"))
)


@FUZZ
@given(text=document_texts)
def test_fuzz_documents_are_loaded_or_refused_with_a_source_error(sources: Path, text: str) -> None:
    """A changed document no longer matches its checksum or its quotes: refused with a SourceError, never a crash."""
    _count("documents")
    (sources / "statements" / "excerpt.yaml").write_text(STATEMENTS, encoding="utf-8")
    (sources / "documents" / "excerpt.txt").write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_corpus(sources)
    except KGError as exc:
        assert str(exc).strip()
    finally:
        (sources / "documents" / "excerpt.txt").write_text(DOCUMENT, encoding="utf-8")

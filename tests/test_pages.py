"""Linked Data pages: /resource/... with content negotiation, document and statement pages, /ontology."""

from __future__ import annotations

import html
import re

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.ontology.vocab import sparql_prefixes
from actorgraph.server.web.views import Span, segments

AG = Namespace("https://w3id.org/actorgraph/ontology#")
RES = Namespace("https://w3id.org/actorgraph/resource/")
OA = Namespace("http://www.w3.org/ns/oa#")
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
# The Yousafzai paper's sentence on the 1998 killings (graph/data/documents/000_*.txt).
MAZAR_QUOTE = (
    "In 1998, tensions escalated between the two countries when the Taliban murdered eight Iranian "
    "diplomats stationed at the consulate in Mazar-e Sharif."
)


def rows(kg: KnowledgeGraph, sparql: str) -> list[dict[str, str]]:
    # Not imported from conftest: with tests/integration/conftest.py, "conftest" names either file.
    return kg.select(sparql_prefixes() + sparql)


def document_text(kg: KnowledgeGraph, doc: str) -> str:
    return rows(kg, f"SELECT ?t WHERE {{ <{RES}document/{doc}> ag:text ?t }}")[0]["t"]


def mazar_anchor(kg: KnowledgeGraph) -> str:
    start = document_text(kg, "yousafzai-2024").index(MAZAR_QUOTE)
    return f"ev-{start}-{start + len(MAZAR_QUOTE)}"


def victims_statement(kg: KnowledgeGraph) -> str:
    """The statement node for the Yousafzai paper's eight Iranian diplomats killed in Mazar-e Sharif."""
    found = rows(
        kg,
        f"""SELECT ?st WHERE {{
          ?st ag:relation ag:victim ; ag:object res:iranian-diplomats ; ag:statementOf <{RES}document/yousafzai-2024> ;
              prov:wasDerivedFrom/oa:hasTarget/oa:hasSelector/oa:exact "{MAZAR_QUOTE}" .
        }}""",
    )
    assert len(found) == 1
    return found[0]["st"]


def section(page: str, start_marker: str) -> str:
    """The HTML from start_marker to the next relation heading or section end."""
    begin = page.index(start_marker)
    ends = [page.find(m, begin + len(start_marker)) for m in ('<h3 class="relation"', "</section>")]
    return page[begin : min(e for e in ends if e != -1)]


def test_resource_actor_page_shows_types_labels_aliases(client: FlaskClient) -> None:
    response = client.get("/resource/iran", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<h1>Iran</h1>" in page
    assert 'href="/ontology#State"' in page and 'href="/ontology#Country"' in page
    assert "Islamic Republic of Iran" in page  # an alias (skos:altLabel) from entities/core.yaml
    assert "https://w3id.org/actorgraph/resource/iran" in page
    assert response.headers["Vary"] == "Accept"


def test_resource_actor_page_lists_external_links(client: FlaskClient, kg: KnowledgeGraph) -> None:
    linked = {r["x"] for r in rows(kg, "SELECT ?x WHERE { res:iran skos:exactMatch ?x }")}
    assert "http://www.wikidata.org/entity/Q794" in linked  # graph/data/links.yaml, checked by the linking work
    page = client.get("/resource/iran").get_data(as_text=True)
    box = page[page.index('<dd class="external-links">') :].split("</dd>")[0]
    for iri in linked:
        assert f'href="{iri}"' in box


def test_resource_actor_page_groups_statements_by_relation_with_evidence(
    client: FlaskClient, kg: KnowledgeGraph
) -> None:
    page = client.get("/resource/iran", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    hostile = section(page, 'id="rel-hostileTo"')
    row = next(r for r in hostile.split("<tr") if "murdered eight Iranian" in r)
    assert 'href="/resource/taliban"' in row
    assert '<td class="when">1998</td>' in row
    assert "cert-stated" in row
    # The evidence links to the passage on the document page.
    assert f'href="/resource/document/yousafzai-2024#{mazar_anchor(kg)}"' in row


def test_resource_actor_page_shows_attribution_and_certainty(client: FlaskClient) -> None:
    page = client.get("/resource/iran").get_data(as_text=True)
    allied = section(page, 'id="rel-alliedWith"')
    # Nabil judges the Iran-Al-Qaeda alliance a short-term one: a forecast attributed to him.
    row = next(r for r in allied.split("<tr") if "carrot-and-stick" in r)
    assert "cert-forecast" in row
    assert 'href="/resource/rahmatullah-nabil"' in row


@pytest.mark.parametrize(
    ("accept", "rdf_format", "media_type"),
    [
        ("text/turtle", "turtle", "text/turtle"),
        ("application/ld+json", "json-ld", "application/ld+json"),
        ("application/n-triples", "nt", "application/n-triples"),
        ("application/rdf+xml", "xml", "application/rdf+xml"),
    ],
)
def test_resource_negotiates_rdf_with_iran_hostile_to_taliban(
    client: FlaskClient, accept: str, rdf_format: str, media_type: str
) -> None:
    response = client.get("/resource/iran", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media_type
    graph = Graph().parse(data=response.data, format=rdf_format)
    assert (RES.iran, AG.hostileTo, RES.taliban) in graph
    assert (RES.iran, RDFS.label, Literal("Iran", lang="en")) in graph
    assert (RES.iran, RDF.type, AG.State) in graph


def test_resource_format_parameter_overrides_accept(client: FlaskClient) -> None:
    response = client.get("/resource/iran?format=nt", headers={"Accept": BROWSER_ACCEPT})
    assert response.mimetype == "application/n-triples"
    assert b"<https://w3id.org/actorgraph/resource/iran> <http://www.w3.org/2000/01/rdf-schema#label>" in response.data


def test_resource_without_accept_is_html_and_links_alternates(client: FlaskClient) -> None:
    response = client.get("/resource/taliban", headers={"Accept": ""})
    assert response.mimetype == "text/html"
    assert '</resource/taliban?format=ttl>; rel="alternate"; type="text/turtle"' in response.headers["Link"]


def test_resource_unacceptable_media_type_is_406(client: FlaskClient) -> None:
    response = client.get("/resource/iran", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.get_data(as_text=True)


@pytest.mark.parametrize("accept", [BROWSER_ACCEPT, "text/turtle"])
def test_resource_unknown_iri_is_404(client: FlaskClient, accept: str) -> None:
    assert client.get("/resource/no-such-actor", headers={"Accept": accept}).status_code == 404
    assert client.get("/resource/no such actor", headers={"Accept": accept}).status_code == 404


def test_resource_head_answers_like_get_without_body(client: FlaskClient) -> None:
    response = client.head("/resource/iran", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    assert response.data == b""


def test_statement_page_shows_evidence_linked_to_document_passage(client: FlaskClient, kg: KnowledgeGraph) -> None:
    iri = victims_statement(kg)
    response = client.get(iri.replace("https://w3id.org/actorgraph", ""), headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f"<mark>{html.escape(MAZAR_QUOTE)}</mark>" in page
    assert f'href="/resource/document/yousafzai-2024#{mazar_anchor(kg)}"' in page
    assert "quantity: <b>8</b> diplomats" in page
    assert 'href="/resource/mazar-i-sharif-1998-killings"' in page
    # The sentence also says the Taliban were the perpetrators: listed as a sibling statement.
    siblings = page[page.index('id="same-evidence"') :]
    assert 'href="/resource/taliban"' in siblings


def test_statement_turtle_carries_its_evidence_annotation(client: FlaskClient, kg: KnowledgeGraph) -> None:
    iri = victims_statement(kg)
    response = client.get(iri.replace("https://w3id.org/actorgraph", ""), headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.data, format="turtle")
    node = URIRef(iri)
    assert (node, AG.object, RES["iranian-diplomats"]) in graph
    assert Literal(MAZAR_QUOTE) in set(graph.objects(None, OA.exact))
    start = document_text(kg, "yousafzai-2024").index(MAZAR_QUOTE)
    assert Literal(start) in set(graph.objects(None, OA.start))


def test_document_page_renders_text_exactly_with_spans(client: FlaskClient, kg: KnowledgeGraph) -> None:
    page = client.get("/resource/document/nabil-commentary").get_data(as_text=True)
    start = page.index('<div class="doctext">') + len('<div class="doctext">')
    body = page[start : page.index("</div>", start)]
    without_refs = re.sub(r"<sup class=\"refs\">.*?</sup>", "", body, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", "", without_refs))
    assert text == document_text(kg, "nabil-commentary")


def test_document_page_highlights_span_and_links_its_statements(client: FlaskClient, kg: KnowledgeGraph) -> None:
    page = client.get("/resource/document/yousafzai-2024").get_data(as_text=True)
    anchor = mazar_anchor(kg)
    opening = re.search(rf'<mark class="ev [^"]*" id="{anchor}">([^<]*)</mark>', page)
    assert opening is not None
    assert MAZAR_QUOTE.startswith(opening.group(1))
    # Right after the span ends, numbered links go to its statements, the victims statement among them.
    after = page[opening.end() :]
    refs = after[after.index('<sup class="refs">') : after.index("</sup>")]
    assert f'href="{victims_statement(kg).replace("https://w3id.org/actorgraph", "")}"' in refs


def test_resource_index_lists_documents_and_actors_by_type(client: FlaskClient) -> None:
    page = client.get("/resource/").get_data(as_text=True)
    assert 'href="/resource/document/yousafzai-2024"' in page
    assert 'href="/resource/document/nabil-commentary"' in page
    state = section(page, 'href="/ontology#State"')
    assert 'href="/resource/iran"' in state and 'href="/resource/pakistan"' in state


def test_ontology_page_and_turtle(client: FlaskClient) -> None:
    page = client.get("/ontology").get_data(as_text=True)
    row = page[page.index('<tr id="hostileTo">') :].split("</tr>")[0]
    assert "hostile to" in row
    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=turtle.data, format="turtle")
    assert (AG.hostileTo, RDF.type, OWL.ObjectProperty) in graph


def test_segments_cut_text_at_every_span_edge() -> None:
    outer, inner = Span(0, 10, (1,)), Span(4, 6, (2,))
    cut = segments("abcdefghijkl", [outer, inner])
    assert [s.text for s in cut] == ["abcd", "ef", "ghij", "kl"]
    assert [len(s.spans) for s in cut] == [1, 2, 1, 0]
    assert cut[0].opens == (outer,) and cut[1].opens == (inner,) and cut[1].closes == (inner,)
    assert cut[2].closes == (outer,)


def test_every_resource_iri_of_ours_dereferences(client: FlaskClient, kg: KnowledgeGraph) -> None:
    """Each entity, document, statement, citation and passage IRI answers with RDF about itself."""
    iris = [
        r["x"]
        for r in rows(
            kg,
            f"""SELECT DISTINCT ?x WHERE {{
              {{ ?x ?p ?o }} UNION {{ ?s ?p ?x }}
              FILTER(isIRI(?x) && STRSTARTS(STR(?x), "{RES}") && !CONTAINS(STR(?x), "/evidence"))
            }}""",
        )
    ]
    kinds = {i[len(RES) :].split("/")[0] if "/" in i[len(RES) :] else "entity" for i in iris}
    assert kinds == {"entity", "document", "statement", "citation", "passage"}
    failures = []
    for iri in iris:
        response = client.get("/resource/" + iri[len(RES) :], headers={"Accept": "application/n-triples"})
        if response.status_code != 200 or f"<{iri}>".encode() not in response.data:
            failures.append((iri, response.status_code))
    assert failures == []
    assert len(iris) > 500  # 2 documents, about 200 entities, hundreds of statements and footnotes

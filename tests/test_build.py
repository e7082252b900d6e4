"""The build: golden output, atomic swap, failures that keep the previous store, export round-trip."""

from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare
from click.testing import CliRunner

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.build import dataset_nquads
from actorgraph.graph.cli import cli
from actorgraph.graph.config import Settings
from actorgraph.graph.errors import QuoteError, SourceError
from actorgraph.graph.rdf import compile_corpus, corpus_nquads
from actorgraph.graph.sources import load_corpus
from actorgraph.ontology.vocab import AG, ONTOLOGY_GRAPH, VOID_GRAPH

FIXTURE = Path(__file__).parent / "data" / "fixture"
GOLDEN = Path(__file__).parent / "golden"


def _without_ontology(nquads: bytes) -> rdflib.Dataset:
    """The compiled fixture minus the ontology graph (which evolves with the ontology, not the data)."""
    dataset = rdflib.Dataset()
    dataset.parse(data=nquads, format="nquads")
    dataset.remove_graph(dataset.graph(rdflib.URIRef(ONTOLOGY_GRAPH)))
    return dataset


def test_build_fixture_matches_golden_quads(update_golden: bool) -> None:
    compiled = _without_ontology(corpus_nquads(load_corpus(FIXTURE)))
    golden_path = GOLDEN / "fixture.nq"
    if update_golden:
        golden_path.write_text(compiled.serialize(format="nquads"), encoding="utf-8")
    golden = rdflib.Dataset()
    golden.parse(golden_path, format="nquads")
    for graph in {g.identifier for g in golden.graphs()} | {g.identifier for g in compiled.graphs()}:
        expected = rdflib.compare.to_isomorphic(golden.graph(graph))
        actual = rdflib.compare.to_isomorphic(compiled.graph(graph))
        assert actual == expected, f"graph {graph} differs from tests/golden/fixture.nq"
    assert len(compiled) == len(golden) > 50


def test_build_nquads_written_directly_equal_rdflib_dataset_on_shipped_corpus() -> None:
    # The build writes N-Quads without rdflib's Dataset; the checks (SHACL, HermiT) still compile one.
    corpus = load_corpus()
    direct, via_rdflib = ox.Store(), ox.Store()
    direct.bulk_load(corpus_nquads(corpus), format=ox.RdfFormat.N_QUADS)
    via_rdflib.load(dataset_nquads(compile_corpus(corpus)), format=ox.RdfFormat.N_QUADS)
    assert set(direct) == set(via_rdflib)
    assert len(direct) == 20664
    # Document texts hold line breaks and quotation marks: the escapes must round-trip.
    texts = [q.object.value for q in direct.quads_for_pattern(None, ox.NamedNode(AG + "text"), None)]
    assert len(texts) == 2
    assert any("\n" in text and '"' in text for text in texts)


def test_build_fixture_evidence_offsets_point_at_quotes() -> None:
    corpus = load_corpus(FIXTURE)
    text = corpus.documents["excerpt"].text
    hosts = next(s for s in corpus.statements if s.local_id == "iran-hosts-taliban")
    assert text[hosts.evidence.start : hosts.evidence.end] == hosts.evidence.quote
    assert hosts.evidence.start == text.index("Iran had become a safe haven")


def test_build_wrong_quote_fails_with_file_and_line_and_keeps_old_store(fixture_sources: Path, tmp_path: Path) -> None:
    settings = Settings(store_path=str(tmp_path / "store"))
    kg = KnowledgeGraph(settings, sources=fixture_sources)
    before = kg.build().quads
    statements = fixture_sources / "statements" / "excerpt.yaml"
    broken = statements.read_text(encoding="utf-8").replace("a safe haven", "a safe heaven")
    statements.write_text(broken, encoding="utf-8")
    with pytest.raises(QuoteError) as info:
        KnowledgeGraph(settings, sources=fixture_sources).build()
    assert str(info.value).startswith(f"{statements}:4: quote not found verbatim in excerpt.txt")
    survivor = KnowledgeGraph(settings)
    assert survivor.store.count() == before
    iran, hosts, taliban = (
        f"https://w3id.org/actorgraph/{x}" for x in ("resource/iran", "ontology#hosts", "resource/taliban")
    )
    answer = survivor.query(f"ASK {{ <{iran}> <{hosts}> <{taliban}> }}")
    assert bool(answer) is True


def test_build_ambiguous_quote_is_an_error(fixture_sources: Path) -> None:
    statements = fixture_sources / "statements" / "excerpt.yaml"
    text = statements.read_text(encoding="utf-8").replace(
        'quote: "Notwithstanding their disputes with the US"', 'quote: "Iran"'
    )
    statements.write_text(text, encoding="utf-8")
    with pytest.raises(QuoteError, match=r"excerpt.yaml:16: quote is ambiguous: it occurs 2 times"):
        load_corpus(fixture_sources)


def test_build_unknown_predicate_names_line(fixture_sources: Path) -> None:
    statements = fixture_sources / "statements" / "excerpt.yaml"
    statements.write_text(
        statements.read_text(encoding="utf-8").replace("predicate: disputeWith", "predicate: feudsWith")
    )
    with pytest.raises(SourceError, match=r"excerpt.yaml:18: unknown predicate 'feudsWith'"):
        load_corpus(fixture_sources)


def test_build_yaml_syntax_error_names_line(fixture_sources: Path) -> None:
    statements = fixture_sources / "statements" / "excerpt.yaml"
    lines = statements.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5] + " ["
    statements.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SourceError, match=r"excerpt.yaml:\d+: YAML syntax"):
        load_corpus(fixture_sources)


def test_cli_build_error_is_one_line_and_exit_1(fixture_sources: Path, tmp_path: Path) -> None:
    statements = fixture_sources / "statements" / "excerpt.yaml"
    statements.write_text(statements.read_text(encoding="utf-8").replace("object: al-qaeda", "object: al-qaida"))
    result = CliRunner().invoke(cli, ["build", "--store", str(tmp_path / "s"), "--sources", str(fixture_sources)])
    assert result.exit_code == 1
    assert "excerpt.yaml:14: unknown entity 'al-qaida'" in result.output
    assert not (tmp_path / "s").exists()


def test_build_twice_is_idempotent(tmp_path: Path) -> None:
    settings = Settings(store_path=str(tmp_path / "store"))
    dumps = []
    for _ in range(2):
        kg = KnowledgeGraph(settings, sources=FIXTURE)
        kg.build()
        out = io.BytesIO()
        kg.export(out, "nquads")
        dumps.append(sorted(out.getvalue().splitlines()))
    assert dumps[0] == dumps[1]
    assert len(list((tmp_path / ".store-builds").iterdir())) == 2  # current + previous (a server may still read it)


def test_export_nquads_round_trips_through_rdflib(kg: KnowledgeGraph) -> None:
    out = io.BytesIO()
    kg.export(out, "nquads")
    parsed = rdflib.Dataset()
    parsed.parse(data=out.getvalue(), format="nquads")
    void = parsed.graph(rdflib.URIRef(VOID_GRAPH))
    assert len(parsed) - len(void) == kg.store.count() > 1000
    # The export carries the VoID description, with the Wikidata linkset counted from the links graph.
    wikidata = rdflib.URIRef("https://w3id.org/actorgraph/void/linkset/wikidata")
    triples = void.value(wikidata, rdflib.URIRef("http://rdfs.org/ns/void#triples"))
    linked = kg.select("SELECT (COUNT(*) AS ?n) WHERE { ?e <https://w3id.org/actorgraph/ontology#wikidataId> ?q }")
    assert int(triples) == int(linked[0]["n"]) >= 6


@pytest.mark.parametrize("fmt", ["trig", "turtle", "jsonld"])
def test_cli_export_formats_parse(fmt: str, tmp_path: Path) -> None:
    store = tmp_path / "store"
    runner = CliRunner()
    assert runner.invoke(cli, ["build", "--store", str(store), "--sources", str(FIXTURE)]).exit_code == 0
    out = tmp_path / f"dump.{fmt}"
    result = runner.invoke(cli, ["export", "--store", str(store), "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    rdflib_format = {"trig": "trig", "turtle": "turtle", "jsonld": "json-ld"}[fmt]
    parsed = rdflib.Dataset() if fmt == "trig" else rdflib.Graph()
    parsed.parse(out, format=rdflib_format)
    triples = parsed.quads((None, rdflib.RDFS.label, None, None)) if fmt == "trig" else parsed
    labels = {str(t[2]) for t in triples if t[1] == rdflib.RDFS.label and str(t[2]) == "Iran"}
    assert labels == {"Iran"}


def test_build_alias_that_is_another_entitys_label_is_refused(fixture_sources: Path) -> None:
    entities = fixture_sources / "entities" / "fixture.yaml"
    # An unquoted comma in a YAML flow list splits one alias into two: "the US, Iran" gives "Iran".
    text = entities.read_text(encoding="utf-8").replace("aliases: [US]", "aliases: [the US, Iran]")
    entities.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=r"fixture.yaml:\d+: alias 'Iran' of 'united-states' is the label of 'iran'"):
        load_corpus(fixture_sources)


def test_build_metonym_is_a_hidden_label(kg: KnowledgeGraph) -> None:
    rows = kg.select("SELECT ?e WHERE { ?e <http://www.w3.org/2004/02/skos/core#hiddenLabel> 'Tehran'@en }")
    assert rows == [{"e": "https://w3id.org/actorgraph/resource/iran"}]

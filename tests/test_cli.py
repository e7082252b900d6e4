"""The CLI commands of the core: docs, coverage, query formats, errors."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from actorgraph.graph.cli import cli

FIXTURE = Path(__file__).parent / "data" / "fixture"


def test_cli_docs_writes_ontology_html(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["docs", "-o", str(tmp_path / "docs")])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "docs" / "index.html").read_text(encoding="utf-8")
    assert "proxy actor" in html and "https://w3id.org/actorgraph/ontology#ProxyActor" in html


def test_cli_coverage_reports_uncovered_and_marked_sentences() -> None:
    result = CliRunner().invoke(cli, ["coverage", "--sources", str(FIXTURE), "--all"])
    assert result.exit_code == 0, result.output
    # The excerpt has three sentences: two carry statements, one ("They felt at ease...") none.
    assert (
        "excerpt: 66.7% of 3 sentences accounted for: 2 carry statements, 0 marked as no claim, 1 uncovered"
        in result.output
    )
    assert "They felt at ease as their allies were appointed" in result.output


def test_cli_query_json_and_malformed_query(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    runner = CliRunner()
    assert runner.invoke(cli, ["build", "--store", store, "--sources", str(FIXTURE)]).exit_code == 0
    sparql = (
        "SELECT ?o WHERE { <https://w3id.org/actorgraph/resource/iran> "
        "<https://w3id.org/actorgraph/ontology#hosts> ?o } ORDER BY ?o"
    )
    result = runner.invoke(cli, ["query", "--store", store, "--format", "json", sparql])
    assert result.exit_code == 0, result.output
    objects = [b["o"]["value"] for b in json.loads(result.output)["results"]["bindings"]]
    assert objects == ["https://w3id.org/actorgraph/resource/al-qaeda", "https://w3id.org/actorgraph/resource/taliban"]
    bad = runner.invoke(cli, ["query", "--store", store, "SELEC ?x WHERE {}"])
    assert bad.exit_code == 1
    assert bad.output.startswith("Error: ") and len(bad.output.strip().splitlines()) == 1


def test_cli_query_without_store_says_build_first(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["query", "--store", str(tmp_path / "none"), "ASK {}"])
    assert result.exit_code == 1
    assert "run 'actorgraph build' first" in result.output

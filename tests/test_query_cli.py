"""`actorgraph query --name NAME --param key=value` on a store built from the shipped sources."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from actorgraph.graph.cli import cli
from actorgraph.graph.named_queries import load_all

RES = "https://w3id.org/actorgraph/resource/"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The real graph, built once for this module into an on-disk store."""
    path = str(tmp_path_factory.mktemp("query-cli") / "store")
    result = CliRunner().invoke(cli, ["build", "--store", path])
    assert result.exit_code == 0, result.output
    return path


def query(store: str, *args: str) -> tuple[int, str]:
    # A wide terminal, so that rich does not wrap table cells.
    result = CliRunner().invoke(cli, ["query", "--store", store, *args], env={"COLUMNS": "400"})
    return result.exit_code, result.output


def json_rows(output: str) -> list[dict[str, str]]:
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(output)["results"]["bindings"]]


def test_query_cli_named_contested_facts_shows_mazar_eight_versus_ten(store: str) -> None:
    code, output = query(store, "--name", "contested_facts", "--format", "json")
    assert code == 0, output
    mazar = [r for r in json_rows(output) if r["subject"] == RES + "mazar-i-sharif-1998-killings"]
    assert len(mazar) == 1
    sides = {mazar[0]["documentA"]: mazar[0]["claimA"], mazar[0]["documentB"]: mazar[0]["claimB"]}
    assert sides == {"yousafzai-2024": "8 diplomats", "nabil-commentary": "10 diplomats"}


def test_query_cli_named_binds_iri_and_integer_params(store: str) -> None:
    code, output = query(
        store,
        "--name",
        "adversaries_at_year",
        "--param",
        f"actor={RES}taliban",
        "--param",
        "year=1995",
        "--format",
        "csv",
    )
    assert code == 0, output
    rows = list(csv.DictReader(io.StringIO(output)))
    assert rows and {r["year"] for r in rows} == {"1995"}
    # In 1995 the Taliban killed Hazara (the 1990s); Iran was hostile to them (the 1990s).
    adversaries = {r["adversary"] for r in rows}
    assert {RES + "hazara", RES + "iran"} <= adversaries
    assert RES + "iranian-diplomats" not in adversaries  # killed in 1998, not 1995


def test_query_cli_named_string_param_and_table_output(store: str) -> None:
    code, output = query(store, "--name", "entity_search", "--param", "text=Fatimid")
    assert code == 0, output
    assert "res:fatemiyoun-division" in output and "Fatimid Brigade" in output
    assert "row(s)" in output


def test_query_cli_named_defaults_apply(store: str) -> None:
    code, output = query(store, "--name", "actors_supported_by", "--format", "json")
    assert code == 0, output
    rows = json_rows(output)
    assert {r["sponsor"] for r in rows} == {RES + "iran"}
    assert RES + "northern-alliance" in {r["actor"] for r in rows}


def test_query_cli_rejects_a_badly_typed_param(store: str) -> None:
    code, output = query(store, "--name", "adversaries_at_year", "--param", "year=1998a")
    assert code == 1
    assert output.startswith("Error: ") and "year must be integer" in output


def test_query_cli_rejects_an_unknown_param_and_query(store: str) -> None:
    code, output = query(store, "--name", "dyad_timeline", "--param", "actor3=x")
    assert code == 1 and "unknown parameter(s) for dyad_timeline: actor3" in output
    code, output = query(store, "--name", "no_such_query")
    assert code == 1 and "no named query 'no_such_query'" in output


def test_query_cli_param_without_equals_is_a_usage_error(store: str) -> None:
    code, output = query(store, "--name", "events_by_year", "--param", "2024")
    assert code == 2
    assert "is not key=value" in output


def test_query_cli_list_names_every_query_with_its_parameters(store: str) -> None:
    result = CliRunner().invoke(cli, ["query", "--list"])
    assert result.exit_code == 0, result.output
    for name in load_all():
        assert name in result.output
    assert "year:integer=1998" in result.output


def test_query_cli_named_document_stats_from_the_store(store: str) -> None:
    code, before = query(store, "--name", "document_stats", "--format", "json")
    assert code == 0, before
    docs = {r["document"]: r for r in json_rows(before)}
    assert set(docs) == {"yousafzai-2024", "nabil-commentary"}
    assert docs["yousafzai-2024"]["footnotes"] == "21"


def test_query_cli_table_is_not_squeezed_when_output_is_not_a_terminal(store: str) -> None:
    """Piped output (no COLUMNS, not a terminal): each row on one line, every value whole, even with 11 columns."""
    result = CliRunner().invoke(cli, ["query", "--store", store, "--name", "attacks"], env={"COLUMNS": ""})
    assert result.exit_code == 0, result.output
    header = next(line for line in result.output.splitlines() if "eventLabel" in line)
    for column in ("event", "eventLabel", "perpetrators", "targets", "fatalities", "injuries", "evidence"):
        assert column in header
    assert "…" not in result.output  # nothing cut
    rows = int(result.output.strip().splitlines()[-1].split()[0])  # "N row(s)"
    assert rows > 0
    lines = [line for line in result.output.splitlines() if line.startswith("│")]
    assert len(lines) == rows  # one line per row: no cell wrapped onto a second line
    assert max(len(line) for line in lines) > 200  # the evidence quotes, whole


def test_query_cli_named_query_takes_an_entity_id(store: str) -> None:
    by_id = query(store, "--name", "actors_supported_by", "--param", "sponsor=iran", "--format", "json")
    by_iri = query(store, "--name", "actors_supported_by", "--param", f"sponsor={RES}iran", "--format", "json")
    assert by_id[0] == by_iri[0] == 0
    assert json.loads(by_id[1]) == json.loads(by_iri[1])
    assert json.loads(by_id[1])["results"]["bindings"]


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_query_cli_into_a_reader_that_stops_early_exits_quietly(store: str, fmt: str) -> None:
    """`actorgraph query … | head -1`: the reader goes after one line; the command exits 0 with nothing on stderr."""
    command = [sys.executable, "-m", "actorgraph.graph", "query", "--store", store, "--format", fmt,
               "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as writer:
        assert writer.stdout is not None and writer.stderr is not None
        first = writer.stdout.readline()
        writer.stdout.close()  # what head does after its line
        errors = writer.stderr.read().decode()
        assert (writer.wait(timeout=60), errors) == (0, "")
    assert first.startswith(b"s,p,o" if fmt == "csv" else "┏".encode())

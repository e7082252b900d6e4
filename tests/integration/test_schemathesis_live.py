"""Schemathesis against /openapi.json of a real server process: every documented operation, its checks.

The server runs with writes on (a token) over a private copy of the fixture store, so the Graph
Store and Update operations are exercised too. The run is seeded and bounded (--max-examples), so
its cost in CI is fixed (about 25 s); `make soak` runs it longer. Excluded, with the reason:
``positive_data_acceptance``: a schema cannot say what a valid SPARQL query, update or RDF
document is, so a schema-valid random string is rightly refused with 400 (documented).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from server_process import FIXTURE_SOURCES, LiveServer, build_store, start_server

pytestmark = pytest.mark.live

TOKEN = "schemathesis-token"
EXCLUDED_CHECKS = "positive_data_acceptance"
MAX_EXAMPLES = int(os.environ.get("ACTORGRAPH_SCHEMATHESIS_EXAMPLES", "15"))
SEED = 1313


@pytest.fixture(scope="module")
def writable_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server with writes on (one worker) over its own copy of the fixture store; stopped at the end."""
    folder = tmp_path_factory.mktemp("schemathesis")
    store = build_store(folder / "store", FIXTURE_SOURCES)
    server = start_server(["--store", str(store), "--timeout", "5", "--update-token", TOKEN], folder / "server.log")
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


def test_schemathesis_finds_nothing_against_the_description(writable_live: LiveServer, tmp_path: Path) -> None:
    st = Path(sys.executable).with_name("st")
    assert st.exists(), "schemathesis is a test dependency: pip install -e '.[test]'"
    command = [
        str(st), "run", writable_live.url + "/openapi.json",
        "--checks", "all", "--exclude-checks", EXCLUDED_CHECKS,
        "-H", f"Authorization: Bearer {TOKEN}",
        "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED), "--workers", "1",
        "--phases", "examples,coverage,fuzzing", "--no-color",
    ]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path, check=False)
    report = run.stdout + run.stderr
    generated = re.search(r"(\d+) generated", report)
    print(f"schemathesis: {generated.group(0) if generated else '?'} cases")  # the campaign's count, with -s
    assert run.returncode == 0, report[-6000:]
    assert generated is not None and int(generated.group(1)) > 500
    assert httpx.get(writable_live.url + "/health", timeout=5).status_code == 200  # still serving


@pytest.mark.parametrize("path", ["/resource/a%00b", "/resource/%E2%80%94", "/resource/document/%C3%A9%00"])
def test_odd_bytes_in_resource_paths_are_a_404_not_a_bare_500(writable_live: LiveServer, path: str) -> None:
    """The Link header is built from the path: it is percent-encoded, so the WSGI server accepts it."""
    response = httpx.get(writable_live.url + path, headers={"Accept": "text/turtle"}, timeout=10)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/plain")
    assert "%" in response.headers["link"]

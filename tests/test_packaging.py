"""An installed (non-editable) wheel finds its data files: ontology, documents, sources, queries."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

from actorgraph.graph.api import KnowledgeGraph

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import actorgraph, actorgraph.graph.sources as s, actorgraph.ontology as o, actorgraph.graph.named_queries as q
from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
corpus = s.load_corpus()
kg = KnowledgeGraph(Settings(store_path=":memory:"))
report = kg.build()
print(actorgraph.__file__)
print(len(corpus.documents), report.statements, len(o.ontology_text()) > 1000, len(q.load_all()))
"""


def test_packaging_installed_wheel_finds_its_data(tmp_path: Path, kg: KnowledgeGraph) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(ROOT)],
        check=True,
        cwd=tmp_path,
    )
    wheel = next(wheels.glob("actorgraph-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "--no-deps", "--quiet", str(wheel)], check=True)
    # Dependencies come from the test environment's site-packages; PYTHONPATH does not run its .pth
    # files, so the editable install of the checkout cannot shadow the wheel.
    env = {"PYTHONPATH": sysconfig.get_paths()["purelib"], "PATH": "/usr/bin:/bin"}
    done = subprocess.run([python, "-c", PROBE], capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stderr
    location, counts = done.stdout.strip().splitlines()[-2:]
    assert location.startswith(str(env_dir)), location
    documents, statements, has_ontology, named_queries = counts.split()
    # The installed wheel builds the same graph as the checkout, and ships every named query.
    in_checkout = kg.select("SELECT (COUNT(?s) AS ?n) WHERE { ?s a <https://w3id.org/actorgraph/ontology#Statement> }")
    assert documents == "2" and statements == in_checkout[0]["n"] and has_ontology == "True"
    assert int(named_queries) == len(list((ROOT / "queries").glob("*.rq")))
    script = subprocess.run([env_dir / "bin" / "actorgraph", "--help"], capture_output=True, text=True, env=env)
    assert "build" in script.stdout and "serve" in script.stdout

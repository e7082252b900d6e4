"""The review pages (/review) with Flask's test client: every write path, login, CSRF, conflicts, bad input."""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path

import pytest
import yaml
from curation_support import (
    ACCEPT,
    CLASHED,
    CORRECT,
    DOC,
    NEW_ENTITY,
    NEW_QUOTE,
    NOTE,
    REJECT,
    TOKEN,
    curation_graph,
    snapshot,
)
from flask.testing import FlaskClient

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.errors import StoreError
from actorgraph.server import create_app
from actorgraph.server.web.review import CSRF_COOKIE, JOB_KEPT_SECONDS, SESSION_COOKIE, Job, forget_finished_jobs

PAGE = f"/review/{DOC}"


@pytest.fixture
def kg(tmp_path: Path) -> KnowledgeGraph:
    return curation_graph(tmp_path, curation_token=TOKEN)


def new_client(kg: KnowledgeGraph) -> FlaskClient:
    return create_app(kg=kg).test_client()


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no hidden field {name}"
    return found.group(1)


def login(client: FlaskClient, name: str = "Ana", token: str = TOKEN) -> int:
    page = client.get("/review/login")
    response = client.post("/review/login", data={"csrf": hidden(page.text, "csrf"), "name": name, "token": token})
    return response.status_code


@pytest.fixture
def analyst(kg: KnowledgeGraph) -> FlaskClient:
    client = new_client(kg)
    assert login(client) == 302
    return client


def post(client: FlaskClient, data: dict[str, str], page: str | None = None) -> tuple[int, str]:
    """Post one form of the document page, with the page's CSRF token and version."""
    html = page if page is not None else client.get(PAGE).text
    form = {"csrf": hidden(html, "csrf"), "version": hidden(html, "version"), **data}
    response = client.post(PAGE, data=form)
    return response.status_code, response.text


def sources(kg: KnowledgeGraph) -> Path:
    return kg.settings.sources_dir


def entries(kg: KnowledgeGraph) -> dict[str, dict[str, object]]:
    raw = yaml.safe_load((sources(kg) / "statements" / f"{DOC}.yaml").read_text(encoding="utf-8"))
    return {s["id"]: s for s in raw["statements"]}


def message(html: str) -> str:
    found = re.search(r'id="message"[^>]*>([^<]*)<', html)
    assert found, "no message on the page"
    return found.group(1)


# ---------------------------------------------------------------------------- who may write


def test_review_login_sets_a_signed_httponly_samesite_cookie(kg: KnowledgeGraph) -> None:
    client = new_client(kg)
    page = client.get("/review/login")
    assert CSRF_COOKIE in page.headers["Set-Cookie"] and "HttpOnly" in page.headers["Set-Cookie"]
    response = client.post("/review/login", data={"csrf": hidden(page.text, "csrf"), "name": "Ana", "token": TOKEN})
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(SESSION_COOKIE + "=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Logged in as <b>Ana</b>" in client.get("/review").text


def test_review_login_with_a_wrong_token_is_refused(kg: KnowledgeGraph) -> None:
    client = new_client(kg)
    assert login(client, token="guess") == 401
    assert "accept-form" not in client.get(PAGE).text


def test_review_forged_session_cookie_is_not_a_login(kg: KnowledgeGraph) -> None:
    client = new_client(kg)
    client.set_cookie(SESSION_COOKIE, "eyJuYW1lIjoiRXZlIn0.forged.signature")
    assert "Logged in as" not in client.get(PAGE).text


def test_review_update_token_also_logs_in(tmp_path: Path) -> None:
    kg = curation_graph(tmp_path, update_token="the-update-token")
    assert login(new_client(kg), token="the-update-token") == 302


def test_review_off_without_a_token_shows_pages_without_controls(tmp_path: Path) -> None:
    kg = curation_graph(tmp_path)
    client = new_client(kg)
    page = client.get(PAGE)
    assert page.status_code == 200 and "Ruritania" in page.text
    assert "accept-form" not in page.text and 'name="csrf"' not in page.text
    assert "curation is off" in page.text
    before = snapshot(sources(kg))
    response = client.post(PAGE, data={"action": "accept", "target": ACCEPT})
    assert response.status_code == 403 and "curation is off" in response.text
    assert client.post("/review/login", data={"name": "Ana", "token": ""}).status_code == 403
    assert snapshot(sources(kg)) == before


def test_review_visitor_sees_the_page_without_controls(kg: KnowledgeGraph) -> None:
    page = new_client(kg).get(PAGE)
    assert page.status_code == 200
    assert ACCEPT in page.text and "Log in to curate" in page.text
    assert "accept-form" not in page.text and "new-form" not in page.text and "undo-form" not in page.text


def test_review_write_without_login_is_refused(kg: KnowledgeGraph) -> None:
    client = new_client(kg)
    before = snapshot(sources(kg))
    csrf = hidden(client.get("/review/login").text, "csrf")  # a valid CSRF pair, but no session
    version = kg.review_state(DOC).version
    response = client.post(PAGE, data={"csrf": csrf, "version": version, "action": "accept", "target": ACCEPT})
    assert response.status_code == 403 and "log in" in response.text
    assert snapshot(sources(kg)) == before


@pytest.mark.parametrize("csrf", ["", "0" * 64])
def test_review_write_without_the_csrf_token_is_refused(analyst: FlaskClient, kg: KnowledgeGraph, csrf: str) -> None:
    before = snapshot(sources(kg))
    version = hidden(analyst.get(PAGE).text, "version")
    response = analyst.post(PAGE, data={"csrf": csrf, "version": version, "action": "accept", "target": ACCEPT})
    assert response.status_code == 403 and "security token" in response.text
    assert snapshot(sources(kg)) == before


def test_review_csrf_token_of_another_browser_is_refused(analyst: FlaskClient, kg: KnowledgeGraph) -> None:
    other = new_client(kg)
    foreign = hidden(other.get("/review/login").text, "csrf")
    version = hidden(analyst.get(PAGE).text, "version")
    response = analyst.post(PAGE, data={"csrf": foreign, "version": version, "action": "accept", "target": ACCEPT})
    assert response.status_code == 403


# ---------------------------------------------------------------------------- every write path


def test_review_list_counts_open_candidates(analyst: FlaskClient) -> None:
    page = analyst.get("/review").text
    assert re.search(rf'href="/review/{DOC}">Frontier notes</a>.*?<td class="count-open">3</td>', page, re.S)


def test_review_accept(analyst: FlaskClient, kg: KnowledgeGraph) -> None:
    response = analyst.post(PAGE, data={"csrf": hidden(analyst.get(PAGE).text, "csrf"),
                                        "version": hidden(analyst.get(PAGE).text, "version"),
                                        "action": "accept", "target": ACCEPT})  # fmt: skip
    assert response.status_code == 302 and response.location.startswith(PAGE)
    assert entries(kg)[ACCEPT]["reviewed_by"] == "Ana" and "candidate" not in entries(kg)[ACCEPT]
    page = analyst.get(response.location).text
    assert "accept: ruritania funds red-hand-front" in page
    statement = analyst.get(f"/resource/statement/{DOC}/{ACCEPT}").text
    assert re.search(r'id="reviewed-by">Ana <span class="muted">\(\d{4}-\d\d-\d\dT[\d:]+Z\)', statement)
    assert "In 2019 Ruritania reportedly funded the Red Hand Front in the east." in statement


def test_review_correct(analyst: FlaskClient, kg: KnowledgeGraph) -> None:
    fields = {"action": "correct", "target": CORRECT, "subject": "general-tarkov", "predicate": "memberOf",
              "object": "red-hand-front", "start": "2015", "certainty": "reported", "at": "", "end": ""}  # fmt: skip
    status, _ = post(analyst, fields)
    assert status == 302
    entry = entries(kg)[CORRECT]
    assert (entry["predicate"], entry["start"], entry["certainty"]) == ("memberOf", 2015, "reported")


def test_review_reject(analyst: FlaskClient, kg: KnowledgeGraph) -> None:
    status, _ = post(analyst, {"action": "reject", "target": REJECT, "reason": "one post, not the state"})
    assert status == 302 and REJECT not in entries(kg)
    assert "one post, not the state" in analyst.get(PAGE).text  # in the history


def test_review_add_from_a_selection(analyst: FlaskClient, kg: KnowledgeGraph) -> None:
    start = NOTE.read_text(encoding="utf-8").index(NEW_QUOTE)
    fields = {"action": "add", "quote": NEW_QUOTE, "quote_start": str(start), "subject": "ruritania",
              "predicate": "hostileTo", "object": "borduria", "at": "2022", "certainty": "stated"}  # fmt: skip
    status, _ = post(analyst, fields)
    assert status == 302
    assert entries(kg)["r-ruritania-hostileTo-borduria"]["quote"] == NEW_QUOTE


def test_review_accept_and_merge_new_entities(analyst: FlaskClient, kg: KnowledgeGraph) -> None:
    status, _ = post(analyst, {"action": "merge_entity", "target": NEW_ENTITY, "into": "borduria"})
    assert status == 302
    assert "Zembla Province" in (sources(kg) / "entities" / "fixture.yaml").read_text(encoding="utf-8")
    status, _ = post(analyst, {"action": "undo"})
    assert status == 302
    fields = {"action": "accept_entity", "target": NEW_ENTITY, "id": "zembla", "type": "Province", "label": "Zembla"}
    status, _ = post(analyst, fields)
    assert status == 302
    registry = yaml.safe_load((sources(kg) / "entities" / f"{DOC}.yaml").read_text(encoding="utf-8"))
    assert registry == [{"id": "zembla", "type": "Province", "label": "Zembla", "aliases": ["Zembla Province"]}]
    assert "Zembla Province" not in (sources(kg) / "entities" / "fixture.yaml").read_text(encoding="utf-8")


def test_review_undo_and_history(analyst: FlaskClient, kg: KnowledgeGraph) -> None:
    before = snapshot(sources(kg))["statements/frontier-notes.yaml"]
    post(analyst, {"action": "accept", "target": ACCEPT})
    status, _ = post(analyst, {"action": "undo"})
    assert status == 302
    assert snapshot(sources(kg))["statements/frontier-notes.yaml"] == before
    history = analyst.get(PAGE).text.split('id="history"')[1]
    assert re.search(r"<b>undo</b> undid accept of c001.*?by Ana", history, re.S)
    assert re.search(r'class="undone"><b>accept</b>', history)


def test_review_upload_pasted_text_runs_the_ingest_and_opens_the_review_page(tmp_path: Path) -> None:
    kg = curation_graph(tmp_path, ingest=False, curation_token=TOKEN)
    client = new_client(kg)
    assert login(client) == 302
    page = client.get("/review/upload").text
    form = {"csrf": hidden(page, "csrf"), "title": "Frontier notes", "author": "A. Analyst", "date": "May 2024",
            "text": NOTE.read_text(encoding="utf-8")}  # fmt: skip
    response = client.post("/review/upload", data=form)
    assert response.status_code == 302 and "/review/upload/" in response.location
    for _ in range(200):
        status = client.get(response.location)
        if status.status_code == 302:
            break
        assert 'http-equiv="refresh"' in status.text
        time.sleep(0.1)
    assert status.location == PAGE
    assert [c.local_id for c in kg.review_state(DOC).candidates] == [ACCEPT, CORRECT, REJECT, CLASHED]
    assert kg.review_state(DOC).document.date == "2024-05"
    # The graph was rebuilt from the sources: the candidates are in the candidates graph.
    found = kg.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/actorgraph/graph/candidates> "
                      "{ ?s a <https://w3id.org/actorgraph/ontology#CandidateStatement> } }")  # fmt: skip
    assert found == [{"n": "4"}]


def test_review_upload_a_markdown_file(tmp_path: Path) -> None:
    kg = curation_graph(tmp_path, ingest=False, curation_token=TOKEN)
    client = new_client(kg)
    login(client)
    page = client.get("/review/upload").text
    markdown = "# Frontier notes\n\n" + NOTE.read_text(encoding="utf-8").split("\n", 2)[2]
    data = {"csrf": hidden(page, "csrf"), "title": "Frontier notes", "file": (io.BytesIO(markdown.encode()), "n.md")}
    response = client.post("/review/upload", data=data, content_type="multipart/form-data")
    for _ in range(200):
        status = client.get(response.location)
        if status.status_code == 302:
            break
        time.sleep(0.1)
    assert status.location == PAGE
    state = kg.review_state(DOC)
    assert state.document.file == f"{DOC}.txt" and "# " not in state.document.text
    assert [c.local_id for c in state.candidates] == [ACCEPT, CORRECT, REJECT, CLASHED]


def test_review_upload_refuses_an_unknown_file_type(analyst: FlaskClient) -> None:
    page = analyst.get("/review/upload").text
    data = {"csrf": hidden(page, "csrf"), "title": "x", "file": (NOTE.open("rb"), "note.exe")}
    response = analyst.post("/review/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and "Markdown, HTML or PDF" in message(response.text)


# ---------------------------------------------------------------------------- two analysts, bad input


def test_review_second_analyst_is_told_and_shown_the_new_state(kg: KnowledgeGraph) -> None:
    ana, ben = new_client(kg), new_client(kg)
    login(ana, "Ana")
    login(ben, "Ben")
    bens_page = ben.get(PAGE).text
    assert post(ana, {"action": "accept", "target": ACCEPT})[0] == 302
    before = snapshot(sources(kg))
    status, text = post(ben, {"action": "reject", "target": ACCEPT, "reason": "no"}, page=bens_page)
    assert status == 409
    assert "changed by someone else" in message(text)
    # The page he gets back is the current one: Ana's accept is in it, the candidate is gone.
    assert f'id="cand-{ACCEPT}"' not in text and f'id="rev-{ACCEPT}"' in text
    assert snapshot(sources(kg)) == before


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {
                "action": "add",
                "quote": "Ruritania and Borduria fought",
                "subject": "ruritania",
                "predicate": "hostileTo",
                "object": "borduria",
            },
            "not verbatim",
        ),
        ({"action": "correct", "target": CORRECT, "object": "atlantis"}, "unknown entity &#39;atlantis&#39;"),
        ({"action": "correct", "target": CORRECT, "predicate": "adores"}, "unknown relation &#39;adores&#39;"),
        ({"action": "correct", "target": CORRECT, "at": "next spring"}, "is not a year"),
        (
            {
                "action": "accept_entity",
                "target": NEW_ENTITY,
                "id": "zembla",
                "type": "Province",
                "aliases": "Borduria",
            },
            "The sources would not load with this change",
        ),
    ],
)
def test_review_bad_input_gets_a_message_and_changes_nothing(
    analyst: FlaskClient, kg: KnowledgeGraph, fields: dict[str, str], expected: str
) -> None:
    before = snapshot(sources(kg))
    status, text = post(analyst, fields)
    assert status == 400
    assert expected in re.search(r'id="message"[^>]*>(.*?)</p>', text, re.S).group(1)  # type: ignore[union-attr]
    assert snapshot(sources(kg)) == before


def test_review_ten_megabyte_form_gets_a_message_and_changes_nothing(analyst: FlaskClient, kg: KnowledgeGraph) -> None:
    before = snapshot(sources(kg))
    status, text = post(analyst, {"action": "add", "quote": "x" * (10 * 1024 * 1024), "subject": "ruritania"})
    assert status == 413
    assert "too large" in message(text)
    assert snapshot(sources(kg)) == before


def test_review_labels_and_text_are_escaped_and_scripts_limited_to_ours(tmp_path: Path) -> None:
    kg = curation_graph(tmp_path, curation_token=TOKEN)
    registry = sources(kg) / "entities" / "fixture.yaml"
    registry.write_text(
        registry.read_text(encoding="utf-8").replace("label: Borduria", "label: <script>alert(1)</script>")
    )
    client = new_client(kg)
    login(client)
    page = client.get(PAGE)
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    scripts = re.findall(r"<script[^>]*>", page.text)
    assert scripts == ['<script type="module" src="/static/review.js">']


def test_review_failed_rebuild_gets_a_message_and_leaves_the_sources(
    analyst: FlaskClient, kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(sources(kg))

    def broken(*_args: object, **_kwargs: object) -> None:
        raise StoreError("disk full while building the store")

    monkeypatch.setattr(kg, "build", broken)
    status, text = post(analyst, {"action": "accept", "target": ACCEPT})
    assert status == 400 and "disk full while building the store" in message(text)
    assert snapshot(sources(kg)) == before


def test_review_on_disk_store_is_rebuilt_and_served_without_a_restart(tmp_path: Path) -> None:
    memory = curation_graph(tmp_path / "a")  # the sources, ingested
    settings = memory.settings.with_(store_path=str(tmp_path / "store"), curation_token=TOKEN)
    kg = KnowledgeGraph(settings)
    kg.build(sources=settings.sources_dir)
    client = new_client(kg)
    assert client.get(f"/resource/statement/{DOC}/{ACCEPT}").status_code == 404  # a candidate: not shown
    login(client)
    assert post(client, {"action": "accept", "target": ACCEPT})[0] == 302
    page = client.get(f"/resource/statement/{DOC}/{ACCEPT}")
    assert page.status_code == 200 and 'id="reviewed-by">Ana' in page.text


def test_review_logout_needs_the_csrf_token_and_ends_the_session(analyst: FlaskClient) -> None:
    assert analyst.post("/review/logout", data={"csrf": "forged"}).status_code == 403
    assert "Logged in as" in analyst.get("/review").text
    response = analyst.post("/review/logout", data={"csrf": hidden(analyst.get("/review").text, "csrf")})
    assert response.status_code == 302
    assert "Logged in as" not in analyst.get("/review").text


def test_review_unknown_document_is_404(analyst: FlaskClient) -> None:
    response = analyst.get("/review/no-such-document")
    assert response.status_code == 404 and "no document &#39;no-such-document&#39; to review" in response.text


def test_finished_upload_status_files_are_forgotten_after_a_day_running_ones_kept(tmp_path: Path) -> None:
    old_done = Job("a" * 32, "Old note", tmp_path, finished=True, document="old-note")
    old_running = Job("b" * 32, "Long PDF", tmp_path, done=3, total=10)
    fresh_done = Job("c" * 32, "New note", tmp_path, finished=True, document="new-note")
    for job in (old_done, old_running, fresh_done):
        job.save()
    two_days_ago = time.time() - 2 * 86_400
    for job in (old_done, old_running):
        os.utime(job.path, (two_days_ago, two_days_ago))
    assert forget_finished_jobs(tmp_path, older_than=JOB_KEPT_SECONDS) == ["a" * 32]
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{'b' * 32}.json", f"{'c' * 32}.json"]

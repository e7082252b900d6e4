"""Curating in a real headless browser (Debian's chromium driven by Selenium and chromedriver).

A live server over a temporary sources folder (the fictional actors of tests/data/ingest/sources,
never graph/data): log in, upload a short invented note, accept a candidate with the keyboard,
correct one, reject one, add one by selecting its passage in the text, accept a new entity; then
the YAML files, SPARQL answers and the statement page. Needs /usr/bin/chromium and
/usr/bin/chromedriver (`make system-deps`); fails, never skips, when they are missing.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml
from browser_support import served
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
)
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.server import create_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    """An in-memory graph over a temporary sources folder with nothing ingested yet."""
    return curation_graph(tmp_path_factory.mktemp("review"), ingest=False, curation_token=TOKEN)


@pytest.fixture(scope="module")
def live_server(graph: KnowledgeGraph) -> Iterator[str]:
    """The app served by werkzeug on a free port of 127.0.0.1, in a thread."""
    with served(create_app(kg=graph)) as url:
        yield url


def wait(browser: WebDriver, css: str, timeout: float = 30) -> WebElement:
    found: WebElement = WebDriverWait(browser, timeout).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))
    return found


# Chromium's way of saying the page changed between finding a node and reading it (seen in CI, chrome 156).
PAGE_CHANGED = "does not belong to the document"


def text_of(browser: WebDriver, element_id: str) -> str | None:
    """The element's text on the page now showing; None while it is missing or the page is being replaced."""
    try:
        return browser.find_element(By.ID, element_id).text
    except (StaleElementReferenceException, NoSuchElementException):
        return None
    except WebDriverException as exc:
        if PAGE_CHANGED in (exc.msg or ""):
            return None
        raise


def expect_done(browser: WebDriver, expected: str) -> None:
    """Wait for the page after the change to confirm it (the old page may still be showing)."""
    try:
        WebDriverWait(browser, 30).until(lambda b: text_of(b, "done") == expected)
    except TimeoutException as exc:
        shown = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#done, #message")]
        raise AssertionError(f"the page did not confirm {expected!r}; it shows {shown}") from exc


def card(browser: WebDriver, local_id: str) -> WebElement:
    return browser.find_element(By.ID, f"cand-{local_id}")


def statements(graph: KnowledgeGraph) -> dict[str, dict[str, object]]:
    raw = yaml.safe_load((graph.settings.sources_dir / "statements" / f"{DOC}.yaml").read_text(encoding="utf-8"))
    return {s["id"]: s for s in raw["statements"]}


def test_browser_review_from_upload_to_reviewed_statements(
    live_server: str, browser: WebDriver, graph: KnowledgeGraph
) -> None:
    # Log in.
    browser.get(live_server + "/review")
    browser.find_element(By.ID, "login-link").click()
    wait(browser, "#login-name").send_keys("Ana Analyst")
    browser.find_element(By.ID, "login-token").send_keys(TOKEN)
    browser.find_element(By.ID, "login-submit").click()
    assert "Ana Analyst" in wait(browser, "#who").text

    # Upload a short document (pasted), follow the progress page to its review page.
    browser.get(live_server + "/review/upload")
    wait(browser, "#up-title").send_keys("Frontier notes")
    browser.find_element(By.ID, "up-author").send_keys("A. Analyst")
    browser.find_element(By.ID, "up-date").send_keys("2024-05")
    browser.find_element(By.ID, "up-text").send_keys(NOTE.read_text(encoding="utf-8"))
    browser.find_element(By.ID, "up-submit").click()
    WebDriverWait(browser, 60).until(ec.url_contains(f"/review/{DOC}"))
    # Three from the cue table; the parse extractor also reads "Ruritania and Borduria clashed" (CLASHED).
    assert wait(browser, "#open-count").text == "4"
    highlighted = browser.find_elements(By.CSS_SELECTOR, "#doctext .cand")
    assert "In 2019 Ruritania reportedly funded the Red Hand Front in the east." in "".join(e.text for e in highlighted)
    assert browser.find_elements(By.CSS_SELECTOR, "#doctext .mention")

    # Accept the first candidate with the keyboard: the page focuses it, "a" accepts it.
    WebDriverWait(browser, 30).until(lambda b: "current" in (card(b, ACCEPT).get_attribute("class") or ""))
    browser.find_element(By.TAG_NAME, "body").send_keys("a")
    expect_done(browser, "accept: ruritania funds red-hand-front")

    # Correct the second: Tarkov is a member, from 2015.
    correct = card(browser, CORRECT)
    correct.find_element(By.CSS_SELECTOR, "details.correct summary").click()
    Select(correct.find_element(By.CSS_SELECTOR, "select.cor-predicate")).select_by_value("memberOf")
    correct.find_element(By.CSS_SELECTOR, "input.cor-start").send_keys("2015")
    correct.find_element(By.CSS_SELECTOR, "form.correct-form button[type=submit]").click()
    expect_done(browser, "correct: general-tarkov memberOf red-hand-front")

    # Reject the third, the one left: the page focuses it, "r" focuses its reason.
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys("r")
    reason = browser.switch_to.active_element
    assert reason.get_attribute("class") == "reason"
    reason.send_keys("one post, not the front")
    card(browser, REJECT).find_element(By.CSS_SELECTOR, "form.reject-form button").click()
    expect_done(browser, "reject: red-hand-front attacks borduria")

    # Add one by selecting its passage in the text.
    browser.execute_script(
        """// Select the quote as a person dragging over it would: it spans several highlighted elements.
           const text = document.getElementById('doctext');
           const at = text.textContent.indexOf(arguments[0]), end = at + arguments[0].length;
           const range = document.createRange();
           const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
           let node, seen = 0;
           while ((node = walker.nextNode())) {
             const next = seen + node.data.length;
             if (seen <= at && at < next) range.setStart(node, at - seen);
             if (seen < end && end <= next) range.setEnd(node, end - seen);
             seen = next;
           }
           const selection = window.getSelection(); selection.removeAllRanges(); selection.addRange(range);
           text.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));""",
        NEW_QUOTE,
    )
    assert browser.find_element(By.ID, "new-quote").get_attribute("value") == NEW_QUOTE
    start = NOTE.read_text(encoding="utf-8").index(NEW_QUOTE)
    assert browser.find_element(By.ID, "new-start").get_attribute("value") == str(start)
    form = browser.find_element(By.ID, "new-form")
    form.find_element(By.CSS_SELECTOR, "input.new-subject").send_keys("ruritania")
    Select(form.find_element(By.CSS_SELECTOR, "select.new-predicate")).select_by_value("hostileTo")
    form.find_element(By.CSS_SELECTOR, "input.new-object").send_keys("borduria")
    form.find_element(By.CSS_SELECTOR, "input.new-at").send_keys("2022")
    browser.find_element(By.ID, "new-submit").click()
    expect_done(browser, "add: ruritania hostileTo borduria")

    # The extractor's proposal of the same clash is a duplicate of the statement added by hand: rejected.
    clashed = card(browser, CLASHED)
    clashed.find_element(By.CSS_SELECTOR, ".reason").send_keys("added by hand")
    clashed.find_element(By.CSS_SELECTOR, "form.reject-form button").click()
    expect_done(browser, "reject: ruritania hostileTo borduria")

    # Accept the new entity into the registry.
    entity = browser.find_element(By.CSS_SELECTOR, f'article.entity-card[data-name="{NEW_ENTITY}"]')
    identifier = entity.find_element(By.CSS_SELECTOR, "input.ent-id")
    identifier.clear()
    identifier.send_keys("zembla-province")
    Select(entity.find_element(By.CSS_SELECTOR, "select.ent-type")).select_by_value("Province")
    entity.find_element(By.CSS_SELECTOR, "form.entity-accept button").click()
    expect_done(browser, "accept entity: zembla-province (Province) 'Zembla Province'")
    assert browser.find_element(By.ID, "open-count").text == "0"

    # The YAML files say what the analyst did.
    entries = statements(graph)
    assert entries[ACCEPT]["reviewed_by"] == "Ana Analyst" and "candidate" not in entries[ACCEPT]
    assert (entries[CORRECT]["predicate"], entries[CORRECT]["start"]) == ("memberOf", 2015)
    assert REJECT not in entries
    added = entries["r-ruritania-hostileTo-borduria"]
    assert (added["quote"], added["at"], added["reviewed_by"]) == (NEW_QUOTE, 2022, "Ana Analyst")
    side = yaml.safe_load((graph.settings.sources_dir / "candidates" / f"{DOC}.yaml").read_text(encoding="utf-8"))
    assert [(r["id"], r["reason"]) for r in side["rejected"]] == [
        (REJECT, "one post, not the front"),
        (CLASHED, "added by hand"),
    ]
    registry = yaml.safe_load((graph.settings.sources_dir / "entities" / f"{DOC}.yaml").read_text(encoding="utf-8"))
    assert registry == [{"id": "zembla-province", "type": "Province", "label": "Zembla Province"}]

    # SPARQL over the rebuilt graph the server is serving.
    found = graph.select(
        """PREFIX ag: <https://w3id.org/actorgraph/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?s ?p ?o ?who WHERE { ?st a ag:Statement ; ag:subject ?s ; ag:relation ?p ; ag:object ?o ;
            prov:wasDerivedFrom ?ann . ?ann prov:wasAttributedTo/rdfs:label ?who } ORDER BY ?p"""
    )
    short = [(r["s"].rsplit("/", 1)[-1], r["p"].rsplit("#", 1)[-1], r["o"].rsplit("/", 1)[-1], r["who"]) for r in found]
    assert short == [
        ("ruritania", "funds", "red-hand-front", "Ana Analyst"),
        ("ruritania", "hostileTo", "borduria", "Ana Analyst"),
        ("general-tarkov", "memberOf", "red-hand-front", "Ana Analyst"),
    ]
    label = graph.select(
        "SELECT ?l WHERE { <https://w3id.org/actorgraph/resource/zembla-province> "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    )
    assert label == [{"l": "Zembla Province"}]

    # The statement's page: its evidence and its reviewer.
    browser.find_element(By.CSS_SELECTOR, "#rev-r-ruritania-hostileTo-borduria a").click()
    WebDriverWait(browser, 30).until(
        ec.url_contains("/resource/statement/frontier-notes/r-ruritania-hostileTo-borduria")
    )
    assert wait(browser, "#evidence mark").text == NEW_QUOTE
    assert wait(browser, "#reviewed-by").text.startswith("Ana Analyst (20")

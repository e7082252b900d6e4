"""The query page in a real headless browser (Debian's chromium driven by Selenium and chromedriver).

A live server on a free localhost port; the test types a query, runs it, and reads the rows the
page drew from /sparql. Needs /usr/bin/chromium and /usr/bin/chromedriver (`make system-deps`).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import served
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.server import create_app

pytestmark = pytest.mark.browser

# No prefixes: the page declares the missing ones before running.
MAZAR_VICTIMS = """SELECT ?victim ?quantity ?document WHERE {
  ?s ag:subject res:mazar-i-sharif-1998-killings ; ag:relation ag:victim ;
     ag:object ?victim ; ag:quantity ?quantity ; ag:statementOf ?document .
} ORDER BY ?quantity"""


@pytest.fixture(scope="module")
def live_server(kg: KnowledgeGraph) -> Iterator[str]:
    """The app served by werkzeug on a free port of 127.0.0.1, in a thread."""
    with served(create_app(kg=kg)) as url:
        yield url


def result_rows(browser: WebDriver) -> list[list[str]]:
    WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#results-table tbody tr")))
    # One script call, not a WebDriver round trip per cell; a cell's value is its first child's text.
    rows: list[list[str]] = browser.execute_script(
        """return [...document.querySelectorAll('#results-table tbody tr')].map(tr =>
             [...tr.cells].map(td => td.firstElementChild ? td.firstElementChild.textContent : ''))"""
    )
    return rows


def test_browser_typed_query_shows_mazar_victims(live_server: str, browser: WebDriver) -> None:
    browser.get(live_server + "/")
    editor = browser.find_element(By.ID, "query")
    editor.clear()
    editor.send_keys(MAZAR_VICTIMS)
    browser.find_element(By.ID, "run").click()
    rows = result_rows(browser)
    # The two documents disagree: eight diplomats (Yousafzai) and ten plus a journalist (Nabil).
    victims = {(victim, quantity) for victim, quantity, _ in rows}
    assert ("res:iranian-diplomats", "8") in victims
    assert ("res:iranian-diplomats", "10") in victims
    assert ("res:iranian-journalist", "1") in victims
    headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#results-table th")]
    assert headers == ["?victim", "?quantity", "?document"]
    assert "3 results" in browser.find_element(By.ID, "status").text
    # The missing PREFIX lines were added, and the URL became the permalink of the query.
    assert editor.get_attribute("value").startswith("PREFIX ")
    assert "/?query=PREFIX" in browser.current_url
    assert "format=csv" in browser.find_element(By.ID, "download-csv").get_attribute("href")
    # A result IRI opens the entity's own page.
    browser.find_element(By.LINK_TEXT, "res:iranian-diplomats").click()
    WebDriverWait(browser, 30).until(ec.url_contains("/resource/iranian-diplomats"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Iranian diplomats"


def test_browser_permalink_reruns_the_query(live_server: str, browser: WebDriver) -> None:
    browser.get(live_server + "/")
    browser.find_element(By.CSS_SELECTOR, 'button.example[data-name=""]').click()
    rows = result_rows(browser)
    assert ["ag:hostileTo", "res:taliban"] in [row[:2] for row in rows]
    permalink = browser.find_element(By.ID, "permalink").get_attribute("href")
    browser.get(permalink)
    assert ["ag:hostileTo", "res:taliban"] in [row[:2] for row in result_rows(browser)]


def test_browser_malformed_query_shows_parser_error_and_position(live_server: str, browser: WebDriver) -> None:
    browser.get(live_server + "/")
    editor = browser.find_element(By.ID, "query")
    editor.clear()
    editor.send_keys("SELECT ?x WHERE {\n  ?x ?y\n}")
    browser.find_element(By.ID, "run").click()
    status = browser.find_element(By.ID, "status")
    WebDriverWait(browser, 30).until(lambda _: "error" in (status.get_attribute("class") or ""))
    assert status.text.startswith("Error 400: Invalid SPARQL: error at 3:")
    # The editor selects the line the parser names: line 3, "}".
    selected = browser.execute_script(
        "const e = document.getElementById('query'); return e.value.slice(e.selectionStart, e.selectionEnd)"
    )
    assert selected == "}"

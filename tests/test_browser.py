"""End to end in a real headless Chromium against the real `cancerkg serve`: every kind of page
loads, sends no request to any host but the server, fits 1280 px, and is saved as a screenshot
in test-artifacts/ (looked at by a person before a change to the pages is called done).

Chromium resolves every other host to nothing (--host-resolver-rules) and its performance log
(CDP Network events) lists every request a page made, so a page that would call a CDN, Google
Fonts, prefix.cc or Linked Open Vocabularies fails here instead of leaking who reads what.

Skips loudly when Chromium, its driver or Selenium is missing; CANCERKG_REQUIRE_BROWSER=1 (CI)
turns that skip into a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from cancerkg.testing import free_port, stop_process, wait_until_up
from support import skip_or_fail

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
WIDTH = 1280
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    f"--window-size={WIDTH},1600",
    # Every host but the server's resolves to nothing: a third-party request cannot succeed,
    # and the performance log below still shows that it was attempted.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
)
WAIT = 30  # seconds an element may take to appear; a limit, not a timing assertion
INVALID = (
    "@prefix ckg: <https://w3id.org/cancerkg/ontology#> .\n"
    "<https://w3id.org/cancerkg/id/network/browser-test> a ckg:Network .\n"
)
COUNTRY = "http://publications.europa.eu/resource/authority/country/"
# A server whose wheel was built without the browser assets and that cannot reach the npm
# registry: the bundled folder points at an empty one, the registry at a closed loopback port.
WITHOUT_ASSETS = (
    "import pathlib, sys\n"
    "import cancerkg.web.browser_assets as assets\n"
    "assets.PACKAGED = pathlib.Path(sys.argv[1])\n"
    "from cancerkg.cli import main\n"
    "sys.argv = ['cancerkg', *sys.argv[2:]]\n"
    "main()\n"
)


BARE_LOG: list[Path] = []


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        skip_or_fail("browser", "selenium is not installed (pip install '.[test]')")
    if not Path(CHROMIUM).is_file() or not Path(CHROMEDRIVER).is_file():
        skip_or_fail("browser", "chromium/chromedriver missing (.ci/install-browser.sh)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    ARTIFACTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def site(serve: Callable[..., str]) -> str:
    return serve()


@pytest.fixture(scope="module")
def bare_site(store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real `cancerkg serve`, installed without browser assets and offline; its log is
    BARE_LOG[0]."""
    folder = tmp_path_factory.mktemp("no-assets")
    (folder / "bundled").mkdir()
    port = free_port()
    env = {
        **os.environ,
        "CANCERKG_ASSETS": str(folder / "cache"),
        "CANCERKG_NPM_REGISTRY": f"http://127.0.0.1:{free_port()}",
    }
    args = ["serve", "--port", str(port), "--store", str(store_dir)]
    BARE_LOG[:] = [folder / "serve.log"]
    with BARE_LOG[0].open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", WITHOUT_ASSETS, str(folder / "bundled"), *args],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/health", process)
        yield url
    finally:
        stop_process(process)


def wait_for(driver: Any, css: str) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css))
    )


def wait_until(driver: Any, condition: Callable[[Any], Any]) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(condition)


def requests_made(driver: Any) -> list[str]:
    """Every URL the pages asked for since the last call (Network.requestWillBeSent), less
    those the page's own Content-Security-Policy stopped before they left the browser."""
    asked: dict[str, str] = {}
    blocked = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message["method"] == "Network.requestWillBeSent":
            asked[params["requestId"]] = params["request"]["url"]
        elif message["method"] == "Network.loadingFailed" and params.get("blockedReason") == "csp":
            blocked.add(params["requestId"])
    return [url for request, url in asked.items() if request not in blocked]


def check_page(driver: Any, site: str, name: str) -> None:
    """The checks every page kind gets: only our own host was asked for anything, nothing is
    wider than the window, and a screenshot of it is kept."""
    own = urlsplit(site).netloc
    foreign = [
        url
        for url in requests_made(driver)
        if urlsplit(url).scheme not in ("data", "blob", "about") and urlsplit(url).netloc != own
    ]
    assert not foreign, f"{name} sent requests to other hosts: {foreign}"
    overflow = driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name} is {overflow}px wider than a {WIDTH}px window"
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def test_home(browser: Any, site: str) -> None:
    browser.get(site + "/")
    counts = wait_for(browser, "#counts")
    assert "triples" in counts.text
    assert "Named queries" in browser.page_source
    check_page(browser, site, "home")


@pytest.mark.parametrize(
    ("name", "path", "expected"),
    [
        ("browse", "/browse", "Browse"),
        (
            "browse-class",
            "/browse?class=" + quote("https://w3id.org/cancerkg/ontology#Network"),
            "",
        ),
        ("organisation", "/id/organisation/gustave-roussy", "Gustave Roussy"),
        ("domain", "/id/domain/noe-survivorship", ""),
        ("country", "/resource?iri=" + quote(COUNTRY + "FRA", safe=""), "France"),
        ("completeness", "/completeness", "EURACAN"),
        ("gallery", "/queries", "Members of a network"),
        ("dumps", "/dumps/", ".sha256"),
        ("ontology", "/ontology", "Network"),
        ("dataset", "/dataset", "cancerkg"),
        ("not-found", "/id/network/no-such-network", "Not found"),
        ("releases", "/releases", "Releases"),
        ("search", "/search?q=gustav+rousy", "Gustave Roussy"),
        ("inbox-sign-in", "/inbox", "Your token"),
    ],
)
def test_page_kind(browser: Any, site: str, name: str, path: str, expected: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(site + path)
    wait_for(browser, "main")
    assert expected in browser.find_element(By.TAG_NAME, "body").text
    check_page(browser, site, name)


def test_network_page_shows_members_and_map(browser: Any, site: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(site + "/id/network/euracan")
    wait_for(browser, "#members")
    rows = browser.find_elements(By.CSS_SELECTOR, "#members table tbody tr")
    assert len(rows) > 5
    assert "Centre Léon Bérard" in browser.find_element(By.ID, "members").text
    tiles = browser.find_elements(By.CSS_SELECTOR, "svg.coverage-map g.tile")
    assert len(tiles) == 31
    check_page(browser, site, "network-euracan")


def test_named_query_shows_rows(browser: Any, site: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(site + "/queries/network-members")
    field = wait_for(browser, "input[name=network]")
    field.clear()
    field.send_keys("euracan")
    browser.find_element(By.ID, "run").click()
    wait_for(browser, "#results")
    rows = browser.find_elements(By.CSS_SELECTOR, "#results table tbody tr")
    assert len(rows) > 5
    assert browser.find_element(By.CSS_SELECTOR, "#results a.csv").get_attribute("href")
    check_page(browser, site, "named-query")


def test_validation_page_shows_the_error(browser: Any, site: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    submission = tmp_path / "invalid.ttl"
    submission.write_text(INVALID, encoding="utf-8")
    browser.get(site + "/validate")  # the README's address: a browser lands on the form
    assert urlsplit(browser.current_url).path == "/validation"
    wait_for(browser, "#upload").send_keys(str(submission))
    browser.find_element(By.ID, "validate").click()
    report = wait_for(browser, "#report")
    assert "Does not conform" in report.text
    assert "rdfs:label" in report.text
    check_page(browser, site, "validation")


@pytest.mark.parametrize(
    ("name", "path", "ready"),
    [("docs", "/docs", ".opblock"), ("redoc", "/redoc", "[data-section-id]")],
)
def test_api_docs_render_from_this_host(
    browser: Any, site: str, name: str, path: str, ready: str
) -> None:
    browser.get(site + path)
    wait_for(browser, ready)
    assert "/sparql" in browser.page_source
    check_page(browser, site, name)


def select_view(browser: Any, view: str) -> None:
    from selenium.webdriver.common.by import By

    browser.find_element(By.CSS_SELECTOR, f".yasr button.select_{view}").click()


def test_sparql_editor_runs_the_example_with_labels_chart_and_map(browser: Any, site: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(site + "/sparql")  # the README's address: a browser lands on the editor
    assert urlsplit(browser.current_url).path == "/editor"
    wait_for(browser, ".yasqe")
    wait_until(browser, lambda d: d.execute_script("return !!window.cancerkgYasgui"))
    query = browser.execute_script("return window.cancerkgYasgui.getTab().getQuery()")
    assert "PREFIX ckg:" in query and "<https://w3id.org/cancerkg/ontology#>" in query
    browser.execute_script("window.cancerkgYasgui.getTab().getYasqe().query()")
    table = wait_for(browser, ".yasr .result-table")
    wait_until(browser, lambda d: "Italy" in table.text)
    assert COUNTRY not in table.text, "an IRI is shown bare instead of by its label"
    check_page(browser, site, "editor-table")

    select_view(browser, "chart")
    bars = wait_until(
        browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr svg.result-chart g.bar")
    )
    assert "Italy" in bars[0].text and "14" in bars[0].text
    check_page(browser, site, "editor-chart")

    select_view(browser, "map")
    wait_until(
        browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".yasr svg.coverage-map g.tile"))
    )
    italy = browser.find_element(By.CSS_SELECTOR, ".yasr g.tile[data-country=ITA]")
    assert italy.get_attribute("data-count") == "14"
    check_page(browser, site, "editor-map")


def test_sparql_editor_completes_from_our_vocabulary(browser: Any, site: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(site + "/editor")
    wait_until(browser, lambda d: d.execute_script("return !!window.cancerkgYasgui"))
    browser.execute_script(
        "const yasqe = window.cancerkgYasgui.getTab().getYasqe();"
        "yasqe.setValue('PREFIX ckg: <https://w3id.org/cancerkg/ontology#>\\n"
        "SELECT * WHERE { ?x a ckg:Netw');"
        "yasqe.focus(); yasqe.setCursor(yasqe.lineCount(), 0);"
        "yasqe.setCursor({line: 1, ch: 31}); yasqe.autocomplete();"
    )
    hints = wait_until(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".CodeMirror-hints li"))
    offered = [hint.text for hint in hints]
    assert "ckg:Network" in offered, offered
    browser.execute_script(
        "const yasqe = window.cancerkgYasgui.getTab().getYasqe();"
        "yasqe.setValue('PREFIX sk'); yasqe.setCursor({line: 0, ch: 9}); yasqe.autocomplete();"
    )
    hints = wait_until(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".CodeMirror-hints li"))
    assert any("skos: <http://www.w3.org/2004/02/skos/core#>" in h.text for h in hints)
    check_page(browser, site, "editor-completion")


def test_editor_without_yasgui_says_so_and_still_runs_queries(browser: Any, bare_site: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(bare_site + "/editor")
    notice = wait_for(browser, "#editor-missing")
    assert "cancerkg assets" in notice.text
    browser.find_element(By.ID, "run").click()
    wait_until(browser, lambda d: "Italy" in d.find_element(By.ID, "plain-results").text)
    check_page(browser, bare_site, "editor-offline")
    browser.get(bare_site + "/docs")
    assert "/openapi.json" in wait_for(browser, "main").text
    check_page(browser, bare_site, "docs-offline")
    log = BARE_LOG[0].read_text()
    assert "plain query form" in log and "cancerkg assets" in log, log


@pytest.mark.parametrize(
    ("kind", "query", "expected"),
    [
        (
            "construct",
            "CONSTRUCT { ?n <http://www.w3.org/2000/01/rdf-schema#label> ?l } WHERE { "
            "BIND(<https://w3id.org/cancerkg/id/network/euracan> AS ?n) "
            "?n <http://www.w3.org/2000/01/rdf-schema#label> ?l }",
            "ERN EURACAN",
        ),
        ("ask", "ASK { ?s ?p ?o }", "True"),
    ],
)
def test_sparql_editor_shows_graphs_and_booleans(
    browser: Any, site: str, kind: str, query: str, expected: str
) -> None:
    from selenium.webdriver.common.by import By

    browser.get(site + "/editor")
    wait_until(browser, lambda d: d.execute_script("return !!window.cancerkgYasgui"))
    browser.execute_script(
        "const tab = window.cancerkgYasgui.getTab();"
        "tab.setQuery(arguments[0]); tab.getYasqe().query();",
        query,
    )
    wait_until(browser, lambda d: expected in d.find_element(By.CSS_SELECTOR, ".yasr").text)
    check_page(browser, site, f"editor-{kind}")


def test_validation_page_lists_a_spreadsheets_problems(
    browser: Any, site: str, tmp_path: Path
) -> None:
    from openpyxl import Workbook
    from selenium.webdriver.common.by import By

    book = Workbook()
    sheet = book.active
    sheet.title = "memberships"
    sheet.append(["institution", "network", "role", "start", "end", "source"])
    sheet.append(["gustave-roussy", "euracan", "chief", "2025-13-01", "", "https://euracan.eu/"])
    submission = tmp_path / "members.xlsx"
    book.save(submission)
    browser.get(site + "/validation")
    wait_for(browser, "#upload").send_keys(str(submission))
    browser.find_element(By.ID, "validate").click()
    report = wait_for(browser, "#report")
    assert "does not conform" in report.text
    cells = [row.text for row in report.find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert any("role" in row and "chief" in row for row in cells)
    assert any("start" in row and "2025-13-01" in row for row in cells)
    check_page(browser, site, "validation-spreadsheet")


def test_a_steward_sends_a_submission_from_the_inbox_page(
    browser: Any, site: str, store_dir: Path
) -> None:
    from selenium.webdriver.common.by import By

    from cancerkg.submissions.tokens import create_token

    token, _ = create_token(
        store_dir, "Browser steward", "steward", ("https://w3id.org/cancerkg/id/network/euracan",)
    )
    browser.get(site + "/inbox")
    wait_for(browser, "#token").send_keys(token)
    browser.find_element(By.CSS_SELECTOR, "#sign-in button").click()
    wait_for(browser, "#signed-in")
    check_page(browser, site, "inbox")
    turtle = (REPO / "tests" / "submissions" / "valid.ttl").read_text(encoding="utf-8")
    browser.find_element(By.ID, "submission").send_keys(turtle)
    browser.find_element(By.ID, "send").click()
    wait_for(browser, "#submission-facts")
    assert "/submissions/" in browser.current_url

    def validated(driver: Any) -> bool:
        if driver.find_element(By.ID, "status").text.startswith(("received", "validating")):
            driver.refresh()
            return False
        return True

    wait_until(browser, validated)
    assert browser.find_element(By.ID, "status").text == "valid"
    changes = browser.find_element(By.ID, "changes").text
    assert "joins ERN EURACAN" in changes
    check_page(browser, site, "submission")

"""End to end in a real headless Chromium against the real `cancerkg serve`: the home page, a
network's members, a named query's rows, a rejected submission on the validation page and a
query run in the YASGUI editor. Each page is saved as a screenshot in test-artifacts/.

Skips loudly when Chromium, its driver or Selenium is missing; CANCERKG_REQUIRE_BROWSER=1 (CI)
turns that skip into a failure.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from support import skip_or_fail

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,1600",
)
WAIT = 30  # seconds an element may take to appear; a limit, not a timing assertion
INVALID = (
    "@prefix ckg: <https://w3id.org/cancerkg/ontology#> .\n"
    "<https://w3id.org/cancerkg/id/network/browser-test> a ckg:Network .\n"
)


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
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    ARTIFACTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def site(serve: Callable[..., str]) -> str:
    return serve()


def wait_for(driver: Any, css: str) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css))
    )


def shoot(driver: Any, name: str) -> None:
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def test_home(browser: Any, site: str) -> None:
    browser.get(site + "/")
    counts = wait_for(browser, "#counts")
    assert "triples" in counts.text
    assert "Named queries" in browser.page_source
    shoot(browser, "home")


def test_network_page_shows_members_and_map(browser: Any, site: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(site + "/id/network/euracan")
    wait_for(browser, "#members")
    rows = browser.find_elements(By.CSS_SELECTOR, "#members table tbody tr")
    assert len(rows) > 5
    assert "Centre Léon Bérard" in browser.find_element(By.ID, "members").text
    tiles = browser.find_elements(By.CSS_SELECTOR, "svg.coverage-map g.tile")
    assert len(tiles) == 31
    shoot(browser, "network-euracan")


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
    shoot(browser, "named-query")


def test_validation_page_shows_the_error(browser: Any, site: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    submission = tmp_path / "invalid.ttl"
    submission.write_text(INVALID, encoding="utf-8")
    browser.get(site + "/validation")
    wait_for(browser, "#upload").send_keys(str(submission))
    browser.find_element(By.ID, "validate").click()
    report = wait_for(browser, "#report")
    assert "Does not conform" in report.text
    assert "rdfs:label" in report.text
    shoot(browser, "validation")


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
    shoot(browser, "validation-spreadsheet")


def test_sparql_editor_runs_a_query(browser: Any, site: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(site + "/editor")
    if browser.find_elements(By.ID, "editor-missing"):
        skip_or_fail("browser", "YASGUI is not installed (scripts/fetch-yasgui.sh)")
    wait_for(browser, ".yasqe")
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script("return !!window.cancerkgYasgui"))
    browser.execute_script(
        "const tab = window.cancerkgYasgui.getTab();"
        "tab.setQuery('SELECT ?label WHERE { <https://w3id.org/cancerkg/id/network/euracan> "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label }');"
        "tab.getYasqe().query();"
    )
    WebDriverWait(browser, WAIT).until(
        lambda d: "ERN EURACAN" in d.find_element(By.CSS_SELECTOR, ".yasr").text
    )
    shoot(browser, "sparql-editor")

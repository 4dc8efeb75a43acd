"""How complete the map is (issue: completeness shown): the build stores listed and reported
member counts, and the API, the entity pages, the completeness page and `cancerkg stats` show
them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cancerkg.graph.completeness import completeness
from cancerkg.settings import Settings
from cancerkg.store.oxigraph import OxigraphStore
from cancerkg.store.protocol import select
from cancerkg.web.app import create_app

BROWSER = {"Accept": "text/html"}
EURACAN = "https://w3id.org/cancerkg/id/network/euracan"


@pytest.fixture(scope="module")
def client(store_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(replace(Settings(store_dir), workers=1))) as test_client:
        yield test_client


def test_every_figure_equals_a_live_count(oxigraph_store: OxigraphStore) -> None:
    figures = completeness(oxigraph_store)
    assert len(figures) >= 10
    for figure in figures:
        live = select(
            oxigraph_store,
            "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE "
            f"{{ <{figure.iri}> <http://www.w3.org/ns/org#hasMember> ?m }}",
        ).value()
        assert live is not None and int(live.value) == figure.listed, figure.iri
        assert figure.reported > 0 and figure.date and figure.unit


def test_the_latest_member_count_is_the_reported_one(oxigraph_store: OxigraphStore) -> None:
    """EURACAN's dated counts run 66 (2017) ... 106 (2024); associated partners never count."""
    euracan = completeness(oxigraph_store, EURACAN)[0]
    latest = select(
        oxigraph_store,
        "PREFIX ckg: <https://w3id.org/cancerkg/ontology#> SELECT ?count WHERE { "
        f"?o ckg:observedEntity <{EURACAN}> ; ckg:count ?count ; ckg:observationDate ?date ; "
        'ckg:countedUnit "healthcare providers" } ORDER BY DESC(STR(?date)) LIMIT 1',
    ).value()
    assert latest is not None and euracan.reported == int(latest.value)
    assert euracan.listed < euracan.reported


def test_the_api_the_pages_and_stats_show_it(
    client: TestClient, cli: object, store_dir: Path
) -> None:
    coverage = client.get("/api/coverage", params={"network": "euracan"}).json()
    figure = coverage["completeness"]
    assert figure["iri"] == EURACAN and 0 < figure["share"] < 1
    sentence = f"{figure['listed']} of {figure['reported']}</strong> reported members listed"
    assert sentence in client.get("/id/network/euracan", headers=BROWSER).text
    page = client.get("/completeness", headers=BROWSER)
    assert page.status_code == 200 and "/id/network/euracan" in page.text
    assert "none listed" in client.get("/id/network/euracan", headers=BROWSER).text
    home = client.get("/", headers=BROWSER).text
    assert "with a ROR id" in home and "/completeness" in home
    run = cli("stats", "--store", str(store_dir))  # type: ignore[operator]
    assert run.returncode == 0
    printed = " ".join(run.stdout.split())  # rich wraps lines at the terminal's width
    assert "healthcare providers with ROR" in printed
    assert "reported members listed" in printed

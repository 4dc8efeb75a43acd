"""The web pages: home with live counts, entity pages with memberships, provenance, schema.org
JSON-LD and the coverage map, the query gallery, the editor and the validation form; and every
literal HTML-escaped."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from fastapi.testclient import TestClient

from cancerkg.graph.coverage import europe_tiles, render_svg, shade
from cancerkg.settings import Settings
from cancerkg.store.memory import MemoryStore
from cancerkg.web.app import create_app

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
EVIL = "<script>alert('x')</script> & Co"
NET = "https://w3id.org/cancerkg/id/network/"
ORGN = "https://w3id.org/cancerkg/id/organisation/"
COUNTRY = "http://publications.europa.eu/resource/authority/country/"


@pytest.fixture(scope="module")
def client(store_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(replace(Settings(store_dir), workers=1))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def evil_client(store_dir: Path) -> Iterator[TestClient]:
    """The service over a small graph whose labels and sources try to inject markup."""
    store = MemoryStore()
    turtle = f"""
    @prefix ckg: <https://w3id.org/cancerkg/ontology#> .
    @prefix org: <http://www.w3.org/ns/org#> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    @prefix dcterms: <http://purl.org/dc/terms/> .
    <{NET}evil> a ckg:Network, ckg:EuropeanReferenceNetwork ; rdfs:label {json.dumps(EVIL)}@en ;
        ckg:acronym "</script><b>bold</b>" ;
        dcterms:source <https://example.org/a?b=<c>> .
    <{ORGN}x> a ckg:Institution ; rdfs:label "<img src=x onerror=alert(1)>"@en ;
        ckg:country <{COUNTRY}ITA> .
    <https://w3id.org/cancerkg/id/membership/evil--x> a org:Membership ;
        org:member <{ORGN}x> ; org:organization <{NET}evil> .
    <{ORGN}x> org:memberOf <{NET}evil> .
    """.replace("<https://example.org/a?b=<c>>", "<https://example.org/a?b=%3Cc%3E>")
    quads = [
        ox.Quad(
            t.subject,
            t.predicate,
            t.object,
            ox.NamedNode("https://w3id.org/cancerkg/graph/data/evil"),
        )
        for t in ox.parse(turtle.encode(), ox.RdfFormat.TURTLE)
    ]
    store.load(quads)
    app = create_app(replace(Settings(store_dir), workers=1), store=store)
    with TestClient(app) as test_client:
        yield test_client


def test_home_shows_live_counts_and_ways_in(client: TestClient) -> None:
    page = client.get("/", headers=BROWSER)
    assert page.status_code == 200
    for way in ('href="/browse"', 'href="/queries"', 'href="/editor"', 'href="/validation"'):
        assert way in page.text
    counts = re.findall(r"<strong>([\d,]+)</strong> triples", page.text)
    assert counts and int(counts[0].replace(",", "")) > 1000


def test_network_page_members_map_provenance_and_json_ld(client: TestClient) -> None:
    page = client.get("/id/network/euracan", headers=BROWSER).text
    assert "Centre Léon Bérard" in page
    assert 'id="members"' in page and 'id="provenance"' in page
    svg = re.search(r"<svg.*?</svg>", page, re.S)
    assert svg is not None
    tiles = re.findall(r'data-country="([A-Z]{3})" data-count="(\d+)"', svg.group(0))
    assert len(tiles) == 31
    assert any(count == "0" for _, count in tiles) and any(count != "0" for _, count in tiles)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert block is not None
    graph = rdflib.Graph().parse(data=block.group(1), format="json-ld")
    assert (None, rdflib.URIRef("https://schema.org/name"), None) in graph


def test_domain_page_has_a_map(client: TestClient) -> None:
    page = client.get("/id/domain/noe-complex-cancers", headers=BROWSER).text
    assert 'class="coverage-map"' in page


def test_organisation_page_lists_its_memberships(client: TestClient) -> None:
    page = client.get("/id/organisation/centre-leon-berard", headers=BROWSER).text
    assert 'id="member-of"' in page and "EURACAN" in page


def test_browse_lists_entities_of_a_class(client: TestClient) -> None:
    klass = "https://w3id.org/cancerkg/ontology#CancerReferenceNetwork"
    page = client.get("/browse", params={"class": klass}, headers=BROWSER).text
    assert "/id/network/euracan" in page


def test_query_gallery_form_table_and_csv(client: TestClient) -> None:
    gallery = client.get("/queries", headers=BROWSER).text
    assert 'href="/queries/network-members"' in gallery
    form = client.get("/queries/network-members", headers=BROWSER).text
    assert 'name="network"' in form
    results = client.get(
        "/queries/network-members", params={"run": "1", "network": "euracan"}, headers=BROWSER
    ).text
    assert 'id="results"' in results and results.count("<tr>") > 5
    csv = client.get("/queries/network-members/results.csv", params={"network": "euracan"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("member,")
    bad = client.get(
        "/queries/network-members", params={"run": "1", "network": "no-such-net"}, headers=BROWSER
    )
    assert 'id="error"' in bad.text


def test_editor_page_works_with_or_without_yasgui(client: TestClient) -> None:
    page = client.get("/editor", headers=BROWSER).text
    assert "editor-config" in page and "https://w3id.org/cancerkg/ontology#Network" in page
    assert ("/static/vendor/yasgui/yasgui.min.js" in page) or ("cancerkg assets" in page)


def test_editor_map_draws_the_entity_pages_map(client: TestClient) -> None:
    svg = client.get("/editor/map.svg", params={"counts": "ITA:14,FRA:4", "unit": "members"})
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert 'data-country="ITA" data-count="14"' in svg.text
    bad = client.get("/editor/map.svg", params={"counts": "<script>:1"})
    assert bad.status_code == 400 and "ISO3:number" in bad.json()["detail"] + bad.json()["error"]


def test_only_pinned_asset_files_are_served(client: TestClient) -> None:
    for path in (
        "/static/vendor/yasgui/..%2F..%2Fapp.py",
        "/static/vendor/none/x.js",
        "/static/vendor/yasgui/.integrity",
    ):
        assert client.get(path).status_code == 404, path


def test_validation_page_reports_errors(client: TestClient) -> None:
    broken = client.post("/validation", data={"text": "this is not turtle <<"}, headers=BROWSER)
    assert broken.status_code == 400 and 'class="error"' in broken.text
    invalid = (
        "@prefix ckg: <https://w3id.org/cancerkg/ontology#> .\n"
        "<https://w3id.org/cancerkg/id/network/new-net> a ckg:Network .\n"
    )
    report = client.post(
        "/validation", files={"file": ("net.ttl", invalid.encode())}, headers=BROWSER
    )
    assert report.status_code == 200
    assert "Does not conform" in report.text
    assert "net:new-net" in report.text and "rdfs:label" in report.text


def test_labels_are_escaped_everywhere(evil_client: TestClient) -> None:
    page = evil_client.get("/id/network/evil", headers=BROWSER).text
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<img src=x" not in page and "&lt;img src=x" in page
    assert "<b>bold</b>" not in page
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert block is not None and "</" not in block.group(1)
    assert EVIL in json.dumps(json.loads(block.group(1)), ensure_ascii=False)
    member = evil_client.get("/id/organisation/x", headers=BROWSER).text
    assert "&lt;img src=x onerror=alert(1)&gt;" in member


def test_coverage_map_draws_all_countries_with_zero_visible() -> None:
    tiles = europe_tiles()
    assert len(tiles) == 31 and len({t.iso3 for t in tiles}) == 31
    assert len({(t.column, t.row) for t in tiles}) == 31
    svg = render_svg({COUNTRY + "ITA": 10, COUNTRY + "FRA": 1}, title="<b>t</b>")
    parsed = ET.fromstring(svg)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    groups = parsed.findall("svg:g[@class='tile']", ns)
    assert len(groups) == 31
    counts = {g.get("data-country"): g.get("data-count") for g in groups}
    assert counts["ITA"] == "10" and counts["FRA"] == "1" and counts["MLT"] == "0"
    assert parsed.find("svg:title", ns).text == "<b>t</b>"  # type: ignore[union-attr]
    assert shade(0, 10) != shade(1, 10) != shade(10, 10)


def test_validate_sends_a_browser_to_the_form_and_tells_a_program_to_post(
    client: TestClient,
) -> None:
    page = client.get("/validate", headers=BROWSER, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/validation"
    program = client.get("/validate", headers={"Accept": "application/json"})
    assert program.status_code == 405 and "/validation" in program.text

"""Pages of named queries: limit and offset over HTTP (Link: rel=next) and on the CLI; the
pages put together are exactly the whole answer, in its order."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cancerkg.errors import ParameterError
from cancerkg.named_queries.paging import Page, page_query
from cancerkg.settings import Settings
from cancerkg.testing import run_cli
from cancerkg.web.app import create_app


def test_a_page_is_cut_inside_the_query_s_own_limit() -> None:
    assert page_query("SELECT * { ?s ?p ?o }", Page(10, 20)).split()[-4:] == [
        "LIMIT",
        "10",
        "OFFSET",
        "20",
    ]
    capped = page_query("SELECT * { ?s ?p ?o } ORDER BY ?s\nLIMIT 200", Page(50, 190))
    assert capped.split()[-4:] == ["LIMIT", "10", "OFFSET", "190"]
    beyond = page_query("SELECT * { ?s ?p ?o } LIMIT 200 OFFSET 5", Page(50, 300))
    assert beyond.split()[-4:] == ["LIMIT", "0", "OFFSET", "305"]
    inner = "SELECT * { { SELECT ?s { ?s ?p ?o } LIMIT 3 } ?s ?q ?r }"
    assert page_query(inner, Page(2)).endswith("LIMIT 2\nOFFSET 0\n")


@pytest.mark.parametrize(("limit", "offset"), [("0", None), ("x", None), ("5", "-1")])
def test_bad_pages_are_the_client_s_error(limit: str, offset: str | None) -> None:
    with pytest.raises(ParameterError):
        Page.parse(limit, offset, 10_000)


@pytest.fixture(scope="module")
def client(store_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store_dir, "oxigraph"))) as running:
        yield running


def test_pages_put_together_are_the_whole_answer(client: TestClient) -> None:
    path = "/api/queries/institutions-by-country"
    whole = client.get(path, params={"country": "FR"}).json()["rows"]
    assert len(whole) > 7
    pages, url = [], f"{path}?country=FR&limit=7"
    while url:
        answer = client.get(url)
        assert answer.status_code == 200
        body = answer.json()
        pages += body["rows"]
        assert len(body["rows"]) <= 7 and body["limit"] == 7
        url = answer.links.get("next", {}).get("url")
        assert url == body["next"]
    assert pages == whole


def test_a_page_in_csv_carries_its_link_too(client: TestClient) -> None:
    answer = client.get(
        "/api/queries/institutions-by-country",
        params={"country": "FR", "limit": 3, "offset": 3, "format": "csv"},
    )
    assert answer.status_code == 200
    assert len(answer.text.strip().splitlines()) == 4  # header + 3 rows
    assert "offset=6" in answer.headers["link"]


def test_a_bad_limit_is_refused_with_400(client: TestClient) -> None:
    answer = client.get(
        "/api/queries/institutions-by-country", params={"country": "FR", "limit": 0}
    )
    assert answer.status_code in (400, 422)
    assert "limit" in answer.text


def test_the_cli_pages_the_same_way(store_dir: Path) -> None:
    def rows(*extra: str) -> list[dict[str, object]]:
        done = run_cli(
            "query",
            "institutions-by-country",
            "--param",
            "country=FR",
            "--format",
            "json",
            "--store",
            str(store_dir),
            *extra,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)["results"]["bindings"]

    whole = rows()
    assert rows("--limit", "3", "--offset", "3") == whole[3:6]

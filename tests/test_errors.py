"""One error shape everywhere (cancerkg.web.errors): JSON {"error", "detail"} with the status, or
the HTML error page for a browser; FastAPI's own 404, 405 and 422 included."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cancerkg.settings import Settings
from cancerkg.web.app import create_app

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module")
def client(store_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(replace(Settings(store_dir), workers=1))) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("method", "path", "params", "status", "kind"),
    [
        ("GET", "/queries/no-such-query", {}, 404, "not found"),  # our NotFoundError
        ("GET", "/dumps/nope", {}, 404, "not found"),
        ("GET", "/no/such/route", {}, 404, "not found"),  # FastAPI's own 404
        ("DELETE", "/health", {}, 405, "method not allowed"),  # FastAPI's own 405
        ("GET", "/api/paths", {"from": "a", "to": "b", "max": "many"}, 422, "bad input"),
        ("GET", "/sparql", {"query": "SELECT nonsense"}, 400, "query syntax error"),
    ],
)
def test_json_for_programs_html_for_browsers(
    client: TestClient, method: str, path: str, params: dict[str, str], status: int, kind: str
) -> None:
    program = client.request(method, path, params=params)
    assert program.status_code == status
    assert program.headers["content-type"].startswith("application/json")
    body = program.json()
    assert body["error"] == kind and isinstance(body["detail"], str) and body["detail"]
    browser = client.request(method, path, params=params, headers=BROWSER)
    assert browser.status_code == status
    assert browser.headers["content-type"].startswith("text/html")
    assert body["detail"].split(":")[0][:20] in browser.text or kind in browser.text.lower()


def test_the_422_detail_names_the_parameter(client: TestClient) -> None:
    body = client.get("/api/paths", params={"from": "a", "to": "b", "max": "many"}).json()
    assert "max" in body["detail"] and "[" not in body["detail"]


def test_a_406_says_it_varies_by_accept(client: TestClient) -> None:
    refused = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "image/png"})
    assert refused.status_code == 406
    assert "accept" in refused.headers["vary"].lower()

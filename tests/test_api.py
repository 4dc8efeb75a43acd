"""The REST shell: /api/queries (one OpenAPI operation per named query) and the relationship
endpoints, through a real HTTP client on the real graph."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cancerkg.named_queries.catalog import catalogue
from cancerkg.settings import Settings
from cancerkg.web.app import create_app

ID = "https://w3id.org/cancerkg/id/"


@pytest.fixture(scope="module")
def client(store_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store_dir, "oxigraph"))) as test_client:
        yield test_client


def test_catalogue_lists_every_query_with_parameters(client: TestClient) -> None:
    listed = {q["name"]: q for q in client.get("/api/queries").json()["queries"]}
    assert set(listed) == set(catalogue())
    members = listed["network-members"]
    assert members["title"] == "Members of a network"
    assert {p["name"] for p in members["parameters"]} == {
        "network",
        "country",
        "include_past",
        "include_low",
    }


def test_each_query_is_its_own_openapi_operation(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for name, query in catalogue().items():
        operation = spec["paths"][f"/api/queries/{name}"]["get"]
        assert operation["summary"] == query.title
        documented = {p["name"] for p in operation.get("parameters", [])}
        assert {p.name for p in query.parameters} | {"format", "limit", "offset"} == documented


def test_query_as_json(client: TestClient) -> None:
    answer = client.get(
        "/api/queries/network-members", params={"network": "euracan", "country": "POL"}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert [r["member"] for r in body["rows"]] == [f"{ID}organisation/nio-pib"]
    assert body["rows"][0]["lowConfidence"] is False


@pytest.mark.parametrize(
    ("how", "media"),
    [({"format": "csv"}, "text/csv"), ({"format": "tsv"}, "text/tab-separated-values")],
)
def test_query_as_csv_and_tsv(client: TestClient, how: dict[str, str], media: str) -> None:
    answer = client.get("/api/queries/coverage-gaps-network", params={"network": "ithaca", **how})
    assert answer.headers["content-type"].startswith(media)
    assert "Liechtenstein" in answer.text


def test_accept_header_selects_csv(client: TestClient) -> None:
    answer = client.get(
        "/api/queries/coverage-gaps-network",
        params={"network": "ithaca"},
        headers={"Accept": "text/csv"},
    )
    assert answer.headers["content-type"].startswith("text/csv")


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("text/csv;q=0", "application/json"),  # q=0: "anything but CSV"
        ("text/csv;q=0.2, text/tab-separated-values", "text/tab-separated-values"),
        ("application/json, text/csv;q=0.5", "application/json"),
        ("*/*", "application/json"),
    ],
)
def test_accept_is_negotiated_not_searched(client: TestClient, accept: str, media: str) -> None:
    answer = client.get("/api/queries/network-overview", headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(media)


def test_errors_are_json_with_status(client: TestClient) -> None:
    missing = client.get("/api/queries/network-members")
    assert missing.status_code == 400 and "valid parameters" in missing.json()["detail"]
    unknown = client.get("/api/queries/nothing-here")
    assert unknown.status_code == 404 and "network-members" in unknown.json()["detail"]
    injected = client.get(
        "/api/queries/network-members", params={"network": "x> } UNION { ?s ?p ?o"}
    )
    assert injected.status_code == 400
    literal = client.get("/api/queries/label-search", params={"text": '"} ; DROP ALL ; #'})
    assert literal.status_code == 200 and literal.json()["rows"] == []


def test_entity_search(client: TestClient) -> None:
    found = client.get("/api/entities", params={"q": "gustave roussy"}).json()["results"]
    assert f"{ID}organisation/gustave-roussy" in [r["iri"] for r in found]
    accents = client.get("/api/entities", params={"q": "LEON BERARD"}).json()["results"]
    assert [r["label"] for r in accents] == ["Centre Léon Bérard"]


def test_entity_relations_grouped_both_directions(client: TestClient) -> None:
    # data/jane.ttl: OUS leads JANE WP6 and JANE-2 WP6 (inferred ckg:leads / ckg:ledBy).
    body = client.get("/api/entities/organisation/oslo-university-hospital/relations").json()
    assert body["entity"]["label"] == "Oslo University Hospital"
    groups = {(g["relation"].rsplit("#", 1)[-1], g["direction"]): g for g in body["relations"]}
    leads = groups[("leads", "outgoing")]
    assert {e["label"] for e in leads["entities"]} == {
        "JANE WP6: Palliative care",
        "JANE-2 WP6: Palliative care",
    }
    assert ("ledBy", "incoming") in groups
    assert client.get("/api/entities/organisation/no-such-slug/relations").status_code == 400


def test_shortest_paths(client: TestClient) -> None:
    body = client.get(
        "/api/paths",
        params={"from": "oslo-university-hospital", "to": "network/noe-palliative-care"},
    ).json()
    assert body["length"] == 2
    middles = {path[0]["node"]["label"] for path in body["paths"]}
    assert middles == {"JANE WP6: Palliative care", "JANE-2 WP6: Palliative care"}
    assert body["paths"][0][-1]["node"]["iri"] == f"{ID}network/noe-palliative-care"
    too_far = client.get(
        "/api/paths",
        params={"from": "oslo-university-hospital", "to": "network/noe-palliative-care", "max": 1},
    )
    assert too_far.json()["paths"] == []
    assert client.get("/api/paths", params={"from": "a", "to": "b", "max": 99}).status_code == 422


def test_coverage_includes_zero_countries(client: TestClient) -> None:
    body = client.get("/api/coverage", params={"network": "ithaca"}).json()
    counts = {c["code"]: c["members"] for c in body["countries"]}
    assert len(counts) == 31 and counts["IT"] == 13
    assert sorted(body["gaps"]) == ["BG", "GB", "GR", "IS", "LI"]
    domain = client.get("/api/coverage", params={"domain": "noe-palliative-care"}).json()
    assert {c["code"]: c["members"] for c in domain["countries"]}["ES"] == 6
    assert client.get("/api/coverage").status_code == 400


# --- the limits of /sparql hold for named queries too ----------------------------------------


def test_named_query_answers_keep_the_row_cap(store_dir: Path) -> None:
    settings = replace(Settings(store_dir, "oxigraph"), max_rows=5)
    italy = {"country": "IT"}  # 47 institutions on the real graph
    with TestClient(create_app(settings)) as capped:
        data = capped.get("/api/queries/institutions-by-country", params=italy)
        assert data.status_code == 200
        assert data.headers["X-Cancerkg-Truncated"] == "5"
        assert data.json()["truncated"] is True and len(data.json()["rows"]) == 5
        table = capped.get(
            "/api/queries/institutions-by-country", params={**italy, "format": "csv"}
        )
        assert table.headers["X-Cancerkg-Truncated"] == "5"
        assert len(table.text.strip().splitlines()) == 1 + 5  # header + the capped rows
        download = capped.get("/queries/institutions-by-country/results.csv", params=italy)
        assert download.headers["X-Cancerkg-Truncated"] == "5"
        assert len(download.text.strip().splitlines()) == 1 + 5
        page = capped.get(
            "/queries/institutions-by-country",
            params={**italy, "run": "1"},
            headers={"Accept": "text/html"},
        )
        assert "Only the first rows are shown" in page.text
        small = capped.get(
            "/api/queries/network-members", params={"network": "euracan", "country": "PL"}
        )
        assert small.json()["truncated"] is False
        assert "X-Cancerkg-Truncated" not in small.headers


def test_queries_past_the_time_limit_are_stopped_with_advice(store_dir: Path) -> None:
    # A limit no query can meet (a microsecond): the runner stops every named query.
    settings = replace(Settings(store_dir, "oxigraph"), query_timeout=1e-6, workers=1)
    with TestClient(create_app(settings)) as hurried:
        stopped = hurried.get("/api/queries/network-members", params={"network": "euracan"})
        assert stopped.status_code == 503
        assert stopped.json()["error"] == "query timeout"
        assert "network-members" in stopped.json()["detail"]
        assert "narrow its parameters" in stopped.json()["detail"]
        page = hurried.get(
            "/queries/network-members",
            params={"network": "euracan", "run": "1"},
            headers={"Accept": "text/html"},
        )
        assert page.status_code == 200 and "narrow its parameters" in page.text
        # Parameters are still checked before anything runs: the client's error, not a timeout.
        wrong = hurried.get("/api/queries/network-members", params={"network": "<x> }"})
        assert wrong.status_code == 400
        # The relationship endpoints (Python around several queries) run in the workers too;
        # search answers from the release's full-text index, bounded by its size, not a query.
        assert hurried.get("/api/entities", params={"q": "a"}).status_code == 200
        for path, params in (
            ("/api/paths", {"from": "int-milan", "to": "euracan"}),
            ("/api/coverage", {"network": "euracan"}),
            ("/api/entities/network/euracan/relations", {}),
        ):
            stopped = hurried.get(path, params=params)
            assert stopped.status_code == 503, path
            assert "ask for less" in stopped.json()["detail"]
        assert hurried.get("/health").status_code == 200


def test_openapi_marks_required_parameters_and_has_unique_operation_ids(
    client: TestClient,
) -> None:
    spec = client.get("/openapi.json").json()
    network = spec["paths"]["/api/queries/network-members"]["get"]["parameters"]
    flags = {p["name"]: p.get("required", False) for p in network}
    assert flags["network"] is True and flags["country"] is False
    ids = [op["operationId"] for path in spec["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    assert not any("head" in op for op in spec["paths"].values())

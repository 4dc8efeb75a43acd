"""/sparql speaks the SPARQL 1.1 Protocol: methods, media types, negotiation, errors, limits."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from cancerkg.settings import Settings
from cancerkg.web.app import create_app

COUNT_ORGS = (
    "PREFIX org: <http://www.w3.org/ns/org#> "
    "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a org:Organization }"
)
ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
CONSTRUCT = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 5"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}


@pytest.fixture(scope="module")
def client(store_dir: Path) -> Iterator[TestClient]:
    settings = replace(Settings(store_dir), max_rows=50, max_query_length=2_000, workers=1)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_get_select_defaults_to_sparql_json(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": COUNT_ORGS})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    count = int(response.json()["results"]["bindings"][0]["n"]["value"])
    assert count > 100


def test_post_form_and_direct_give_the_same_answer(client: TestClient) -> None:
    via_get = client.get("/sparql", params={"query": COUNT_ORGS}).json()
    via_form = client.post("/sparql", data={"query": COUNT_ORGS}).json()
    via_direct = client.post("/sparql", content=COUNT_ORGS, headers=DIRECT).json()
    assert via_get == via_form == via_direct


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/json"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("text/html, */*;q=0.1", "application/sparql-results+json"),
    ],
)
def test_select_negotiates_with_q_values(client: TestClient, accept: str, expected: str) -> None:
    response = client.get("/sparql", params={"query": COUNT_ORGS}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected
    if expected.startswith("text/"):  # CSV/TSV: a header line and one row
        assert len(response.text.strip().splitlines()) == 2
        return
    fmt = ox.QueryResultsFormat.XML if "xml" in expected else ox.QueryResultsFormat.JSON
    assert len(list(ox.parse_query_results(response.content, fmt))) == 1  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("application/n-quads", ox.RdfFormat.N_QUADS),
        ("application/trig", ox.RdfFormat.TRIG),
    ],
)
def test_construct_in_every_rdf_syntax(
    client: TestClient, accept: str, rdf_format: ox.RdfFormat
) -> None:
    response = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    assert len(list(ox.parse(response.content, rdf_format))) == 5


def test_format_parameter_wins_over_accept(client: TestClient) -> None:
    response = client.get(
        "/sparql",
        params={"query": COUNT_ORGS, "format": "csv"},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert response.headers["content-type"].startswith("text/csv")
    graph = client.get("/sparql", params={"query": CONSTRUCT, "format": "nt"})
    assert graph.headers["content-type"].startswith("application/n-triples")


def test_ask_is_a_boolean(client: TestClient) -> None:
    response = client.post("/sparql", content="ASK { ?s ?p ?o }", headers=DIRECT)
    assert response.json() == {"head": {}, "boolean": True}


def test_unacceptable_format_is_406(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": COUNT_ORGS}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.json()["error"] == "not acceptable"


def test_default_and_named_graph_parameters_restrict_the_dataset(client: TestClient) -> None:
    graph = "https://w3id.org/cancerkg/graph/data/countries"
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    whole = client.get("/sparql", params={"query": count}).json()
    only = client.get("/sparql", params={"query": count, "default-graph-uri": graph}).json()
    n_whole = int(whole["results"]["bindings"][0]["n"]["value"])
    n_only = int(only["results"]["bindings"][0]["n"]["value"])
    assert 0 < n_only < n_whole
    named = client.get(
        "/sparql",
        params={
            "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
            "named-graph-uri": graph,
        },
    ).json()
    assert [b["g"]["value"] for b in named["results"]["bindings"]] == [graph]


def test_a_browser_at_the_endpoint_gets_the_editor(client: TestClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/sparql", headers={"Accept": browser}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/editor"
    assert "accept" in response.headers["vary"].lower()
    program = client.get("/sparql", headers={"Accept": "*/*"})  # curl, harvesters: the RDF
    assert program.status_code == 200 and program.headers["content-type"].startswith("text/turtle")


def test_service_description_on_get_without_query(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    triples = list(ox.parse(response.content, ox.RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert any(t.object == ox.NamedNode(sd + "Service") for t in triples)
    assert any(t.predicate == ox.NamedNode(sd + "resultFormat") for t in triples)


@pytest.mark.parametrize(
    ("method", "kwargs", "status"),
    [
        ("put", {"params": {"query": "ASK {}"}}, 405),
        ("get", {"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
        ("get", {"params": {"query": "ASK {"}}, 400),
        ("post", {"content": "ASK {}", "headers": {"Content-Type": "text/plain"}}, 415),
        ("post", {"content": "ASK {}"}, 415),
        (
            "post",
            {
                "content": "ASK {}".encode("utf-16"),
                "headers": {"Content-Type": "application/sparql-query; charset=UTF-16"},
            },
            415,
        ),
        ("get", {"params": {"update": "CLEAR ALL"}}, 403),
        ("post", {"content": "update=CLEAR+ALL", "headers": FORM}, 403),
        (
            "post",
            {"content": "CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}},
            403,
        ),
        ("get", {"params": {"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}}, 400),
    ],
)
def test_protocol_negative_cases(
    client: TestClient, method: str, kwargs: dict[str, object], status: int
) -> None:
    response = getattr(client, method)("/sparql", **kwargs)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error", "detail"}
    assert "Traceback" not in body["detail"]


def test_row_cap_marks_the_response_as_truncated(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": ALL})
    assert response.headers["x-cancerkg-truncated"] == "50"
    assert len(response.json()["results"]["bindings"]) == 50
    csv = client.get("/sparql", params={"query": ALL, "format": "csv"})
    assert len(csv.text.strip().splitlines()) == 51
    small = client.get("/sparql", params={"query": ALL + " LIMIT 3"})
    assert "x-cancerkg-truncated" not in small.headers


def test_long_queries_are_refused(client: TestClient) -> None:
    padding = "# " + "x" * 3_000 + "\n"
    response = client.post("/sparql", data={"query": padding + "ASK {}"})
    assert response.status_code == 413
    huge = client.post("/sparql", content=b"x" * 20_000, headers=DIRECT)
    assert huge.status_code == 413


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://169.254.169.254/latest> { ?s ?p ?o } }",
        "SELECT * WHERE { service silent <http://localhost:8890/sparql> { ?s ?p ?o } }",
        "PREFIX e: <http://evil.example/> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }",
    ],
)
def test_service_is_refused_off_the_allow_list(client: TestClient, query: str) -> None:
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 403
    assert response.json()["error"] == "service not allowed"


def test_cors_for_browser_tools(client: TestClient) -> None:
    origin = {"Origin": "https://yasgui.example"}
    response = client.get("/sparql", params={"query": "ASK {}"}, headers=origin)
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_openapi_documents_the_endpoint(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"get", "post"} <= set(spec["paths"]["/sparql"])
    documented = {p["name"] for p in spec["paths"]["/sparql"]["get"]["parameters"]}
    assert documented == {"query", "default-graph-uri", "named-graph-uri", "format"}
    assert client.get("/docs").status_code == 200


def test_health_is_constant_and_storeless(client: TestClient) -> None:
    assert json.loads(client.get("/health").text)["status"] == "ok"


def test_several_default_graphs_are_merged_as_a_set(client: TestClient) -> None:
    # SPARQL's default graph is the RDF merge of the graphs named: a triple both source files
    # state (an institution's label in cancer-centres and members-cranio) is there once.
    first, second = (
        "https://w3id.org/cancerkg/graph/data/cancer-centres",
        "https://w3id.org/cancerkg/graph/data/members-cranio",
    )
    shared = (
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { "
        f"GRAPH <{first}> {{ ?s ?p ?o }} GRAPH <{second}> {{ ?s ?p ?o }} }} }}"
    )
    distinct = (
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { "
        f"VALUES ?g {{ <{first}> <{second}> }} GRAPH ?g {{ ?s ?p ?o }} }} }}"
    )
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def number(params: dict[str, str | list[str]]) -> int:
        response = client.get("/sparql", params=params)
        assert response.status_code == 200, response.text
        return int(response.json()["results"]["bindings"][0]["n"]["value"])

    assert number({"query": shared}) > 0  # the case this test is about
    merged = number({"query": count, "default-graph-uri": [first, second]})
    assert merged == number({"query": distinct})
    # Asked again (the merge is reused), and with a named graph reachable beside it.
    assert number({"query": count, "default-graph-uri": [first, second]}) == merged
    in_named = number(
        {
            "query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{first}> {{ ?s ?p ?o }} }}",
            "default-graph-uri": [first, second],
            "named-graph-uri": first,
        }
    )
    assert in_named == number({"query": count, "default-graph-uri": first})

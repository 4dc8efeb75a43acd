"""Real SPARQL clients against the real server (`cancerkg serve`): SPARQLWrapper, rdflib's
SPARQLStore and a plain httpx client, each asking the knowledge graph questions whose answers
are known from the data."""

from __future__ import annotations

import csv
import io
import urllib.error
from collections.abc import Callable

import httpx
import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, RDFXML, TURTLE, XML, SPARQLWrapper

CKG = Namespace("https://w3id.org/cancerkg/ontology#")
PREFIXES = (
    "PREFIX ckg: <https://w3id.org/cancerkg/ontology#> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
)
EURACAN = URIRef("https://w3id.org/cancerkg/id/network/euracan")
LEON_BERARD = URIRef("https://w3id.org/cancerkg/id/organisation/centre-leon-berard")
ITALY = URIRef("http://publications.europa.eu/resource/authority/country/ITA")
ERNS = 24  # the European Reference Networks (data/erns.ttl)
COUNT_ERNS = (
    PREFIXES + "SELECT (COUNT(DISTINCT ?n) AS ?count) WHERE { ?n a ckg:EuropeanReferenceNetwork }"
)
ITALY_LABEL = PREFIXES + f"SELECT ?label WHERE {{ <{ITALY}> rdfs:label ?label }}"
COORDINATOR = (
    PREFIXES + f"CONSTRUCT {{ <{EURACAN}> ckg:coordinatedBy ?c . ?c rdfs:label ?l }} "
    f"WHERE {{ <{EURACAN}> ckg:coordinatedBy ?c . OPTIONAL {{ ?c rdfs:label ?l }} }}"
)
# A cartesian product of the whole graph with itself three times: it never ends in practice.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PATIENT = 120.0  # generous client timeouts: the tests assert answers, not speed


@pytest.fixture(scope="module")
def endpoint(serve: Callable[..., str]) -> str:
    return serve() + "/sparql"


def _wrapper(endpoint: str, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setTimeout(int(PATIENT))
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


# --- SPARQLWrapper ------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_json_counts_the_erns(endpoint: str, method: str) -> None:
    client = _wrapper(endpoint, COUNT_ERNS, JSON)
    client.setMethod(method)
    result = client.queryAndConvert()
    assert isinstance(result, dict)
    assert int(result["results"]["bindings"][0]["count"]["value"]) == ERNS


def test_sparqlwrapper_xml_has_italys_label(endpoint: str) -> None:
    document = _wrapper(endpoint, ITALY_LABEL, XML).queryAndConvert()
    literals = document.getElementsByTagName("literal")  # type: ignore[union-attr]
    labels = {(node.getAttribute("xml:lang"), node.firstChild.data) for node in literals}
    assert ("en", "Italy") in labels


def test_sparqlwrapper_csv_lists_the_erns(endpoint: str) -> None:
    query = PREFIXES + (
        "SELECT ?network ?acronym WHERE { ?network a ckg:EuropeanReferenceNetwork ; "
        "ckg:acronym ?acronym } ORDER BY ?acronym"
    )
    data = _wrapper(endpoint, query, CSV).queryAndConvert()
    assert isinstance(data, bytes)
    header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert header == ["network", "acronym"]
    assert len({network for network, _ in rows}) == ERNS
    assert [str(EURACAN), "EURACAN"] in rows


def test_sparqlwrapper_ask(endpoint: str) -> None:
    yes = _wrapper(
        endpoint, PREFIXES + f"ASK {{ <{EURACAN}> a ckg:EuropeanReferenceNetwork }}", JSON
    ).queryAndConvert()
    no = _wrapper(
        endpoint, PREFIXES + f"ASK {{ <{ITALY}> a ckg:EuropeanReferenceNetwork }}", JSON
    ).queryAndConvert()
    assert yes == {"head": {}, "boolean": True}
    assert isinstance(no, dict) and no["boolean"] is False


@pytest.mark.parametrize("fmt", [TURTLE, RDFXML, N3, JSONLD])
def test_sparqlwrapper_construct_names_euracans_coordinator(endpoint: str, fmt: str) -> None:
    result = _wrapper(endpoint, COORDINATOR, fmt).queryAndConvert()
    # SPARQLWrapper parses RDF/XML and JSON-LD into a Graph itself, hands Turtle and N3 over
    # as bytes (N3 is answered as Turtle, which is N3).
    graph = result if isinstance(result, Graph) else Graph().parse(data=result, format="turtle")
    assert set(graph.objects(EURACAN, CKG.coordinatedBy)) == {LEON_BERARD}
    assert Literal("Centre Léon Bérard", lang="en") in set(graph.objects(LEON_BERARD, RDFS.label))


# --- rdflib's SPARQLStore -----------------------------------------------------------------


@pytest.fixture(scope="module")
def remote_graph(endpoint: str) -> Dataset:
    """An rdflib Dataset whose triples live behind the endpoint. default_union: rdflib then
    asks the endpoint's own default graph (the union) instead of naming a graph of its own."""
    store = SPARQLStore(endpoint, returnFormat="json", timeout=PATIENT)
    return Dataset(store=store, default_union=True)


def test_sparqlstore_triples(remote_graph: Dataset) -> None:
    assert set(remote_graph.objects(EURACAN, CKG.coordinatedBy)) == {LEON_BERARD}
    erns = set(remote_graph.subjects(RDF.type, CKG.EuropeanReferenceNetwork))
    assert len(erns) == ERNS and EURACAN in erns


def test_sparqlstore_query(remote_graph: Dataset) -> None:
    rows = list(remote_graph.query(COUNT_ERNS))
    assert int(rows[0][0]) == ERNS  # type: ignore[index, arg-type]
    labels = {row[0] for row in remote_graph.query(ITALY_LABEL)}  # type: ignore[index]
    assert Literal("Italy", lang="en") in labels


def test_sparqlstore_ask(remote_graph: Dataset) -> None:
    assert (
        remote_graph.query(
            PREFIXES + f"ASK {{ <{EURACAN}> ckg:coordinatedBy <{LEON_BERARD}> }}"
        ).askAnswer
        is True
    )
    assert (
        remote_graph.query(
            PREFIXES + f"ASK {{ <{EURACAN}> ckg:coordinatedBy <{ITALY}> }}"
        ).askAnswer
        is False
    )


def test_sparqlupdatestore_is_refused(endpoint: str, remote_graph: Dataset) -> None:
    """rdflib's update-capable store pointed at /sparql: the write is refused (read-only)."""
    store = SPARQLUpdateStore(endpoint, endpoint, timeout=PATIENT)
    comment = Literal("written through the public endpoint")
    with pytest.raises(urllib.error.HTTPError) as refused:
        store.update(f"INSERT DATA {{ <{EURACAN}> <{RDFS.comment}> {comment.n3()} }}")
    assert refused.value.code == 403
    assert (EURACAN, RDFS.comment, comment) not in remote_graph


# --- a plain HTTP client: the limits are visible --------------------------------------------


def test_row_cap_and_timeout_are_visible_to_plain_httpx(serve: Callable[..., str]) -> None:
    url = serve(env={"CANCERKG_MAX_ROWS": "5", "CANCERKG_QUERY_TIMEOUT": "2"}) + "/sparql"
    with httpx.Client(timeout=PATIENT) as client:
        capped = client.get(
            url, params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"Accept": "text/csv"}
        )
        assert capped.status_code == 200
        assert capped.headers["X-Cancerkg-Truncated"] == "5"
        assert len(capped.text.strip().splitlines()) == 1 + 5  # header + the capped rows

        whole = client.get(url, params={"query": COUNT_ERNS})
        assert whole.status_code == 200
        assert "X-Cancerkg-Truncated" not in whole.headers

        stopped = client.get(url, params={"query": RUNAWAY})
        assert stopped.status_code == 503
        assert stopped.headers["content-type"].startswith("application/json")
        assert stopped.json()["error"] == "query timeout"
        assert "2 s limit" in stopped.json()["detail"]

"""Linked-data publishing: dereferenceable IRIs with content negotiation, VoID and DCAT with
true counts, dumps whose SHA-256 match, and HTTP caching (ETag, Last-Modified, 304, gzip)."""

from __future__ import annotations

import base64
import gzip
import hashlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib.namespace import DCAT, OWL, RDF, RDFS, VOID

from cancerkg.settings import Settings
from cancerkg.web.app import create_app
from cancerkg.web.negotiation import negotiate, split_extension

CKG = rdflib.Namespace("https://w3id.org/cancerkg/ontology#")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
EURACAN = rdflib.URIRef("https://w3id.org/cancerkg/id/network/euracan")
DATASET = rdflib.URIRef("https://w3id.org/cancerkg/dataset")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
BASE_URL = "https://kg.example.org/"


@pytest.fixture(scope="module")
def client(store_dir: Path) -> Iterator[TestClient]:
    settings = replace(Settings(store_dir), workers=1, base_url=BASE_URL)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def union_graph(store_dir: Path) -> rdflib.Graph:
    """The published N-Triples dump, read independently of the service."""
    dump = store_dir / "current" / "dist" / "cancerkg.nt.gz"
    return rdflib.Graph().parse(data=gzip.decompress(dump.read_bytes()), format="nt")


def parse(body: bytes, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=body, format=fmt)


def test_turtle_for_programs_html_for_browsers(client: TestClient) -> None:
    turtle = client.get("/id/network/euracan", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert "Accept" in turtle.headers["vary"]
    graph = parse(turtle.content, "turtle")
    assert (EURACAN, RDFS.label, rdflib.Literal("ERN EURACAN", lang="en")) in graph
    # incoming relations with the labels of who points here
    members = set(graph.subjects(ORG.memberOf, EURACAN))
    assert members and all(graph.value(m, RDFS.label) for m in members)
    page = client.get("/id/network/euracan", headers={"Accept": BROWSER})
    assert page.headers["content-type"].startswith("text/html")
    assert "ERN EURACAN" in page.text and 'id="members"' in page.text


def test_every_rdf_syntax_parses_to_the_same_graph(client: TestClient) -> None:
    reference = parse(client.get("/id/network/euracan.ttl").content, "turtle")
    # Compacted JSON-LD names its context by URL, which the test client cannot serve to rdflib:
    # expanded here; tests/test_jsonld.py parses the compacted form over real HTTP.
    for accept, fmt in (
        ('application/ld+json; profile="http://www.w3.org/ns/json-ld#expanded"', "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
    ):
        response = client.get("/id/network/euracan", headers={"Accept": accept})
        assert response.headers["content-type"].startswith(accept.split(";")[0])
        assert len(parse(response.content, fmt)) == len(reference), accept
    by_extension = client.get("/id/network/euracan.jsonld", headers={"Accept": BROWSER})
    assert by_extension.headers["content-type"].startswith("application/ld+json")
    assert by_extension.json()["@graph"][0]["id"] == str(EURACAN)


def test_no_accept_header_gets_turtle(client: TestClient) -> None:
    response = client.get("/id/network/euracan", headers={"Accept": "*/*"})
    assert response.headers["content-type"].startswith("text/turtle")


def test_unknown_iri_is_404_json_or_page(client: TestClient) -> None:
    data = client.get("/id/network/no-such-network", headers={"Accept": "text/turtle"})
    assert data.status_code == 404
    assert data.json()["error"] == "not found"
    page = client.get("/id/network/no-such-network", headers={"Accept": BROWSER})
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]


def test_not_acceptable(client: TestClient) -> None:
    response = client.get("/id/network/euracan", headers={"Accept": "image/png"})
    assert response.status_code == 406


def test_ontology_shapes_graph_and_query_iris_dereference(client: TestClient) -> None:
    ontology = parse(client.get("/ontology", headers={"Accept": "text/turtle"}).content, "turtle")
    assert (rdflib.URIRef("https://w3id.org/cancerkg/ontology"), RDF.type, OWL.Ontology) in ontology
    docs = client.get("/ontology", headers={"Accept": BROWSER})
    assert 'id="CancerReferenceNetwork"' in docs.text
    shapes = client.get("/shapes.ttl")
    assert shapes.status_code == 200 and "NodeShape" in shapes.text
    graph = parse(client.get("/graph/data/jane.ttl").content, "turtle")
    assert len(graph) > 0
    query = parse(client.get("/queries/network-members.ttl").content, "turtle")
    iri = rdflib.URIRef("https://w3id.org/cancerkg/queries/network-members")
    assert (iri, RDF.type, rdflib.URIRef("http://www.w3.org/ns/shacl#SPARQLExecutable")) in query


def test_void_states_true_counts(client: TestClient, union_graph: rdflib.Graph) -> None:
    response = client.get("/.well-known/void")
    void = parse(response.content, "turtle")
    assert int(void.value(DATASET, VOID.triples)) == len(union_graph)
    entities = {
        s for s in union_graph.subjects() if str(s).startswith("https://w3id.org/cancerkg/id/")
    }
    assert int(void.value(DATASET, VOID.entities)) == len(entities)
    classes = set(union_graph.objects(None, RDF.type))
    assert int(void.value(DATASET, VOID.classes)) == len(classes)
    partitions = {
        void.value(p, VOID["class"]): int(void.value(p, VOID.entities))
        for p in void.objects(DATASET, VOID.classPartition)
    }
    networks = set(union_graph.subjects(RDF.type, CKG.CancerReferenceNetwork))
    assert partitions[CKG.CancerReferenceNetwork] == len(networks)
    properties = {
        void.value(p, VOID.property): int(void.value(p, VOID.triples))
        for p in void.objects(DATASET, VOID.propertyPartition)
    }
    assert properties[RDFS.label] == len(list(union_graph.triples((None, RDFS.label, None))))
    assert void.value(DATASET, VOID.sparqlEndpoint) == rdflib.URIRef(BASE_URL + "sparql")
    ror_links = [
        ls
        for ls in void.subjects(RDF.type, VOID.Linkset)
        if void.value(ls, VOID.objectsTarget) == rdflib.URIRef("https://ror.org/")
    ]
    ror_count = sum(1 for _, _, o in union_graph if str(o).startswith("https://ror.org/"))
    assert sum(int(void.value(ls, VOID.triples)) for ls in ror_links) == ror_count


def test_dcat_distributions_match_the_files(client: TestClient) -> None:
    dcat = parse(client.get("/dataset", headers={"Accept": "text/turtle"}).content, "turtle")
    assert (DATASET, RDF.type, DCAT.Dataset) in dcat
    assert (None, DCAT.dataset, DATASET) in dcat
    distributions = list(dcat.objects(DATASET, DCAT.distribution))
    assert len(distributions) == 4
    for distribution in distributions:
        url = str(dcat.value(distribution, DCAT.downloadURL))
        assert url.startswith(BASE_URL + "dumps/")
        body = client.get("/" + url[len(BASE_URL) :]).content
        assert int(dcat.value(distribution, DCAT.byteSize)) == len(body)
        checksum = dcat.value(distribution, SPDX.checksum)
        assert str(dcat.value(checksum, SPDX.checksumValue)) == hashlib.sha256(body).hexdigest()


def test_dumps_listing_and_checksums(client: TestClient) -> None:
    listing = client.get("/dumps/", headers={"Accept": "application/json"}).json()
    names = {d["file"] for d in listing["dumps"]}
    assert names == {"cancerkg.nq.gz", "cancerkg.nt.gz", "cancerkg.ttl", "cancerkg.jsonld"}
    for dump in listing["dumps"]:
        response = client.get(f"/dumps/{dump['file']}", headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        if dump["file"].endswith(".gz"):  # already compressed: sent byte for byte
            assert "content-encoding" not in response.headers
            assert response.headers["content-type"] == "application/gzip"
        digest = hashlib.sha256(response.content).hexdigest()
        assert digest == dump["sha256"] and len(response.content) == dump["size"]
        side_file = client.get(f"/dumps/{dump['file']}.sha256").text
        assert side_file.split()[0] == digest
    assert "cancerkg.nt.gz" in client.get("/dumps/", headers={"Accept": BROWSER}).text
    assert client.get("/dumps/secrets.txt").status_code == 404
    assert client.get("/dumps/..%2Fmanifest.json").status_code == 404


def test_conditional_get_returns_304(client: TestClient) -> None:
    for path in ("/id/network/euracan", "/.well-known/void", "/dumps/cancerkg.ttl", "/"):
        first = client.get(path, headers={"Accept": BROWSER})
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        assert "max-age" in first.headers["cache-control"]
        again = client.get(path, headers={"Accept": BROWSER, "If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == etag
        since = client.get(path, headers={"Accept": BROWSER, "If-Modified-Since": modified})
        assert since.status_code == 304
        stale = client.get(path, headers={"Accept": BROWSER, "If-None-Match": '"other"'})
        assert stale.status_code == 200


def test_etag_differs_per_representation(client: TestClient) -> None:
    html = client.get("/id/network/euracan", headers={"Accept": BROWSER}).headers["etag"]
    turtle = client.get("/id/network/euracan", headers={"Accept": "text/turtle"}).headers["etag"]
    assert html != turtle


def test_pages_are_compressed(client: TestClient) -> None:
    response = client.get(
        "/id/network/euracan", headers={"Accept": BROWSER, "Accept-Encoding": "gzip"}
    )
    assert response.headers["content-encoding"] == "gzip"


def test_negotiation_rules() -> None:
    assert negotiate(BROWSER).name == "html"
    assert negotiate(None).name == "turtle"
    assert negotiate("application/json").name == "json-ld"
    assert negotiate("text/*;q=0.5, application/n-triples").name == "nt"
    assert negotiate("text/html;q=0.1, text/turtle;q=0.9").name == "turtle"
    assert split_extension("euracan.ttl")[0] == "euracan"
    assert split_extension("jane-2")[1] is None


def test_gzip_and_identity_copies_have_distinct_tags_and_one_vary(client: TestClient) -> None:
    identity = client.get(
        "/ontology", headers={"Accept": "text/turtle", "Accept-Encoding": "identity"}
    )
    gzipped = client.get("/ontology", headers={"Accept": "text/turtle", "Accept-Encoding": "gzip"})
    assert gzipped.headers.get("content-encoding") == "gzip"
    assert identity.headers["etag"] != gzipped.headers["etag"]
    for response in (identity, gzipped):
        varied = [v.strip().lower() for v in response.headers["vary"].split(",")]
        assert len(varied) == len(set(varied))
    again = client.get(
        "/ontology",
        headers={"Accept": "text/turtle", "If-None-Match": gzipped.headers["etag"]},
    )
    assert again.status_code == 304


def test_dumps_carry_their_digest_in_base64(client: TestClient) -> None:
    response = client.get("/dumps/cancerkg.nq.gz")
    assert response.status_code == 200
    digest = base64.b64encode(hashlib.sha256(response.content).digest()).decode()
    assert response.headers["repr-digest"] == f"sha-256=:{digest}:"
    assert response.headers["digest"] == f"sha-256={digest}"


@pytest.mark.parametrize("graph", ["inferred", "summaries"])
def test_the_derived_graphs_dereference(client: TestClient, graph: str) -> None:
    page = client.get(f"/graph/{graph}", headers={"Accept": "text/html"})
    assert page.status_code == 200
    turtle = client.get(f"/graph/{graph}", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and "never edited by hand" in turtle.text

"""JSON-LD for web developers, through a real server and rdflib's own JSON-LD parser: the
published @context, compacted entities (short keys, the entity first) that parse back to exactly
the triples of the Turtle description, expanded on request, and /api/entities/... alike."""

from __future__ import annotations

import gzip
from collections.abc import Callable

import httpx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from cancerkg.rdf.iris import ID

COMPACTED = 'application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"'
EXPANDED = 'application/ld+json; profile="http://www.w3.org/ns/json-ld#expanded"'


@pytest.fixture(scope="module")
def url(serve: Callable[..., str]) -> str:
    return serve()


@pytest.fixture(scope="module")
def dump(url: str) -> Graph:
    body = httpx.get(url + "/dumps/cancerkg.nt.gz").content
    return Graph().parse(data=gzip.decompress(body), format="nt")


def one_entity_per_kind(dump: Graph) -> list[str]:
    """The first IRI (in sorted order) of every kind the graph mints under /id/{kind}/."""
    first: dict[str, str] = {}
    for subject in sorted({str(s) for s in dump.subjects() if str(s).startswith(ID)}):
        first.setdefault(subject.removeprefix(ID).split("/")[0], subject)
    return sorted(first.values())


def _turtle(url: str, iri: str) -> Graph:
    answer = httpx.get(url + "/" + iri.removeprefix("https://w3id.org/cancerkg/"))
    return Graph().parse(data=answer.content, format="turtle")


def test_context_is_published(url: str) -> None:
    answer = httpx.get(url + "/context.jsonld")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/ld+json")
    context = answer.json()["@context"]
    assert context["id"] == "@id" and context["type"] == "@type"


def test_context_names_every_property_and_class(url: str, dump: Graph) -> None:
    """A key is short only when the context has a term for it: every property and class in use."""
    context = httpx.get(url + "/context.jsonld").json()["@context"]
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v.endswith(("#", "/"))}

    def expand(value: object) -> str:
        iri = value["@id"] if isinstance(value, dict) else str(value)
        prefix, _, local = iri.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else iri

    named = {expand(v) for k, v in context.items() if not k.startswith("@")}
    used = {str(p) for p in dump.predicates()} | {str(c) for c in dump.objects(None, RDF.type)}
    assert used - {str(RDF.type)} <= named, sorted(used - named - {str(RDF.type)})


@pytest.mark.parametrize("accept", ["application/ld+json", COMPACTED])
def test_compacted_entity_has_short_keys_entity_first_and_the_same_triples(
    url: str, dump: Graph, accept: str
) -> None:
    for iri in one_entity_per_kind(dump):
        path = "/" + iri.removeprefix("https://w3id.org/cancerkg/")
        answer = httpx.get(url + path, headers={"Accept": accept})
        assert answer.status_code == 200, path
        assert 'json-ld#compacted"' in answer.headers["content-type"]
        document = answer.json()
        assert document["@context"] == url + "/context.jsonld"
        first = document["@graph"][0] if "@graph" in document else document
        assert first["id"] == iri
        keys = {k for node in document.get("@graph", [document]) for k in node}
        assert not [k for k in keys if "://" in k], (path, keys)
        parsed = Graph().parse(data=answer.content, format="json-ld")  # fetches the context
        assert isomorphic(parsed, _turtle(url, iri)), path


def test_expanded_on_request(url: str) -> None:
    iri = ID + "network/euracan"
    answer = httpx.get(url + "/id/network/euracan", headers={"Accept": EXPANDED})
    assert 'json-ld#expanded"' in answer.headers["content-type"]
    document = answer.json()
    assert isinstance(document, list) and document[0]["@id"] == iri
    assert isomorphic(Graph().parse(data=answer.content, format="json-ld"), _turtle(url, iri))


def test_api_entities_say_the_same_in_json_ld(url: str) -> None:
    by_id = httpx.get(url + "/id/network/euracan", headers={"Accept": "application/ld+json"})
    by_api = httpx.get(url + "/api/entities/network/euracan")
    assert by_api.status_code == 200 and by_api.content == by_id.content
    expanded = httpx.get(url + "/api/entities/network/euracan", headers={"Accept": EXPANDED})
    assert isinstance(expanded.json(), list)
    missing = httpx.get(url + "/api/entities/network/no-such-network")
    assert missing.status_code == 404 and missing.json()["error"]

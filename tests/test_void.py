"""VoID linksets: every link out of the graph (to ROR, Wikidata, the EU authority tables) is
counted in a linkset, and each count agrees with the N-Triples dump read by rdflib."""

from __future__ import annotations

import gzip
from collections import Counter
from collections.abc import Callable

import httpx
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF, SKOS

VOID = Namespace("http://rdfs.org/ns/void#")
SPACES = (
    "https://ror.org/",
    "http://www.wikidata.org/entity/",
    "http://publications.europa.eu/resource/authority/",
)
CKG_COUNTRY = URIRef("https://w3id.org/cancerkg/ontology#country")


@pytest.fixture(scope="module")
def served(serve: Callable[..., str]) -> tuple[Graph, Graph]:
    """(the VoID description, the N-Triples dump), both fetched from a live server."""
    url = serve()
    void = Graph().parse(
        data=httpx.get(url + "/.well-known/void", headers={"Accept": "text/turtle"}).content,
        format="turtle",
    )
    dump = httpx.get(url + "/dumps/cancerkg.nt.gz")
    assert dump.status_code == 200
    return void, Graph().parse(data=gzip.decompress(dump.content), format="nt")


def _linksets(void: Graph) -> dict[tuple[str, URIRef], int]:
    """(target URI space, link predicate) -> void:triples, for every linkset described."""
    found: dict[tuple[str, URIRef], int] = {}
    for linkset in void.subjects(RDF.type, VOID.Linkset):
        target = void.value(linkset, VOID.objectsTarget)
        space = str(void.value(target, VOID.uriSpace))
        predicate = void.value(linkset, VOID.linkPredicate)
        triples = void.value(linkset, VOID.triples)
        assert triples is not None, f"linkset {linkset} ({predicate}) has no void:triples"
        assert isinstance(predicate, URIRef)
        found[(space, predicate)] = int(triples)
    return found


def _links_in(dump: Graph) -> Counter[tuple[str, URIRef]]:
    links: Counter[tuple[str, URIRef]] = Counter()
    for _, predicate, target in dump:
        for space in SPACES:
            if isinstance(target, URIRef) and str(target).startswith(space):
                assert isinstance(predicate, URIRef)
                links[(space, predicate)] += 1
    return links


def test_every_link_out_is_counted_in_a_linkset(served: tuple[Graph, Graph]) -> None:
    void, dump = served
    assert _linksets(void) == dict(_links_in(dump))


def test_country_ror_and_wikidata_linksets_have_counts(served: tuple[Graph, Graph]) -> None:
    linksets = _linksets(served[0])
    assert linksets[(SPACES[2], CKG_COUNTRY)] > 0
    assert linksets[(SPACES[0], SKOS.exactMatch)] > 0
    assert linksets[(SPACES[1], SKOS.exactMatch)] > 0
    for space in SPACES[:2]:  # no owl:sameAs is stated today; if one is, it gets its own linkset
        assert linksets.get((space, OWL.sameAs), 0) == sum(
            1 for _, _, o in served[1].triples((None, OWL.sameAs, None)) if str(o).startswith(space)
        )

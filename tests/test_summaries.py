"""The summary counts the build stores (ontology/summaries/) agree with counting the graph live."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from cancerkg.build.pipeline import build
from cancerkg.build.summaries import summarise
from cancerkg.errors import BuildError
from cancerkg.rdf.iris import SUMMARY_GRAPH
from cancerkg.store import releases
from cancerkg.store.oxigraph import OxigraphStore
from conftest import copy_sources

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PREFIXES = """PREFIX ckg: <https://w3id.org/cancerkg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def rows(store: OxigraphStore, query: str) -> set[tuple[str, ...]]:
    result = store.query(PREFIXES + query)
    assert isinstance(result, ox.QuerySolutions)
    return {tuple(str(term.value) if term else "" for term in row) for row in result}


def test_release_has_a_summaries_graph(store_dir: Path, oxigraph_store: OxigraphStore) -> None:
    assert SUMMARY_GRAPH in oxigraph_store.named_graphs()
    manifest = releases.current_release(store_dir).manifest()  # type: ignore[union-attr]
    assert manifest.summarised > 0


def test_network_sizes_equal_a_live_count(oxigraph_store: OxigraphStore) -> None:
    stored = rows(
        oxigraph_store,
        f"""SELECT ?n ?members ?countries WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{
              ?n ckg:currentMemberCount ?members ;
                 ckg:currentMemberCountryCount ?countries }} }}""",
    )
    live = rows(
        oxigraph_store,
        """SELECT ?n (COUNT(DISTINCT ?m) AS ?members) (COUNT(DISTINCT ?c) AS ?countries) WHERE {
             ?n a ckg:Network OPTIONAL { ?n org:hasMember ?m OPTIONAL { ?m ckg:country ?c } }
           } GROUP BY ?n""",
    )
    assert stored == live
    genturis = "https://w3id.org/cancerkg/id/network/genturis"
    assert (genturis, "53", "23") in stored  # rdflib count of data/members-genturis.ttl


def test_cancer_ern_counts_equal_a_live_count(oxigraph_store: OxigraphStore) -> None:
    stored = rows(oxigraph_store, "SELECT ?i ?n WHERE { ?i ckg:currentCancerERNCount ?n }")
    live = rows(
        oxigraph_store,
        """SELECT ?i (COUNT(DISTINCT ?net) AS ?n) WHERE {
             ?net a ckg:CancerReferenceNetwork ; org:hasMember ?i } GROUP BY ?i""",
    )
    assert stored == live
    assert any(int(n) >= 2 for _, n in stored)


def test_domain_tallies_equal_a_live_count(oxigraph_store: OxigraphStore) -> None:
    stored = rows(
        oxigraph_store,
        """SELECT ?d ?c ?n WHERE { ?t a ckg:DomainMemberTally ; ckg:tallyDomain ?d ;
             ckg:country ?c ; ckg:currentMemberCount ?n }""",
    )
    live = rows(
        oxigraph_store,
        """SELECT ?d ?c (COUNT(DISTINCT ?m) AS ?n) WHERE {
             ?d a ckg:Domain .
             ?container ckg:coversDomain/skos:broader* ?d ; org:hasMember ?m . ?m ckg:country ?c
           } GROUP BY ?d ?c""",
    )
    assert stored == live
    assert len(stored) > 10


def test_counts_follow_the_data_of_the_release(tmp_path: Path, root: Path) -> None:
    """A network with one current and one ended member counts one, in the member's country."""
    sources = copy_sources(root, tmp_path / "src")
    (sources / "data" / "zz-test.ttl").write_text(
        """@prefix ckg: <https://w3id.org/cancerkg/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix country: <http://publications.europa.eu/resource/authority/country/> .
@prefix ex: <https://example.org/> .
ex:net a ckg:CancerReferenceNetwork .
ex:h1 a ckg:HealthcareProvider ; ckg:country country:FRA .
ex:h2 a ckg:HealthcareProvider ; ckg:country country:ITA .
ex:m1 a org:Membership ; org:member ex:h1 ; org:organization ex:net .
ex:m2 a org:Membership ; org:member ex:h2 ; org:organization ex:net ;
  org:memberDuring [ time:hasEnd [ time:inXSDDate "2021-01-01"^^xsd:date ] ] .
""",
        encoding="utf-8",
    )
    build(tmp_path / "store", root=sources)
    release = releases.current_release(tmp_path / "store")
    assert release is not None
    store = OxigraphStore.open(release.oxigraph)
    found = rows(
        store,
        f"""SELECT ?members ?countries ?erns WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{
              <https://example.org/net> ckg:currentMemberCount ?members ;
                                        ckg:currentMemberCountryCount ?countries .
              <https://example.org/h1> ckg:currentCancerERNCount ?erns }} }}""",
    )
    assert found == {("1", "1", "1")}
    ended = "SELECT ?n WHERE { <https://example.org/h2> ckg:currentCancerERNCount ?n }"
    assert not rows(store, ended)
    store.close()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "must be a CONSTRUCT query"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p", "invalid SPARQL"),
    ],
)
def test_a_bad_summary_query_stops_the_build_naming_the_file(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "broken.rq"
    path.write_text(text, encoding="utf-8")
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("https://example.org/s"), RDF_TYPE, RDF_TYPE))
    with pytest.raises(BuildError) as error:
        summarise(store, [path])
    assert "ontology/summaries/broken.rq" in str(error.value)
    assert message in str(error.value)


def test_summaries_refuse_a_store_without_its_default_graph() -> None:
    """Counted over an empty default graph, every count would silently be missing."""
    store = ox.Store()
    store.add(ox.Quad(RDF_TYPE, RDF_TYPE, RDF_TYPE, ox.NamedNode("https://example.org/g")))
    with pytest.raises(BuildError, match="materialise_union"):
        summarise(store, [])

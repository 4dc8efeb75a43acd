"""The curated data: the counts the issue promises, no duplicate institutions, sound references,
and a source for every named graph."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from cancerkg.graph.stats import Stats, compute_stats
from cancerkg.store.oxigraph import OxigraphStore

CKG = "https://w3id.org/cancerkg/ontology#"
ORG = "http://www.w3.org/ns/org#"
PREFIXES = """PREFIX ckg: <https://w3id.org/cancerkg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX pav: <http://purl.org/pav/>
"""


@pytest.fixture(scope="module")
def stats(oxigraph_store: OxigraphStore) -> Stats:
    return compute_stats(oxigraph_store)


def rows(store: OxigraphStore, query: str) -> list[tuple[str, ...]]:
    result = store.query(PREFIXES + query)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [tuple(s[n].value if s[n] is not None else "" for n in names) for s in result]


def count(store: OxigraphStore, query: str) -> int:
    return int(rows(store, query)[0][0])


def test_headline_counts(stats: Stats, oxigraph_store: OxigraphStore) -> None:
    assert stats.class_count(CKG + "EuropeanReferenceNetwork") == 24
    assert stats.class_count(CKG + "CancerReferenceNetwork") == 4
    assert stats.class_count(CKG + "Country") == 31
    assert dict(stats.schemes)["https://w3id.org/cancerkg/id/scheme/noe-domains"] == 7
    assert stats.class_count(CKG + "NetworkOfExpertise") == 7
    assert stats.class_count(CKG + "Institution") >= 220
    assert stats.class_count(ORG + "Membership") >= 260
    # initiatives related to the NoE Joint Actions: everything but JANE and JANE-2 themselves
    assert stats.class_count(CKG + "Initiative") - 2 >= 25


def test_two_joint_actions_on_networks_of_expertise_with_their_work_packages(
    oxigraph_store: OxigraphStore,
) -> None:
    found = rows(
        oxigraph_store,
        """SELECT ?project (COUNT(DISTINCT ?wp) AS ?wps) WHERE {
             VALUES ?project { <https://w3id.org/cancerkg/id/project/jane>
                               <https://w3id.org/cancerkg/id/project/jane-2> }
             ?project a ckg:JointAction . ?wp a ckg:WorkPackage ; org:unitOf ?project .
           } GROUP BY ?project ORDER BY ?project""",
    )
    assert [(p.rsplit("/", 1)[-1], int(n)) for p, n in found] == [("jane", 11), ("jane-2", 11)]
    assert (
        count(
            oxigraph_store,
            """SELECT (COUNT(*) AS ?n) WHERE {
             <https://w3id.org/cancerkg/id/project/jane-2> ckg:follows
             <https://w3id.org/cancerkg/id/project/jane> }""",
        )
        == 1
    )


def test_no_institution_appears_twice(oxigraph_store: OxigraphStore) -> None:
    same_ror = rows(
        oxigraph_store,
        """SELECT ?ror (COUNT(DISTINCT ?org) AS ?n) WHERE { ?org ckg:rorId ?ror }
           GROUP BY ?ror HAVING (COUNT(DISTINCT ?org) > 1)""",
    )
    assert same_ror == []
    same_name_city = rows(
        oxigraph_store,
        """SELECT ?name ?city (COUNT(DISTINCT ?org) AS ?n) WHERE {
             ?org a ckg:Institution ; rdfs:label ?label ; schema:addressLocality ?city .
             BIND(LCASE(STR(?label)) AS ?name)
           } GROUP BY ?name ?city HAVING (COUNT(DISTINCT ?org) > 1)""",
    )
    assert same_name_city == []


def test_every_membership_points_to_existing_nodes(oxigraph_store: OxigraphStore) -> None:
    dangling = rows(
        oxigraph_store,
        """SELECT ?m ?what WHERE {
             ?m a org:Membership .
             { ?m org:member ?x . BIND("member" AS ?what)
               MINUS { ?x a org:Organization } }
             UNION { ?m org:organization ?x . BIND("organization" AS ?what)
               MINUS { ?x a org:Organization } }
             UNION { ?m org:role ?x . BIND("role" AS ?what) MINUS { ?x a org:Role } }
           }""",
    )
    assert dangling == []
    incomplete = rows(
        oxigraph_store,
        """SELECT ?m WHERE { ?m a org:Membership .
             MINUS { ?m org:member ?a ; org:organization ?b ; org:role ?c } }""",
    )
    assert incomplete == []


def test_every_named_data_graph_has_source_derivation_and_retrieval_date(
    oxigraph_store: OxigraphStore, root: Path
) -> None:
    data_graphs = {
        f"https://w3id.org/cancerkg/graph/data/{p.stem}" for p in (root / "data").glob("*.ttl")
    }
    described = {
        g
        for (g,) in rows(
            oxigraph_store,
            """SELECT DISTINCT ?g WHERE { GRAPH ?g {
                 ?g dcterms:source ?s ; prov:wasDerivedFrom ?d ; pav:retrievedOn ?r } }""",
        )
    }
    assert data_graphs - described == set()


def test_every_entity_has_one_english_label(oxigraph_store: OxigraphStore) -> None:
    bad = rows(
        oxigraph_store,
        """SELECT ?s (COUNT(?l) AS ?n) WHERE {
             ?s a ?type . FILTER(STRSTARTS(STR(?s), "https://w3id.org/cancerkg/id/"))
             # n-ary records (memberships, observations, accreditations) need no label
             MINUS { ?s a ?record . VALUES ?record { org:Membership ckg:CountObservation
                                                    ckg:Accreditation } }
             OPTIONAL { ?s rdfs:label ?l FILTER(LANG(?l) = "en") }
           } GROUP BY ?s HAVING (COUNT(DISTINCT ?l) != 1)""",
    )
    assert bad == []


def test_uk_members_left_on_2021_01_01(oxigraph_store: OxigraphStore) -> None:
    uk = rows(
        oxigraph_store,
        """PREFIX time: <http://www.w3.org/2006/time#>
           SELECT ?m ?end WHERE {
             ?m a org:Membership ; org:member ?org ; org:organization ?net .
             ?net a ckg:EuropeanReferenceNetwork .
             ?org ckg:country <http://publications.europa.eu/resource/authority/country/GBR> .
             OPTIONAL { ?m org:memberDuring/time:hasEnd/time:inXSDDate ?end }
           }""",
    )
    assert uk, "the registry tables list UK members"
    assert {end for _, end in uk} == {"2021-01-01"}


def test_no_hand_written_shortcuts_in_data(root: Path) -> None:
    shortcuts = {ORG + "memberOf", ORG + "hasMember", CKG + "coordinatedBy", CKG + "ledBy"}
    shortcuts |= {  # and the counts of ontology/summaries/
        CKG + "currentMemberCount",
        CKG + "currentMemberCountryCount",
        CKG + "currentCancerERNCount",
        CKG + "tallyDomain",
    }
    for path in (root / "data").glob("*.ttl"):
        quads = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        written = {q.predicate.value for q in quads} & shortcuts
        assert written == set(), f"{path.name} writes {written} by hand; the build infers them"

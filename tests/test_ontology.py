"""The ontology is consistent OWL (HermiT via owlready2) and every term is labelled and defined."""

from __future__ import annotations

import shutil
from pathlib import Path

import owlready2
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from support import skip_or_fail

CKG = "https://w3id.org/cancerkg/ontology#"
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def ontology(root: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(root / "ontology" / "cancerkg.ttl")


def test_ontology_header(ontology: rdflib.Graph) -> None:
    header = rdflib.URIRef("https://w3id.org/cancerkg/ontology")
    assert (header, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(header, OWL.versionIRI) is not None
    assert ontology.value(header, OWL.versionInfo) is not None
    license_ = ontology.value(header, rdflib.URIRef("http://purl.org/dc/terms/license"))
    assert str(license_) == "https://creativecommons.org/licenses/by/4.0/"


def test_every_term_is_labelled_and_defined(ontology: rdflib.Graph) -> None:
    terms = {s for t in TERM_TYPES for s in ontology.subjects(RDF.type, t)}
    ours = sorted(str(t) for t in terms if str(t).startswith(CKG))
    assert len(ours) > 60, "the ontology should define its classes and properties"
    missing = []
    for term in terms:
        labels = [o for o in ontology.objects(term, RDFS.label) if o.language == "en"]
        definitions = list(ontology.objects(term, SKOS.definition))
        if len(labels) != 1 or not definitions:
            missing.append(str(term))
    assert missing == [], f"terms without one English label and a definition: {missing}"


def test_required_classes_exist(ontology: rdflib.Graph) -> None:
    required = [
        "Network",
        "EuropeanReferenceNetwork",
        "NetworkOfExpertise",
        "JointAction",
        "Project",
        "WorkPackage",
        "TaskForce",
        "FundingProgramme",
        "Grant",
        "ResearchInfrastructure",
        "Platform",
        "Initiative",
        "Institution",
        "HealthcareProvider",
        "CancerCentre",
        "Domain",
        "Country",
    ]
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    assert [c for c in required if rdflib.URIRef(CKG + c) not in classes] == []
    assert (
        rdflib.URIRef(CKG + "EuropeanReferenceNetwork"),
        RDFS.subClassOf,
        rdflib.URIRef(CKG + "Network"),
    ) in ontology


def test_ontology_is_consistent_with_hermit(ontology: rdflib.Graph, tmp_path: Path) -> None:
    if shutil.which("java") is None:
        skip_or_fail("java", "HermiT needs Java: apt-get install default-jre-headless")
    path = tmp_path / "cancerkg.nt"
    ontology.serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load()
    with onto:
        owlready2.sync_reasoner_hermit([onto], infer_property_values=False, debug=0)
    assert list(world.inconsistent_classes()) == []

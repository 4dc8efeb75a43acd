"""data/ itself conforms to the shapes, and every class of the ontology has a shape."""

from __future__ import annotations

import pyoxigraph as ox

from cancerkg.store.oxigraph import OxigraphStore
from cancerkg.validation.engine import load_shapes, validate_published
from cancerkg.validation.report import render


def test_published_data_has_no_violations(oxigraph_store: OxigraphStore) -> None:
    report = validate_published(oxigraph_store)
    violations = [r for r in report.results if r.severity == "Violation"]
    assert not violations, render(report, "text")


def test_every_ontology_class_is_targeted(root) -> None:
    """Each ckg: class is a sh:targetClass, or a subclass of one (targets follow subclasses)."""
    shapes = load_shapes()
    targeted = {str(o) for o in shapes.objects(None, ox_sh("targetClass"))}
    ontology = ox.Store()
    ontology.load(path=str(root / "ontology" / "cancerkg.ttl"), format=ox.RdfFormat.TURTLE)
    rows = ontology.query(
        "SELECT ?c (GROUP_CONCAT(STR(?s)) AS ?supers) "
        "WHERE { ?c a <http://www.w3.org/2002/07/owl#Class> "
        "FILTER STRSTARTS(STR(?c), 'https://w3id.org/cancerkg/ontology#') "
        "?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?s } GROUP BY ?c"
    )
    uncovered = [r["c"].value for r in rows if not set(r["supers"].value.split()) & targeted]
    assert not uncovered


def ox_sh(name: str):  # type: ignore[no-untyped-def]
    from rdflib import URIRef

    return URIRef("http://www.w3.org/ns/shacl#" + name)

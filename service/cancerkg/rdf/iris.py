"""The public IRIs of the graph (GUIDE §2): one place that spells them."""

from __future__ import annotations

BASE = "https://w3id.org/cancerkg/"
ONTOLOGY = BASE + "ontology#"
ONTOLOGY_IRI = BASE + "ontology"
SHAPES = BASE + "shapes#"
ID = BASE + "id/"
GRAPH = BASE + "graph/"
QUERIES = BASE + "queries/"
DATASET = BASE + "dataset"
INFERRED_GRAPH = GRAPH + "inferred"
SUMMARY_GRAPH = GRAPH + "summaries"
COUNTRY = "http://publications.europa.eu/resource/authority/country/"


def graph_iri(folder: str, stem: str) -> str:
    """The named graph a source file is loaded into, e.g. graph/data/jane."""
    return f"{GRAPH}{folder}/{stem}"

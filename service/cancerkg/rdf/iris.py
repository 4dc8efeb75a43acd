"""The IRIs the code spells: the graph's public IRIs (docs/architecture.md, Contracts), the
vocabularies it reuses, and the prefixes that shorten both. One place for all of them."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox

from cancerkg.errors import InputError

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

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = RDF + "type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
XSD_BOOLEAN = XSD + "boolean"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
TIME = "http://www.w3.org/2006/time#"
SH = "http://www.w3.org/ns/shacl#"
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"

# Vocabulary prefixes: written into Turtle dumps and answers, used to shorten IRIs on pages.
PREFIXES = {
    "ckg": ONTOLOGY,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "org": ORG,
    "schema": SCHEMA,
    "dcterms": DCTERMS,
    "prov": PROV,
    "time": TIME,
    "sh": SH,
}
# Prefixes of the things the graph names (id/{kind}/), as data/ writes them: validation reports
# name the focus nodes of a submission with them.
ID_PREFIXES = {
    "ckgsh": SHAPES,
    "net": ID + "network/",
    "orgn": ID + "organisation/",
    "proj": ID + "project/",
    "ini": ID + "initiative/",
    "wp": ID + "work-package/",
    "tf": ID + "task-force/",
    "dom": ID + "domain/",
    "scheme": ID + "scheme/",
    "mem": ID + "membership/",
    "obs": ID + "observation/",
    "acc": ID + "accreditation/",
    "fund": ID + "funding-programme/",
    "grant": ID + "grant/",
    "role": ID + "role/",
    "status": ID + "accreditation-status/",
    "country": COUNTRY,
    "sub": ID + "submission/",
}
_LOCAL_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


def graph_iri(folder: str, stem: str) -> str:
    """The named graph a source file is loaded into, e.g. graph/data/jane."""
    return f"{GRAPH}{folder}/{stem}"


def checked_iri(text: str, what: str) -> str:
    """`text` when it is an absolute IRI the engine accepts, else InputError naming `what`: IRIs
    from requests are checked where they come in, never inside a query."""
    try:
        ox.NamedNode(text)
    except ValueError as error:
        raise InputError(f"{what}: {text!r} is not an absolute IRI ({error})") from None
    return text


def compact_iri(iri: str, prefixes: Mapping[str, str] = PREFIXES) -> str | None:
    """`prefix:local` for an IRI in one of `prefixes` whose local part is a plain name, else
    None (the caller decides how a full IRI is shown)."""
    for prefix, namespace in prefixes.items():
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and _LOCAL_NAME.fullmatch(local):
            return f"{prefix}:{local}"
    return None

"""The vocabulary a query writer needs at hand: the prefixes we use and the classes and
properties the ontology declares, with labels. The SPARQL editor completes from this instead of
asking a third-party service (prefix.cc, Linked Open Vocabularies) what a term might be."""

from __future__ import annotations

from dataclasses import dataclass

from cancerkg.internal_queries import internal_query
from cancerkg.rdf.iris import ID_PREFIXES, PREFIXES
from cancerkg.store.protocol import Store, select


@dataclass(frozen=True)
class Term:
    iri: str
    kind: str  # "class" or "property"
    label: str | None


def prefixes() -> dict[str, str]:
    """Every prefix we write: vocabularies first, then the kinds of things the graph names."""
    return {**PREFIXES, **ID_PREFIXES}


def terms(store: Store) -> list[Term]:
    """The declared classes and properties, each once, ordered by kind and IRI."""
    found = []
    for row in select(store, internal_query("editor-terms")):
        term, kind, label = row["term"], row["kind"], row["label"]
        if term is not None and kind is not None:
            found.append(Term(term.value, kind.value, label.value if label is not None else None))
    return found

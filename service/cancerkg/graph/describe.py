"""What the graph says about one resource: its linked-data description (for dereferencing) and
the same facts arranged for a page (label, types, relations, memberships, provenance).

Every question is a SPARQL file in sparql/ with ?resource pre-bound, so any backend answers it
and the resource IRI is never pasted into query text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from cancerkg.internal_queries import internal_query
from cancerkg.named_queries.catalog import NamedQuery, Parameter
from cancerkg.rdf.iris import BASE, DATASET, DCTERMS, GRAPH, RDF_TYPE, XSD_BOOLEAN
from cancerkg.rdf.terms import Term, term_text
from cancerkg.store.protocol import Row, Store, ask, construct, select

BOOLEAN = ox.NamedNode(XSD_BOOLEAN)
DCTERMS_SOURCE = DCTERMS + "source"
ONTOLOGY_GRAPHS = GRAPH + "ontology/"
SHAPES_GRAPHS = GRAPH + "shapes/"


@dataclass(frozen=True)
class Link:
    """One related resource or value, with the name a page shows for it."""

    term: Term
    label: str
    described: bool = False

    @property
    def is_iri(self) -> bool:
        return isinstance(self.term, ox.NamedNode)


@dataclass(frozen=True)
class Statement:
    """One row of a page's relation list: a property (with its label) and a value or subject."""

    property: Link
    value: Link


@dataclass(frozen=True)
class MembershipRow:
    """One membership seen from the resource: the other party and the facts of the membership."""

    membership: str
    side: str  # "member": the other party is a member of the resource; else the resource's body
    other: Link
    country: Link | None
    roles: str
    start: str
    end: str
    source: str
    low_confidence: bool


@dataclass(frozen=True)
class GraphShare:
    """A named graph (source file) that states something about the resource."""

    graph: str
    title: str
    triples: int


@dataclass
class ResourceView:
    """Everything a page shows about one resource."""

    iri: str
    label: str
    types: list[Link] = field(default_factory=list)
    outgoing: list[Statement] = field(default_factory=list)
    incoming: list[Statement] = field(default_factory=list)
    memberships: list[MembershipRow] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    graphs: list[GraphShare] = field(default_factory=list)

    @property
    def members(self) -> list[MembershipRow]:
        return [row for row in self.memberships if row.side == "member"]

    @property
    def member_of(self) -> list[MembershipRow]:
        return [row for row in self.memberships if row.side != "member"]


def exists(store: Store, iri: str) -> bool:
    """Whether the graph mentions `iri` at all (as subject or object)."""
    return ask(store, internal_query("describe-exists"), substitutions=_bind(iri))


def describe(store: Store, iri: str) -> list[ox.Triple]:
    """The linked-data description: outgoing and incoming triples, neighbours' labels, and the
    blank nodes the resource owns."""
    return construct(store, internal_query("describe-resource"), substitutions=_bind(iri))


def graphs_with_prefix(store: Store, prefix: str) -> list[ox.Triple]:
    """Every triple of the named graphs under `prefix` (the ontology, the shapes)."""
    graphs = [g for g in store.named_graphs() if g.startswith(prefix)]
    if not graphs:
        return []
    return construct(store, internal_query("describe-graphs"), default_graphs=graphs)


def schema_org(store: Store, iri: str) -> list[ox.Triple]:
    """A schema.org view of the resource, for the JSON-LD a page embeds for search engines."""
    return construct(store, internal_query("page-schema-org"), substitutions=_bind(iri))


def label_of(store: Store, iri: str) -> str:
    """The preferred name of a resource, else the last part of its IRI."""
    for row in _rows(store, "page-labels", iri, "label"):
        label = row["label"]
        if label is not None:
            return str(label.value)
    return local_name(iri)


def resource_view(store: Store, iri: str) -> ResourceView:
    """The facts about a resource arranged for a page."""
    view = ResourceView(iri=iri, label=label_of(store, iri))
    for row in _rows(store, "page-outgoing", iri, "p"):
        statement = Statement(
            _link(row["p"], row["plabel"]),
            _link(row["o"], row["olabel"], row["described"]),
        )
        predicate = statement.property.term.value
        if predicate == RDF_TYPE:
            view.types.append(statement.value)
        elif predicate == DCTERMS_SOURCE:
            view.sources.append(statement.value.term.value)
        else:
            view.outgoing.append(statement)
    for row in _rows(store, "page-incoming", iri, "s"):
        view.incoming.append(
            Statement(_link(row["p"], row["plabel"]), _link(row["s"], row["slabel"], True))
        )
    view.memberships = [
        _membership(row) for row in _rows(store, "page-memberships", iri, "membership")
    ]
    view.graphs = [
        GraphShare(
            term_text(row["graph"]), term_text(row["title"]), int(term_text(row["triples"]) or 0)
        )
        for row in _rows(store, "page-provenance", iri, "graph")
    ]
    return view


def local_name(iri: str) -> str:
    """The last segment of an IRI (after '#' or '/'), a fallback label."""
    return iri.rstrip("/").rsplit("#", 1)[-1].rsplit("/", 1)[-1] or iri


def is_canonical(iri: str) -> bool:
    """Whether an IRI is minted by cancerkg (and so dereferences on this service)."""
    return iri.startswith(BASE)


def _membership(row: Row) -> MembershipRow:
    country = row["country"]
    return MembershipRow(
        membership=term_text(row["membership"]),
        side=term_text(row["side"]),
        other=_link(row["other"], row["otherLabel"], True),
        country=_link(country, row["countryLabel"], True) if country is not None else None,
        roles=term_text(row["roles"]),
        start=term_text(row["start"]),
        end=term_text(row["end"]),
        source=term_text(row["source"]),
        low_confidence=row["confidence"] is not None,
    )


def _link(term: Term | None, label: Term | None, described: Term | bool | None = None) -> Link:
    assert term is not None
    if isinstance(described, ox.Literal):
        described = described.value == "true"
    if label is not None:
        text = label.value
    elif isinstance(term, ox.NamedNode):
        text = local_name(term.value)
    else:
        text = term.value
    return Link(term, text, bool(described))


def _bind(iri: str) -> dict[str, Term]:
    return {"resource": ox.NamedNode(iri)}


def _rows(store: Store, name: str, iri: str, key: str) -> list[Row]:
    """The rows that bind `key` (rdflib answers an aggregate over no match with one empty row),
    as plain dicts: pyoxigraph's solution objects must not outlive the thread that made them."""
    result = select(store, internal_query(name), substitutions=_bind(iri))
    return [row for row in result if row[key] is not None]


def describe_query(store: Store, query: NamedQuery) -> list[ox.Triple]:
    """A named query as linked data at its IRI: title, description, text and typed parameters."""
    iri = ox.NamedNode(query.iri)
    bindings: dict[str, Term] = {
        "query": iri,
        "title": ox.Literal(query.title, language="en"),
        "description": ox.Literal(query.description, language="en"),
        "question": ox.Literal(query.question, language="en"),
        "text": ox.Literal(query.text),
        "dataset": ox.NamedNode(DATASET),
    }
    triples = construct(store, internal_query("query-description"), substitutions=bindings)
    for parameter in query.parameters:
        triples += construct(
            store, internal_query("query-parameter"), substitutions=_parameter(query, parameter)
        )
    return triples


def _parameter(query: NamedQuery, parameter: Parameter) -> dict[str, Term]:
    bindings: dict[str, Term] = {
        "query": ox.NamedNode(query.iri),
        "parameter": ox.NamedNode(f"{query.iri}#{parameter.name}"),
        "name": ox.Literal(parameter.name),
        "type": ox.Literal(parameter.type_label),
        "comment": ox.Literal(parameter.description, language="en"),
        "optional": ox.Literal("false" if parameter.required else "true", datatype=BOOLEAN),
    }
    if parameter.default is not None:
        bindings["default"] = ox.Literal(parameter.default)
    if parameter.example is not None:
        bindings["example"] = ox.Literal(parameter.example)
    return bindings

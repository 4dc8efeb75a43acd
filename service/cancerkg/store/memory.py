"""An rdflib in-memory backend: slower, but pure Python and easy to inspect in tests.

Results are converted to pyoxigraph types through the standard SPARQL JSON results format, so
everything above the Store protocol sees the same objects whatever the backend.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.plugins import sparql as rdflib_sparql
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.term import Identifier

from cancerkg.errors import QuerySyntaxError
from cancerkg.rdf.terms import QueryResult, Term

# rdflib would fetch FROM / FROM NAMED IRIs from the web: any client could make the server fetch
# any URL (SSRF). The dataset is what was loaded, nothing more.
rdflib_sparql.SPARQL_LOAD_GRAPHS = False


class MemoryStore:
    """rdflib's Dataset behind the Store protocol; the default graph is the union."""

    backend = "memory"
    text_index: Path | None = None

    def __init__(self) -> None:
        self._dataset = rdflib.Dataset(default_union=True)

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        try:
            parseQuery(sparql)
        except Exception as error:  # pyparsing raises several unrelated types
            raise QuerySyntaxError(f"invalid SPARQL: {' '.join(str(error).split())}") from None
        target = self._restricted(default_graphs) if default_graphs else self._dataset
        bindings = {k: to_rdflib(v) for k, v in (substitutions or {}).items()}
        result = target.query(sparql, initBindings=bindings)
        if result.type == "CONSTRUCT" or result.type == "DESCRIBE":
            assert result.graph is not None
            data = result.graph.serialize(format="nt", encoding="utf-8")
            return [q.triple for q in ox.parse(data, ox.RdfFormat.N_TRIPLES)]
        results = result.serialize(format="json")
        assert results is not None
        return ox.parse_query_results(results, ox.QueryResultsFormat.JSON)

    def _restricted(self, graphs: Sequence[str]) -> rdflib.Graph:
        union = rdflib.Graph()
        for iri in graphs:
            for triple in self._dataset.graph(rdflib.URIRef(iri)):
                union.add(triple)
        return union

    def named_graphs(self) -> list[str]:
        return sorted(
            str(g.identifier)
            for g in self._dataset.graphs()
            if isinstance(g.identifier, rdflib.URIRef)
            and len(g) > 0
            and g.identifier != rdflib.graph.DATASET_DEFAULT_GRAPH_ID
        )

    def load(self, quads: Iterable[ox.Quad]) -> None:
        data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
        self._dataset.parse(data=data, format="nquads")

    def close(self) -> None:
        self._dataset = rdflib.Dataset(default_union=True)


def to_rdflib(term: Term) -> Identifier:
    """A pyoxigraph term as the equivalent rdflib term."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    datatype = None if term.language else rdflib.URIRef(term.datatype.value)
    # normalize=False keeps the lexical form ("1"^^xsd:boolean stays "1"), as pyoxigraph does
    return rdflib.Literal(term.value, lang=term.language, datatype=datatype, normalize=False)

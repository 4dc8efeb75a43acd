"""The Store protocol: what every backend (pyoxigraph on disk, rdflib in memory, remote SPARQL)
offers to the layers above it. Results are pyoxigraph types whatever the backend, so rendering and
comparison are written once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import pyoxigraph as ox

from cancerkg.rdf.terms import QueryResult, Term


class Store(Protocol):
    """A queryable RDF dataset whose default graph is the union of its named graphs."""

    backend: str

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run a SPARQL 1.1 query.

        `substitutions` pre-bind variables to RDF terms (never spliced into the text);
        `default_graphs` / `named_graphs` restrict the dataset as the protocol's
        default-graph-uri / named-graph-uri do.
        """
        ...

    def named_graphs(self) -> list[str]:
        """The IRIs of the named graphs."""
        ...

    def load(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads."""
        ...

    def close(self) -> None:
        """Release files and connections."""
        ...


def is_select(result: QueryResult) -> bool:
    return isinstance(result, ox.QuerySolutions)


def is_ask(result: QueryResult) -> bool:
    return isinstance(result, ox.QueryBoolean)

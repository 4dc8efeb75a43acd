"""The Store protocol: what every backend (pyoxigraph on disk, rdflib in memory, remote SPARQL)
offers to the layers above it. Results are pyoxigraph types whatever the backend, so rendering and
comparison are written once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeAlias

import pyoxigraph as ox

from cancerkg.errors import InputError
from cancerkg.rdf.terms import QueryResult, Term


class Store(Protocol):
    """A queryable RDF dataset whose default graph is the union of its named graphs."""

    backend: str
    # The full-text index of the release the store holds (None: no index, queries scan): a
    # named query may narrow its candidates with it (named_queries/binding.py).
    text_index: Path | None

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


Row: TypeAlias = dict[str, Term | None]


@dataclass(frozen=True)
class Rows:
    """A SELECT answer read whole, in the thread (or worker) that ran the query.

    pyoxigraph's solution objects are tied to the thread that made them; plain rows can cross
    threads and processes, and every caller reads them the same way.
    """

    variables: tuple[str, ...]
    rows: tuple[Row, ...]

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def first(self) -> Row | None:
        """The first row, or None for an empty answer."""
        return self.rows[0] if self.rows else None

    def value(self, name: str | None = None) -> Term | None:
        """The first row's value of `name` (by default the first column), or None."""
        row = self.first()
        if row is None or not self.variables:
            return None
        return row.get(name or self.variables[0])


def select(store: Store, sparql: str, **options: Any) -> Rows:
    """Run a SELECT query; its rows, read whole."""
    result = store.query(sparql, **options)
    if not isinstance(result, ox.QuerySolutions):
        raise InputError(f"expected a SELECT query, got {_form(result)}")
    return _read(result)


def read_answer(body: bytes) -> Rows | bool:
    """A SPARQL JSON results document (as the query workers write it), read back whole."""
    parsed = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
    return bool(parsed) if isinstance(parsed, ox.QueryBoolean) else _read(parsed)


def _read(solutions: ox.QuerySolutions) -> Rows:
    names = tuple(variable.value for variable in solutions.variables)
    return Rows(names, tuple({n: solution[n] for n in names} for solution in solutions))


def ask(store: Store, sparql: str, **options: Any) -> bool:
    """Run an ASK query; its answer."""
    result = store.query(sparql, **options)
    if not isinstance(result, ox.QueryBoolean):
        raise InputError(f"expected an ASK query, got {_form(result)}")
    return bool(result)


def construct(store: Store, sparql: str, **options: Any) -> list[ox.Triple]:
    """Run a CONSTRUCT or DESCRIBE query; its triples, read whole."""
    result = store.query(sparql, **options)
    if isinstance(result, ox.QuerySolutions | ox.QueryBoolean):
        raise InputError(f"expected a CONSTRUCT or DESCRIBE query, got {_form(result)}")
    return list(result)


def _form(result: QueryResult) -> str:
    if isinstance(result, ox.QuerySolutions):
        return "a SELECT"
    if isinstance(result, ox.QueryBoolean):
        return "an ASK"
    return "a CONSTRUCT or DESCRIBE"

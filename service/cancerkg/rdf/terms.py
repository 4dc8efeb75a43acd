"""The RDF term and query-result types every layer passes around: pyoxigraph's, whatever the
backend, so rendering and comparison are written once."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeAlias

import pyoxigraph as ox

Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal
QueryResult: TypeAlias = ox.QuerySolutions | ox.QueryBoolean | Iterable[ox.Triple]


def term_text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    """A term's lexical value (an IRI, a literal's text), '' for unbound or a quoted triple."""
    return "" if term is None or isinstance(term, ox.Triple) else term.value

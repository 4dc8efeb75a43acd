"""Serialise query results in the standard formats, whatever backend produced them.

SELECT/ASK: SPARQL 1.1 JSON, XML, CSV and TSV results (pyoxigraph's serialisers). CONSTRUCT /
DESCRIBE: any RDF syntax pyoxigraph writes.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from cancerkg.errors import InputError
from cancerkg.rdf import formats
from cancerkg.rdf.formats import RESULT_FORMATS
from cancerkg.rdf.iris import PREFIXES, compact_iri
from cancerkg.rdf.terms import QueryResult, Term

TABULAR_FORMATS = {f.name: f.results for f in RESULT_FORMATS if f.results is not None}
GRAPH_FORMATS = {f.name: f.rdf for f in formats.GRAPH_FORMATS if f.rdf is not None}


def serialize(result: QueryResult, fmt: str) -> bytes:
    """The result in the named format; a graph result asked for as json/csv/tsv is an error."""
    if isinstance(result, ox.QuerySolutions | ox.QueryBoolean):
        if fmt not in TABULAR_FORMATS:
            raise InputError(
                f"format {fmt!r} does not fit a SELECT/ASK result; use one of: "
                + ", ".join(TABULAR_FORMATS)
            )
        data = result.serialize(format=TABULAR_FORMATS[fmt])
        return data or b""
    if fmt not in GRAPH_FORMATS:
        raise InputError(
            f"format {fmt!r} does not fit a CONSTRUCT/DESCRIBE result; use one of: "
            + ", ".join(GRAPH_FORMATS)
        )
    return _serialize_triples(result, GRAPH_FORMATS[fmt])


def _serialize_triples(triples: Iterable[ox.Triple], fmt: ox.RdfFormat) -> bytes:
    items: list[ox.Triple] = list(triples)
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    data = (
        ox.serialize(items, format=fmt, prefixes=prefixes)
        if prefixes
        else ox.serialize(items, format=fmt)
    )
    return data or b""


def compact(term: Term | None) -> str:
    """A short human form of a term: prefixed name, plain literal value, or empty."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact_iri(term.value) or term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value

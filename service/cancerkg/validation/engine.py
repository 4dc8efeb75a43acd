"""Validate RDF against the cancerkg shapes (SHACL Core and SHACL-SPARQL, engine: pyshacl).

Three callers, one engine entry point (`validate_graph`):
- a submission (`validate_submission`): the submission plus the context it needs from the built
  store (cancerkg.validation.context), reporting only the submission's own nodes;
- the published graph (`validate_published`): every asserted data graph with the ontology, as the
  test that guards data/ does;
- the W3C SHACL test suite, which passes its own data and shapes graphs.

Whole releases are validated by the compiled engine (sparql_engine, release), which calls
`validate_graph` only for shapes it cannot compile; `validate_published` stays as the reference
the differential tests compare it with.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import Graph, Literal
from rdflib.namespace import SH, XSD
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from cancerkg.build.sources import knowledge_root
from cancerkg.errors import ValidationEngineError
from cancerkg.rdf.iris import GRAPH
from cancerkg.rdf.parsing import parse_file
from cancerkg.store.memory import to_rdflib
from cancerkg.store.protocol import Store, construct
from cancerkg.validation.context import context_for
from cancerkg.validation.report import Report, read_report


def _one_line(text: str) -> str:
    return " ".join(text.split())


PUBLISHED_GRAPHS = (GRAPH + "data/", GRAPH + "ontology/")
"""Asserted graphs only: the inferred graph holds the org:memberOf shortcuts the shapes forbid
writing by hand, and SHACL derives superclass types from the ontology itself."""


def load_shapes(root: Path | None = None) -> Graph:
    """All shapes of shapes/*.ttl as one graph, parsed once per process."""
    return _load_shapes(root or knowledge_root())


@cache
def _load_shapes(root: Path) -> Graph:
    triples = [
        q.triple for path in sorted((root / "shapes").glob("*.ttl")) for q in parse_file(path)
    ]
    return to_graph(triples)


class DataGraph(Graph):
    """An rdflib graph that parses each SPARQL text once.

    pyshacl runs every SHACL-SPARQL constraint once per focus node, and rdflib parses the query
    text on each call (0.15-0.3 s here); preparing it once makes data/ validate in seconds, not
    minutes. Prepared queries hold no state, so the cache is shared.
    """

    def query(self, query_object: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(query_object, str) and not kwargs.get("initNs"):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@lru_cache(maxsize=512)
def _prepared(text: str) -> Query:
    return prepareQuery(text)


def to_graph(triples: Iterable[ox.Triple]) -> Graph:
    """An rdflib graph (what pyshacl reads) of pyoxigraph triples."""
    graph = DataGraph()
    with quiet_rdflib():
        for t in triples:
            graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))  # type: ignore[arg-type]
    return graph


@contextmanager
def quiet_rdflib() -> Iterator[None]:
    """rdflib logs a traceback for every ill-typed literal ("2021-13-45"^^xsd:date) it makes;
    the shapes report those properly, so its log is silenced meanwhile."""
    rdflib_log = logging.getLogger("rdflib.term")
    level = rdflib_log.level
    rdflib_log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        rdflib_log.setLevel(level)


def validate_graph(data: Graph, shapes: Graph, *, keep: set[Node] | None = None) -> Report:
    """Validate `data` against `shapes`; report only focus nodes in `keep` when given.

    pyshacl's own focus_nodes option is not used: it also filters the value nodes of nested
    shapes (sh:or, sh:qualifiedValueShape), which then conform vacuously. Filtering the report
    afterwards is exact, and the data graph of a submission is small anyway.
    """
    try:
        _, results, _ = pyshacl.validate(
            data,
            shacl_graph=_active_unique_lang_only(shapes),
            inference="none",
            allow_warnings=True,
            allow_infos=True,
        )
    except (ReportableRuntimeError, NotImplementedError) as error:
        raise ValidationEngineError(
            f"the shapes cannot be applied: {_one_line(str(error))}"
        ) from None
    if not isinstance(results, Graph):
        raise ValidationEngineError(f"the SHACL engine failed: {results}")
    return read_report(results, keep)


def _active_unique_lang_only(shapes: Graph) -> Graph:
    """The shapes without `sh:uniqueLang` values other than the literal true.

    SHACL switches uniqueLang on only for `true`; pyshacl reads any boolean-true value (e.g.
    "1"^^xsd:boolean) as on (W3C test core/property/uniqueLang-002). Our own shapes only use
    `true`, so they are returned as they are, without a copy.
    """
    inactive = [
        (s, p, o)
        for s, p, o in shapes.triples((None, SH.uniqueLang, None))
        if not (isinstance(o, Literal) and str(o) == "true" and o.datatype == XSD.boolean)
    ]
    if not inactive:
        return shapes
    copy = Graph(namespace_manager=shapes.namespace_manager)
    for triple in shapes:
        copy.add(triple)
    for triple in inactive:
        copy.remove(triple)
    return copy


def validate_submission(
    submission: list[ox.Triple], store: Store, *, root: Path | None = None
) -> Report:
    """Validate a submission in the context of the published graph; report its own nodes only."""
    context = context_for(store, submission, root)
    data = to_graph([*submission, *context])
    own: set[Node] = {
        to_rdflib(t.subject) for t in submission if not isinstance(t.subject, ox.Triple)
    }
    return validate_graph(data, load_shapes(root), keep=own)


def validate_published(store: Store, *, root: Path | None = None) -> Report:
    """Validate every asserted graph of the built store (data/ and the ontology) as a whole."""
    graphs = [g for g in store.named_graphs() if g.startswith(PUBLISHED_GRAPHS)]
    triples = construct(store, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", default_graphs=graphs)
    return validate_graph(to_graph(triples), load_shapes(root))

"""Whole-graph validation as SPARQL on pyoxigraph, with pyshacl for what is not compiled.

The data graph is the default graph of an in-memory or on-disk pyoxigraph store. Each compiled
check (cancerkg.validation.compiler) is one query; its rows become the same sh:ValidationResult
nodes pyshacl writes, so reports render through cancerkg.validation.report unchanged. Shapes the
compiler leaves out are validated by pyshacl on the same triples, and the outcome says which.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as time_of_day
from decimal import Decimal

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from cancerkg.store.memory import to_rdflib
from cancerkg.validation.engine import quiet_rdflib, to_graph, validate_graph
from cancerkg.validation.compiler import TARGETS, Check, Plan, blank_paths, compile_shapes, fill, term
from cancerkg.validation.report import Report, read_report

# pyshacl's own check after rdflib's ill-typed test (DatatypeConstraintComponent).
_PYTHON_TYPES: dict[URIRef, type | tuple[type, ...]] = {
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time_of_day,
    XSD.dateTime: datetime,
}
_DEFAULT_MESSAGE = "constraint not met"


@dataclass
class Outcome:
    """A whole-graph report, and how it was made."""

    report: Report
    checks: int
    uncompiled: dict[str, str] = field(default_factory=dict)
    """Shapes validated by pyshacl instead, with the reason."""
    seconds: float = 0.0


def validate_store(data: ox.Store, shapes: Graph, *, fallback: bool = True) -> Outcome:
    """Validate the default graph of `data` against `shapes`, every focus node at once."""
    started = time.perf_counter()
    with quiet_rdflib():
        plan = plan_for(data, shapes)
        graph = Graph()
        for check in plan.checks:
            _add_results(graph, shapes, check, data.query(check.query))
        report = read_report(graph)
    if plan.uncompiled and fallback:
        report = _merge(report, _pyshacl(data, shapes, plan))
    uncompiled = {str(shape): why for shape, why in plan.uncompiled.items()}
    return Outcome(report, len(plan.checks), uncompiled, time.perf_counter() - started)


def plan_for(data: ox.Store, shapes: Graph) -> Plan:
    """The compiled checks for `data` (which shapes compile does not depend on the data)."""
    return compile_shapes(shapes, lambda datatype: ill_typed(data, datatype))


def ill_typed(data: ox.Store, datatype: ox.NamedNode) -> list[ox.Literal]:
    """The literals of `datatype` in the data that pyshacl would not accept as that datatype."""
    query = fill("query-datatype-literals", datatype=term(URIRef(datatype.value)))
    found = data.query(query)
    assert isinstance(found, ox.QuerySolutions)
    return [row["value"] for row in found if not _well_typed(row["value"])]


def _well_typed(literal: ox.Literal) -> bool:
    value = to_rdflib(literal)
    assert isinstance(value, Literal)
    if getattr(value, "ill_typed", None) is True:
        return False
    python_type = _PYTHON_TYPES.get(URIRef(literal.datatype.value))
    return python_type is None or isinstance(value.value, python_type)


def _add_results(graph: Graph, shapes: Graph, check: Check, rows: object) -> None:
    """One sh:ValidationResult per row, as pyshacl writes it."""
    assert isinstance(rows, ox.QuerySolutions)
    names = [v.value for v in rows.variables]
    seen: set[tuple[object, ...]] = set()
    for row in rows:
        bound = {n: row[n] for n in names if row[n] is not None}
        key = tuple(sorted((n, str(t)) for n, t in bound.items()))
        if key in seen:
            continue
        seen.add(key)
        focus: Node = _written(check, bound["this"])
        value: Node | None = None
        if "value" in bound and (check.report_value or check.constraint is not None):
            value = _written(check, bound["value"])
        elif check.constraint is not None and check.path is None:
            value = focus
        path: Node | None = to_rdflib(bound["path"]) if "path" in bound else check.path
        _add_result(graph, shapes, check, focus, value, path, bound)


def _written(check: Check, found: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """A term of an answer, as the shapes wrote it where pyoxigraph rewrote a target node."""
    for answered, written in check.aliases:
        if str(found) == answered:
            return written
    return to_rdflib(found)


def _add_result(
    graph: Graph,
    shapes: Graph,
    check: Check,
    focus: Node,
    value: Node | None,
    path: Node | None,
    bound: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal],
) -> None:
    node = BNode()
    graph.add((node, RDF.type, SH.ValidationResult))
    graph.add((node, SH.focusNode, focus))
    graph.add((node, SH.resultSeverity, check.severity))
    graph.add((node, SH.sourceShape, check.shape))
    graph.add((node, SH.sourceConstraintComponent, check.component))
    if value is not None:
        graph.add((node, SH.value, value))
    if path is not None:
        graph.add((node, SH.resultPath, path))
        for triple in blank_paths(shapes, path):
            graph.add(triple)
    if check.constraint is not None:
        graph.add((node, SH.sourceConstraint, check.constraint))
    for message in check.messages:
        text = _fill_bindings(str(message), bound) if check.constraint is not None else str(message)
        graph.add((node, SH.resultMessage, Literal(text, lang=message.language)))
    if not check.messages:
        graph.add((node, SH.resultMessage, Literal(_DEFAULT_MESSAGE)))
    graph.add((BNode(), SH.result, node))


def _fill_bindings(message: str, bound: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]) -> str:
    """{?var} and {$var} of a SHACL-SPARQL message, as pyshacl fills them (the plain value)."""
    for name, value in bound.items():
        message = re.sub(r"\{[?$]" + re.escape(name) + r"\}", lambda _: value.value, message)
    return message


def _pyshacl(data: ox.Store, shapes: Graph, plan: Plan) -> Report:
    """pyshacl on the whole data graph, for the shapes the compiler left out only."""
    remaining = Graph()
    for triple in shapes:
        remaining.add(triple)
    for shape in plan.compiled:
        for predicate in TARGETS:
            remaining.remove((shape, predicate, None))
        for kind in list(remaining.objects(shape, RDF.type)):
            if kind not in (SH.NodeShape, SH.PropertyShape):
                remaining.remove((shape, RDF.type, kind))
    triples = data.quads_for_pattern(None, None, None, ox.DefaultGraph())
    return validate_graph(to_graph(q.triple for q in triples), remaining)


def _merge(first: Report, second: Report) -> Report:
    """One report of two: the second report's result nodes are copied into the first's graph."""
    graph = first.graph
    for triple in second.graph:
        graph.add(triple)
    return read_report(graph)


def dataset_of(quads: Iterable[ox.Quad]) -> ox.Store:
    """An in-memory store whose default graph is the merge of `quads` (a set, as SHACL sees it)."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    return store

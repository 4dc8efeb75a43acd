"""Whole-graph validation as SPARQL on pyoxigraph, with pyshacl for what is not compiled.

The data graph is the default graph of an in-memory or on-disk pyoxigraph store. Each compiled
check (cancerkg.validation.compiler) is one query; its rows become the same sh:ValidationResult
nodes pyshacl writes, so reports render through cancerkg.validation.report unchanged. Shapes the
compiler leaves out are validated by pyshacl on the same triples, and the outcome says which.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as time_of_day
from decimal import Decimal

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from cancerkg.rdf.iris import XSD_STRING
from cancerkg.store.memory import to_rdflib
from cancerkg.validation.compiler import (
    TARGETS,
    Check,
    Plan,
    Sparql,
    blank_paths,
    compile_shapes,
    fill,
    term,
)
from cancerkg.validation.engine import quiet_rdflib, to_graph, validate_graph
from cancerkg.validation.report import Report, Result, show, show_iri, show_path, shown_result

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
    """Validate the default graph of `data` against `shapes`, every focus node at once.

    While it runs, each shape's focus nodes sit in a scratch named graph of `data`
    (urn:cancerkg:focus:...), removed at the end; the default graph is never written.
    """
    started = time.perf_counter()
    with quiet_rdflib():
        plan = plan_for(data, shapes)
        found: list[_Found] = []
        try:
            for graph, targets in plan.focus:
                data.update(fill("focus-insert", graph=Sparql(str(graph)), targets=targets))
            for check in plan.checks:
                found += _rows(check, data.query(check.query))
        finally:
            for graph, _ in plan.focus:
                data.remove_graph(graph)
        shown = _Shown(shapes)
        results = [shown.result(item) for item in found]
    report = Report(results, build=lambda: _report_graph(shapes, found))
    if plan.uncompiled and fallback:
        report = _merge(report, _pyshacl(data, shapes, plan))
    uncompiled = {str(shape): why for shape, why in plan.uncompiled.items()}
    return Outcome(report, len(plan.checks), uncompiled, time.perf_counter() - started)


def plan_for(data: ox.Store, shapes: Graph) -> Plan:
    """The compiled checks for `data`: which shapes compile does not depend on the data, but the
    ill-typed literals each sh:datatype must refuse do."""
    named = {str(d) for d in shapes.objects(None, SH.datatype) if isinstance(d, URIRef)}
    # A string, a language-tagged string or any literal is never ill-typed to pyshacl.
    never = {str(RDF.langString), str(RDFS.Literal), str(XSD.string)}
    bad = ill_typed(data, sorted(named - never))
    return compile_shapes(shapes, lambda datatype: bad.get(datatype.value, []))


def ill_typed(data: ox.Store, datatypes: list[str]) -> dict[str, list[ox.Literal]]:
    """The literals of each datatype in the data that pyshacl would not accept as of it; one
    pass over the data for all of them."""
    if not datatypes:
        return {}
    listed = Sparql(", ".join(term(URIRef(d)) for d in datatypes))
    found = data.query(fill("query-datatype-literals", datatypes=listed))
    assert isinstance(found, ox.QuerySolutions)
    bad: dict[str, list[ox.Literal]] = {}
    for row in found:
        value = row["value"]
        if not _well_typed(value):
            bad.setdefault(value.datatype.value, []).append(value)
    return bad


def _well_typed(literal: ox.Literal) -> bool:
    value = to_rdflib(literal)
    assert isinstance(value, Literal)
    if getattr(value, "ill_typed", None) is True:
        return False
    python_type = _PYTHON_TYPES.get(URIRef(literal.datatype.value))
    return python_type is None or isinstance(value.value, python_type)


OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass(frozen=True)
class _Found:
    """One row of a check, as a result: pyoxigraph terms, made into rdflib ones only if the
    report graph is asked for (a 1M-triple graph can give 180,000 results)."""

    check: Check
    focus: OxTerm
    value: OxTerm | None
    path: Node | None
    messages: tuple[Literal, ...]


def _rows(check: Check, rows: object) -> list[_Found]:
    """The results of one check's answer; rows of a SHACL-SPARQL query that say the same thing
    twice count once, as pyshacl counts them."""
    assert isinstance(rows, ox.QuerySolutions)
    names = [v.value for v in rows.variables]
    sparql = check.constraint is not None
    seen: set[tuple[object, ...]] = set()
    found: list[_Found] = []
    for row in rows:
        if not sparql:  # compiled queries are DISTINCT already
            value = row["value"] if check.report_value and "value" in names else None
            path = to_rdflib(row["path"]) if "path" in names else check.path
            focus = _written(check, row["this"])
            shown_value = None if value is None else _written(check, value)
            found.append(_Found(check, focus, shown_value, path, check.messages))
            continue
        bound = {n: row[n] for n in names if row[n] is not None}
        key = tuple(sorted((n, str(t)) for n, t in bound.items()))
        if key in seen:
            continue
        seen.add(key)
        focus = _written(check, bound["this"])
        found_value = bound.get("value", focus if check.path is None else None)
        sparql_path = to_rdflib(bound["path"]) if "path" in bound else check.path
        messages = tuple(
            Literal(_fill_bindings(str(m), bound), lang=m.language) for m in check.messages
        )
        found.append(_Found(check, focus, found_value, sparql_path, messages))
    return found


def _written(check: Check, found: OxTerm) -> OxTerm:
    """A term of an answer, as the shapes wrote it where pyoxigraph rewrote a target node."""
    for answered, written in check.aliases:
        if str(found) == answered:
            return written
    return found


def _shown(term: OxTerm | None) -> str | None:
    """`report.show` for a pyoxigraph term, without making an rdflib one."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return show_iri(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    text = json.dumps(term.value, ensure_ascii=False)
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype.value != XSD_STRING:
        return f"{text}^^{show_iri(term.datatype.value)}"
    return text


class _Shown:
    """What every result of a check shares, shown once."""

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self.checks: dict[int, tuple[str, str, str]] = {}
        self.paths: dict[Node | None, str | None] = {}

    def result(self, item: _Found) -> Result:
        check = item.check
        if id(check) not in self.checks:
            severity = str(check.severity).rsplit("#", 1)[-1]
            self.checks[id(check)] = (
                severity,
                show(check.shape) or "",
                show(check.component) or "",
            )
        if item.path not in self.paths:
            self.paths[item.path] = show_path(self.shapes, item.path)
        severity, shape, component = self.checks[id(check)]
        return shown_result(
            focus=_shown(item.focus) or "",
            path=self.paths[item.path],
            value=_shown(item.value),
            messages=[str(m) for m in item.messages],
            severity=severity,
            shape=shape,
            component=component,
        )


def _report_graph(shapes: Graph, found: list[_Found]) -> tuple[Graph, list[Node]]:
    """The sh:ValidationReport pyshacl would write for these results."""
    graph = Graph()
    nodes: list[Node] = []
    root = BNode()
    for item in found:
        node = BNode()
        nodes.append(node)
        check = item.check
        graph.add((root, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, to_rdflib(item.focus)))
        graph.add((node, SH.resultSeverity, check.severity))
        graph.add((node, SH.sourceShape, check.shape))
        graph.add((node, SH.sourceConstraintComponent, check.component))
        if item.value is not None:
            graph.add((node, SH.value, to_rdflib(item.value)))
        if item.path is not None:
            graph.add((node, SH.resultPath, item.path))
            for triple in blank_paths(shapes, item.path):
                graph.add(triple)
        if check.constraint is not None:
            graph.add((node, SH.sourceConstraint, check.constraint))
        for message in item.messages or (Literal(_DEFAULT_MESSAGE),):
            graph.add((node, SH.resultMessage, message))
    return graph, nodes


def _fill_bindings(message: str, bound: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]) -> str:
    """{?var} and {$var} of a SHACL-SPARQL message, as pyshacl fills them (the plain value)."""
    for name, value in bound.items():
        message = message.replace("{?" + name + "}", value.value)
        message = message.replace("{$" + name + "}", value.value)
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
    """One report of two; the graph of both is made when asked for."""

    def build() -> tuple[Graph, list[Node]]:
        graph = Graph()
        for triple in (*first.graph, *second.graph):
            graph.add(triple)
        return graph, [*first.nodes, *second.nodes]

    return Report([*first.results, *second.results], build=build)


def dataset_of(quads: Iterable[ox.Quad]) -> ox.Store:
    """An in-memory store whose default graph is the merge of `quads` (a set, as SHACL sees it)."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    return store

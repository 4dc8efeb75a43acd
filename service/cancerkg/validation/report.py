"""The outcome of a SHACL validation, as stewards read it and as machines exchange it.

pyshacl returns a sh:ValidationReport graph; this module turns it into plain results (focus node,
path, value, message, severity, shape) that can be filtered to the submission's own nodes, grouped
by focus node and rendered as text, JSON, or again as a standard sh:ValidationReport in Turtle or
JSON-LD. Messages may hold {$this}, {$value} and {$path}: they are filled in here, because
pyshacl fills them in only for SHACL-SPARQL constraints.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from cancerkg.errors import InputError
from cancerkg.rdf.iris import ID_PREFIXES, PREFIXES, XSD_STRING, compact_iri

SEVERITIES = ("Violation", "Warning", "Info")
FAIL_ON = {"violation": {"Violation"}, "warning": {"Violation", "Warning"}}
REPORT_FORMATS = {"turtle": "turtle", "json-ld": "json-ld"}
PREFIXES_FOR_REPORTS = PREFIXES | ID_PREFIXES
_PLACEHOLDER = re.compile(r"\{[?$](this|value|path)\}")


@dataclass(frozen=True)
class Result:
    """One validation result, with every term already rendered for people."""

    focus: str
    path: str | None
    value: str | None
    message: str
    severity: str
    shape: str
    component: str

    def as_dict(self) -> dict[str, str | None]:
        return {
            "path": self.path,
            "value": self.value,
            "message": self.message,
            "severity": self.severity,
            "shape": self.shape,
            "component": self.component,
        }


class Report:
    """The results kept after filtering, and the sh:ValidationReport graph they come from.

    The whole-graph engine makes thousands of results at once and most callers only count or
    print them, so it may pass `build` instead, which makes the graph when first asked for.
    """

    def __init__(
        self,
        results: list[Result],
        graph: Graph | None = None,
        nodes: list[Node] | None = None,
        *,
        build: Callable[[], tuple[Graph, list[Node]]] | None = None,
    ) -> None:
        self.results = results
        self._graph = (graph, nodes or []) if graph is not None else None
        self._build = build

    @property
    def graph(self) -> Graph:
        return self._made()[0]

    @property
    def nodes(self) -> list[Node]:
        return self._made()[1]

    def _made(self) -> tuple[Graph, list[Node]]:
        if self._graph is None:
            self._graph = self._build() if self._build is not None else (Graph(), [])
        return self._graph

    def counts(self) -> dict[str, int]:
        found = Counter(r.severity for r in self.results)
        return {severity: found.get(severity, 0) for severity in SEVERITIES}

    def conforms(self, fail_on: str = "violation") -> bool:
        """True when no result has a severity that blocks (Violation, or also Warning)."""
        blocking = FAIL_ON.get(fail_on)
        if blocking is None:
            raise InputError(f"unknown --fail-on {fail_on!r}; use violation or warning")
        return not any(r.severity in blocking for r in self.results)

    def by_focus(self) -> dict[str, list[Result]]:
        grouped: dict[str, list[Result]] = {}
        for result in sorted(self.results, key=_order):
            grouped.setdefault(result.focus, []).append(result)
        return grouped


def read_report(graph: Graph, keep: set[Node] | None = None) -> Report:
    """The results of a pyshacl report graph, only for focus nodes in `keep` when given."""
    results: list[Result] = []
    nodes: list[Node] = []
    # Only the report's own sh:result values: pyshacl also types nested sh:detail results.
    for node in graph.objects(None, SH.result):
        focus = graph.value(node, SH.focusNode)
        if keep is not None and focus not in keep:
            continue
        results.append(_result(graph, node))
        nodes.append(node)
    return Report(results, graph, nodes)


def _result(graph: Graph, node: Node) -> Result:
    messages = sorted(str(m) for m in graph.objects(node, SH.resultMessage))
    return make_result(
        focus=graph.value(node, SH.focusNode),
        path=show_path(graph, graph.value(node, SH.resultPath)),
        value=graph.value(node, SH.value),
        messages=messages,
        severity=graph.value(node, SH.resultSeverity),
        shape=graph.value(node, SH.sourceShape),
        component=graph.value(node, SH.sourceConstraintComponent),
    )


def make_result(
    *,
    focus: Node | None,
    path: str | None,
    value: Node | None,
    messages: list[str],
    severity: Node | None,
    shape: Node | None,
    component: Node | None,
) -> Result:
    """A result for people from the terms of a report graph."""
    return shown_result(
        focus=show(focus) or "",
        path=path,
        value=show(value),
        messages=messages,
        severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
        shape=show(shape) or "",
        component=show(component) or "",
    )


def shown_result(
    *,
    focus: str,
    path: str | None,
    value: str | None,
    messages: list[str],
    severity: str,
    shape: str,
    component: str,
) -> Result:
    """A result from terms already shown: the first message (sorted), placeholders filled."""
    terms = {"this": focus, "path": path, "value": value}
    message = min(messages) if messages else "constraint not met"
    if "{" in message:
        message = _PLACEHOLDER.sub(lambda m: terms[m.group(1)] or "nothing", message)
    if "http" in message:
        # pyshacl fills SPARQL placeholders with full IRIs; shorten them like every other term.
        message = _shorten_iris(message)
    return Result(focus, path, value, message, severity, shape, component)


def show(term: Node | None) -> str | None:
    """A term as people read it: a prefixed name, <iri>, "literal"^^type or _:blank."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return _compact_iri(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = json.dumps(str(term), ensure_ascii=False)
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype and str(term.datatype) != XSD_STRING:
            return f"{text}^^{_compact_iri(str(term.datatype))}"
        return text
    return str(term)


def show_path(graph: Graph, path: Node | None) -> str | None:
    """A SHACL property path in SPARQL path syntax: a/b, ^a, a*, (a|b)."""
    if path is None or not isinstance(path, BNode):
        return show(path)
    if graph.value(path, RDF.first) is not None:
        return "/".join(show_path(graph, p) or "" for p in Collection(graph, path))
    for predicate, template in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = graph.value(path, predicate)
        if inner is not None:
            return template.format(show_path(graph, inner))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return (
            "(" + "|".join(show_path(graph, p) or "" for p in Collection(graph, alternatives)) + ")"
        )
    return show(path)


def show_iri(iri: str) -> str:
    """An IRI as people read it: a prefixed name, or <iri>."""
    return _compact_iri(iri)


@lru_cache(maxsize=4096)
def _compact_iri(iri: str) -> str:
    """Cached: a whole-graph report names the same shapes, components and classes thousands of
    times."""
    return compact_iri(iri, PREFIXES_FOR_REPORTS) or f"<{iri}>"


def _shorten_iris(message: str) -> str:
    """Bare IRIs (as pyshacl puts them into SPARQL messages) in a known namespace, prefixed."""

    def shorten(match: re.Match[str]) -> str:
        iri = match.group(1).rstrip(".:")
        short = _compact_iri(iri)
        return match.group(1) if short.startswith("<") else short + match.group(1)[len(iri) :]

    return re.sub(r"(?<![<\w\"/])(https?://[^\s,;)\"'<>{}]+)", shorten, message)


def _order(result: Result) -> tuple[int, str, str]:
    return (SEVERITIES.index(result.severity), result.path or "", result.shape)


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------


def render(report: Report, fmt: str, *, fail_on: str = "violation") -> str:
    """The report as text, json, turtle or json-ld."""
    if fmt == "text":
        return render_text(report, fail_on=fail_on)
    if fmt == "json":
        return json.dumps(as_json(report, fail_on=fail_on), indent=2, ensure_ascii=False) + "\n"
    if fmt in REPORT_FORMATS:
        return report_graph(report).serialize(format=REPORT_FORMATS[fmt])
    raise InputError(f"unknown report format {fmt!r}; use text, json, turtle or json-ld")


def as_json(report: Report, *, fail_on: str = "violation") -> dict[str, Any]:
    """conforms (nothing at or above `fail_on`), counts by severity, results by focus node."""
    return {
        "conforms": report.conforms(fail_on),
        "fail_on": fail_on,
        "counts": report.counts(),
        "focus_nodes": [
            {"focus": focus, "results": [r.as_dict() for r in results]}
            for focus, results in report.by_focus().items()
        ],
    }


def render_text(report: Report, *, fail_on: str = "violation") -> str:
    counts = report.counts()
    summary = ", ".join(f"{n} {s.lower()}{'s' if n != 1 else ''}" for s, n in counts.items())
    verdict = "conforms" if report.conforms(fail_on) else "does not conform"
    lines = [f"{verdict}: {summary}"]
    for focus, results in report.by_focus().items():
        lines.append("")
        lines.append(focus)
        for r in results:
            lines.append(f"  {r.severity.upper():<9} {r.path or '(node)'}: {r.message}")
            detail = f"value {r.value}   " if r.value is not None else ""
            lines.append(f"  {'':<9} {detail}shape {r.shape}")
    return "\n".join(lines) + "\n"


def report_graph(report: Report) -> Graph:
    """A standard sh:ValidationReport holding only the kept results (SHACL's own conforms)."""
    out = Graph()
    for prefix, namespace in PREFIXES_FOR_REPORTS.items():
        out.bind(prefix, namespace)
    root = BNode()
    out.add((root, RDF.type, SH.ValidationReport))
    out.add((root, SH.conforms, Literal(not report.results)))
    for node in report.nodes:
        out.add((root, SH.result, node))
        for triple in _closure(report.graph, node):
            out.add(triple)
    return out


def _closure(graph: Graph, node: Node) -> Iterator[tuple[Node, Node, Node]]:
    """The triples about `node` and, recursively, about the blank nodes it points to."""
    seen: set[Node] = set()
    todo: list[Node] = [node]
    while todo:
        subject = todo.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for predicate, obj in graph.predicate_objects(subject):
            yield (subject, predicate, obj)
            if isinstance(obj, BNode):
                todo.append(obj)

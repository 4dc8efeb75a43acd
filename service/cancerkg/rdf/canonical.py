"""Stable labels for blank nodes, so two parses of similar data can be compared quad by quad.

A parser labels blank nodes by their order in the file, so the interval of a membership is
`_:b12` in one release and `_:b13` in the next. Here a blank node's label is a digest of where it
hangs (the IRI or blank node that alone refers to it, and by which predicate) and of what it says
(its own statements, nested blank nodes by their digests). The interval of a membership keeps
its label while neither the membership nor the interval changes, and an edited interval gets a
new one: a diff then shows the old interval removed and the new one added, as a reader expects.

This is not full RDF Dataset Canonicalization (RDFC-1.0): its labels are numbered in the order of
the whole dataset's hashes, so adding one blank node anywhere renames others, which is exactly
what a diff must not see. Blank nodes here hang in trees (intervals, instants, SHACL lists);
blank nodes in a cycle are still labelled, by their statements alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

Graph = ox.NamedNode | ox.BlankNode | ox.DefaultGraph
Key = tuple[Graph, ox.BlankNode]
LABEL_PREFIX = "c"


@dataclass
class Canonicaliser:
    """Collects a dataset's blank-node statements, then relabels every quad."""

    outgoing: dict[Key, list[tuple[str, ox.NamedNode | ox.BlankNode | ox.Literal]]] = field(
        default_factory=dict
    )
    incoming: dict[Key, list[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode]]] = field(
        default_factory=dict
    )
    parents: dict[Key, ox.NamedNode | ox.BlankNode] = field(default_factory=dict)
    """canonical blank node -> the one node that refers to it (none: no referrer, or several)"""
    _content: dict[Key, str] = field(default_factory=dict)
    _labels: dict[Key, ox.BlankNode] = field(default_factory=dict)

    def canonical(self, quads: Iterable[ox.Quad]) -> list[ox.Quad]:
        """The quads with every blank node relabelled by its digest."""
        listed = list(quads)
        blank = ox.BlankNode
        # `type(...) is` rather than isinstance: this runs once per quad of a whole release.
        with_blank_nodes = [
            i for i, q in enumerate(listed) if type(q.subject) is blank or type(q.object) is blank
        ]
        for index in with_blank_nodes:
            quad = listed[index]
            graph, subject, obj = quad.graph_name, quad.subject, quad.object
            if isinstance(subject, ox.BlankNode):
                self.outgoing.setdefault((graph, subject), []).append((quad.predicate.value, obj))  # type: ignore[arg-type]
            if isinstance(obj, ox.BlankNode):
                self.incoming.setdefault((graph, obj), []).append((subject, quad.predicate))  # type: ignore[arg-type]
        for index in with_blank_nodes:  # most quads have none: they are kept as they are
            listed[index] = self._relabel(listed[index])
        return listed

    def _relabel(self, quad: ox.Quad) -> ox.Quad:
        graph = quad.graph_name
        subject, obj = quad.subject, quad.object
        if isinstance(subject, ox.BlankNode):
            subject = self._label((graph, subject))
        if isinstance(obj, ox.BlankNode):
            obj = self._label((graph, obj))
        if subject is quad.subject and obj is quad.object:
            return quad
        return ox.Quad(subject, quad.predicate, obj, graph)

    def _label(self, key: Key, seen: frozenset[Key] = frozenset()) -> ox.BlankNode:
        if key in self._labels:
            return self._labels[key]
        referrers = self.incoming.get(key, [])
        context = ""
        parent: ox.NamedNode | ox.BlankNode | None = None
        if len(referrers) == 1 and key not in seen:
            referrer, predicate = referrers[0]
            if isinstance(referrer, ox.BlankNode):
                referrer = self._label((key[0], referrer), seen | {key})
            parent = referrer
            context = f"{referrer} {predicate}"
        digest = _digest(context + "\n" + self._content_of(key))
        label = ox.BlankNode(LABEL_PREFIX + digest)
        self._labels[key] = label
        if parent is not None:
            self.parents[(key[0], label)] = parent
        return label

    def _content_of(self, key: Key, seen: frozenset[Key] = frozenset()) -> str:
        if key in self._content:
            return self._content[key]
        if key in seen:
            return "cycle"
        parts = []
        for predicate, obj in self.outgoing.get(key, []):
            if isinstance(obj, ox.BlankNode):
                text = "_:" + _digest(self._content_of((key[0], obj), seen | {key}))
            else:
                text = str(obj)
            parts.append(f"{predicate} {text}")
        content = "\n".join(sorted(parts))
        self._content[key] = content
        return content


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]

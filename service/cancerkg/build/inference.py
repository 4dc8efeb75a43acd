"""Derive the triples the queries rely on (types from subclasses, super-properties, inverses,
symmetric relations, membership shortcuts) with SPARQL rules kept in ontology/rules/.

Rules run over the union of all graphs until nothing new appears; what they add goes to its own
named graph, so asserted and inferred facts are never mixed. Measured: milliseconds, where a full
OWL reasoner takes minutes on the same data (docs/architecture.md, Measured facts).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from cancerkg.errors import BuildError
from cancerkg.rdf.iris import INFERRED_GRAPH

MAX_ROUNDS = 10


def infer(store: ox.Store, rules: list[Path], report: Callable[[int], None] | None = None) -> int:
    """Apply the rules to a fixpoint; return how many triples were added to the inferred graph."""
    graph = ox.NamedNode(INFERRED_GRAPH)
    texts = [(rule.name, rule.read_text(encoding="utf-8")) for rule in rules]
    added = 0
    for round_number in range(1, MAX_ROUNDS + 1):
        new = _one_round(store, texts)
        store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in new)
        added += len(new)
        if report:
            report(round_number)
        if not new:
            return added
    raise BuildError(f"inference did not reach a fixpoint in {MAX_ROUNDS} rounds; check the rules")


def _one_round(store: ox.Store, rules: list[tuple[str, str]]) -> set[ox.Triple]:
    new: set[ox.Triple] = set()
    for name, text in rules:
        for triple in construct(store, f"ontology/rules/{name}", text, union=True):
            if triple not in new and not _known(store, triple):
                new.add(triple)
    return new


def construct(store: ox.Store, source: str, text: str, *, union: bool) -> ox.QueryTriples:
    """Run one CONSTRUCT file of the ontology (a rule or a summary); a file that is no valid
    CONSTRUCT stops the build naming it. `union`: read pyoxigraph's union of the named graphs
    (before the default graph is materialised) instead of the stored default graph."""
    try:
        derived = store.query(text, use_default_graph_as_union=union)
    except SyntaxError as error:
        raise BuildError(f"{source}: invalid SPARQL: {error}") from None
    if not isinstance(derived, ox.QueryTriples):
        raise BuildError(f"{source}: it must be a CONSTRUCT query")
    return derived


def _known(store: ox.Store, triple: ox.Triple) -> bool:
    matches = store.quads_for_pattern(triple.subject, triple.predicate, triple.object, None)
    return next(iter(matches), None) is not None

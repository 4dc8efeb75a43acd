"""Derive the triples the queries rely on (types from subclasses, super-properties, inverses,
symmetric relations, membership shortcuts) with SPARQL rules kept in ontology/rules/.

Rules run over the materialised default graph (the union of every graph) until nothing new
appears. Each rule's CONSTRUCT runs with its WHERE extended by `FILTER NOT EXISTS { template }`,
so only solutions that add something come back, and what they add is bulk-loaded into the
default graph (the next rule and round see it) and into the inferred graph. At 1M source
triples that takes seconds a round, where checking every answer from Python took 56 s and a
SPARQL INSERT's transaction 1 GB (bench/RESULTS.md, "Build"). A rule writes its template whole,
so at the end the inferred graph drops what a source asserts: asserted and inferred facts are
never mixed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox

from cancerkg.errors import BuildError
from cancerkg.internal_queries import internal_query
from cancerkg.rdf.iris import INFERRED_GRAPH
from cancerkg.store.oxigraph import has_default_graph

MAX_ROUNDS = 10
_CONSTRUCT = re.compile(r"\bCONSTRUCT\s*\{", re.IGNORECASE)


def infer(store: ox.Store, rules: list[Path], report: Callable[[int], None] | None = None) -> int:
    """Apply the rules to a fixpoint; return how many triples the inferred graph holds."""
    if not has_default_graph(store):
        raise BuildError("inference needs the materialised default graph: call materialise_union")
    texts = [(f"ontology/rules/{rule.name}", only_new(rule)) for rule in rules]
    graph = ox.NamedNode(INFERRED_GRAPH)
    for round_number in range(1, MAX_ROUNDS + 1):
        added = 0
        for name, text in texts:
            new = list(construct(store, name, text))
            store.bulk_extend(_into(new, graph))
            added += len(new)
        if report:
            report(round_number)
        if not added:
            drop = internal_query("inferred-drop-asserted")
            store.update(drop.replace("?inferred", f"<{INFERRED_GRAPH}>"))
            return _size(store, graph)
    raise BuildError(f"inference did not reach a fixpoint in {MAX_ROUNDS} rounds; check the rules")


def only_new(rule: Path) -> str:
    """The rule's CONSTRUCT with `FILTER NOT EXISTS { template }` closing its WHERE: the
    solutions whose template is all known already (asserted or inferred) are not returned."""
    text = rule.read_text(encoding="utf-8")
    plain = _without_comments(text)
    found = _CONSTRUCT.search(plain)
    if found is None:
        raise BuildError(f"ontology/rules/{rule.name}: it must be a CONSTRUCT query")
    end = _closing_brace(plain, found.end(), rule.name)
    where = plain.find("{", end + 1)
    last = _closing_brace(plain, where + 1, rule.name) if where > 0 else -1
    if last < 0:
        raise BuildError(f"ontology/rules/{rule.name}: no WHERE {{ ... }} after the template")
    template = text[found.end() : end]
    return f"{text[:last]}  FILTER NOT EXISTS {{ {template} }}\n{text[last:]}"


def _without_comments(text: str) -> str:
    """The text with each # comment blanked out (same length), so positions still match."""
    return re.sub(r"#[^\n]*", lambda m: " " * len(m.group()), text)


def _closing_brace(text: str, start: int, name: str) -> int:
    depth = 1
    for at in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[at], 0)
        if depth == 0:
            return at
    raise BuildError(f"ontology/rules/{name}: a {{ is never closed")


def _into(triples: list[ox.Triple], graph: ox.NamedNode) -> Iterator[ox.Quad]:
    """Each triple in the default graph and in `graph`."""
    for t in triples:
        yield ox.Quad(t.subject, t.predicate, t.object)
        yield ox.Quad(t.subject, t.predicate, t.object, graph)


def _size(store: ox.Store, graph: ox.NamedNode) -> int:
    rows = store.query(internal_query("graph-size"), substitutions={ox.Variable("graph"): graph})
    assert isinstance(rows, ox.QuerySolutions)
    row = next(iter(rows), None)
    return 0 if row is None else int(row["triples"].value)


def construct(store: ox.Store, source: str, text: str) -> ox.QueryTriples:
    """Run one CONSTRUCT file of the ontology (a rule or a summary) over the stored default
    graph; a file that is no valid CONSTRUCT stops the build naming it."""
    try:
        derived = store.query(text)
    except SyntaxError as error:
        raise BuildError(f"{source}: invalid SPARQL: {error}") from None
    if not isinstance(derived, ox.QueryTriples):
        raise BuildError(f"{source}: it must be a CONSTRUCT query")
    return derived

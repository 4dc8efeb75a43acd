"""Derive the summary counts the aggregate queries read (network sizes, cancer-ERN counts per
institution, members per domain and country) with SPARQL CONSTRUCT queries kept in
ontology/summaries/.

Counts are not monotone: a count taken before the rules reach their fixpoint would be wrong, and
a rule round after it would add a second count beside the first. So the summaries run once,
after inference, each over the same finished graph, into a named graph of their own. The release
is read-only, so a count stored at build time can never go stale; it replaces an aggregation over
every membership of the graph on each query (measured in bench/RESULTS.md).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from cancerkg.build.inference import construct
from cancerkg.errors import BuildError
from cancerkg.rdf.iris import SUMMARY_GRAPH
from cancerkg.store.oxigraph import has_default_graph


def summarise(store: ox.Store, queries: list[Path]) -> int:
    """Run every summary query over the materialised default graph (the union of the named
    graphs: six times faster than pyoxigraph's union mode at 1M triples); store the answers in the
    summaries graph and in the default graph, so it stays that union. Return how many."""
    if not has_default_graph(store):
        raise BuildError(
            "summaries need the materialised default graph: call materialise_union first"
        )
    triples: list[ox.Triple] = []
    for path in queries:
        text = path.read_text(encoding="utf-8")
        triples.extend(construct(store, f"ontology/summaries/{path.name}", text))
    # Stored after every query ran, so no summary counts another's output.
    for graph in (ox.NamedNode(SUMMARY_GRAPH), ox.DefaultGraph()):
        store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    return len(triples)

"""Derive the summary counts the aggregate queries read (network sizes, cancer-ERN counts per
institution, members per domain and country) with SPARQL CONSTRUCT queries kept in
ontology/summaries/.

Counts are not monotone: a count taken before the rules reach their fixpoint would be wrong, and
a rule round after it would add a second count beside the first. So the summaries run once,
after inference, each over the same finished graph, into a named graph of their own. The release
is read-only, so a count stored at build time can never go stale; it replaces an aggregation over
every membership of the graph on each query (GUIDE §6: every named query under 50 ms at 1M).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from cancerkg.errors import BuildError
from cancerkg.iris import SUMMARY_GRAPH


def summarise(store: ox.Store, queries: list[Path]) -> int:
    """Run every summary query over the union of graphs; store the answers; return how many."""
    graph = ox.NamedNode(SUMMARY_GRAPH)
    derived: list[ox.Quad] = []
    for path in queries:
        try:
            result = store.query(path.read_text(encoding="utf-8"), use_default_graph_as_union=True)
        except SyntaxError as error:
            raise BuildError(f"ontology/summaries/{path.name}: invalid SPARQL: {error}") from None
        if not isinstance(result, ox.QueryTriples):
            raise BuildError(f"ontology/summaries/{path.name}: a summary must be a CONSTRUCT query")
        derived.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in result)
    store.extend(derived)  # after every query ran, so no summary counts another's output
    return len(derived)

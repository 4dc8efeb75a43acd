"""`cancerkg stats`: what the graph holds — triples, named graphs, instances per class and
concepts per scheme — computed with SPARQL so every backend answers the same way."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from cancerkg.internal_queries import internal_query
from cancerkg.store.protocol import Store


@dataclass(frozen=True)
class Stats:
    triples: int
    graphs: list[tuple[str, int]]
    classes: list[tuple[str, int]]
    schemes: list[tuple[str, int]]

    def class_count(self, iri: str) -> int:
        return dict(self.classes).get(iri, 0)


def compute_stats(store: Store) -> Stats:
    total = _pairs(store, "stats-triples")
    return Stats(
        triples=total[0][1] if total else 0,
        graphs=_pairs(store, "stats-graphs"),
        classes=_pairs(store, "stats-classes"),
        schemes=_pairs(store, "stats-schemes"),
    )


def _pairs(store: Store, name: str) -> list[tuple[str, int]]:
    """Rows of (label, count) from a two-column query (or a one-column count)."""
    result = store.query(internal_query(name))
    assert isinstance(result, ox.QuerySolutions)
    rows: list[tuple[str, int]] = []
    for solution in result:
        values = [solution[i] for i in range(len(result.variables))]
        count = values[-1]
        key = values[0].value if len(values) > 1 and values[0] is not None else ""
        rows.append((key, int(count.value) if count is not None else 0))
    return rows

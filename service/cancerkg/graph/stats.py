"""`cancerkg stats`: what the graph holds — triples, named graphs, instances per class and
concepts per scheme — computed with SPARQL so every backend answers the same way."""

from __future__ import annotations

from dataclasses import dataclass

from cancerkg.graph.completeness import completeness
from cancerkg.internal_queries import internal_query
from cancerkg.store.protocol import Store, select


@dataclass(frozen=True)
class Stats:
    triples: int
    graphs: list[tuple[str, int]]
    classes: list[tuple[str, int]]
    schemes: list[tuple[str, int]]
    identifiers: list[tuple[str, int]]  # institutions, ROR and Wikidata links, dated memberships
    completeness: list[tuple[str, int, int]]  # entity IRI, listed, reported members

    def share(self, part: str, whole: str) -> float:
        """`part` over `whole` among the identifier figures (0 when there is no whole)."""
        figures = dict(self.identifiers)
        return figures.get(part, 0) / figures[whole] if figures.get(whole) else 0.0

    def class_count(self, iri: str) -> int:
        return dict(self.classes).get(iri, 0)


def compute_stats(store: Store) -> Stats:
    total = _pairs(store, "stats-triples")
    return Stats(
        triples=total[0][1] if total else 0,
        graphs=_pairs(store, "stats-graphs"),
        classes=_pairs(store, "stats-classes"),
        schemes=_pairs(store, "stats-schemes"),
        identifiers=_pairs(store, "stats-identifiers"),
        completeness=[(c.iri, c.listed, c.reported) for c in completeness(store)],
    )


def _pairs(store: Store, name: str) -> list[tuple[str, int]]:
    """Rows of (label, count) from a two-column query (or a one-column count)."""
    result = select(store, internal_query(name))
    rows: list[tuple[str, int]] = []
    for solution in result:
        values = [solution[name] for name in result.variables]
        count = values[-1]
        key = values[0].value if len(values) > 1 and values[0] is not None else ""
        rows.append((key, int(count.value) if count is not None else 0))
    return rows

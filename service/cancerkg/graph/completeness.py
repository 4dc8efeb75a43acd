"""How complete the map is: the members the graph lists next to the latest count a source
reports (computed by the build, ontology/summaries/completeness.rq), so a reader never takes
"26 members in 9 countries" for the whole of EURACAN."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from cancerkg.internal_queries import internal_query
from cancerkg.rdf.terms import term_text
from cancerkg.store.protocol import Row, Store, select


@dataclass(frozen=True)
class Completeness:
    """Listed of reported members of one entity, and where the reported figure comes from."""

    iri: str
    label: str
    listed: int
    reported: int
    date: str
    unit: str
    source: str

    @property
    def share(self) -> float:
        """Listed over reported (1 when the graph lists at least as many)."""
        return min(1.0, self.listed / self.reported) if self.reported else 1.0

    @property
    def sentence(self) -> str:
        return f"{self.listed} of {self.reported} reported members listed ({self.date})"


def completeness(store: Store, iri: str | None = None) -> list[Completeness]:
    """Every entity with a reported member count (or only `iri`), largest reported first."""
    bindings = {"entity": ox.NamedNode(iri)} if iri else None
    rows = select(store, internal_query("completeness"), substitutions=bindings)
    return [_entry(row) for row in rows if row["entity"] is not None]


def _entry(row: Row) -> Completeness:
    return Completeness(
        iri=term_text(row["entity"]),
        label=term_text(row["label"]) or term_text(row["entity"]).rsplit("/", 1)[-1],
        listed=int(term_text(row["listed"]) or 0),
        reported=int(term_text(row["reported"]) or 0),
        date=term_text(row["date"]),
        unit=term_text(row["unit"]),
        source=term_text(row["source"]),
    )

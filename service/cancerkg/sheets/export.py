"""The current members of a network as rows of the memberships template (the round trip: an
office exports its list, corrects it, and sends it back through `cancerkg validate`)."""

from __future__ import annotations

import pyoxigraph as ox

from cancerkg.errors import NotFoundError
from cancerkg.internal_queries import internal_query
from cancerkg.rdf.iris import ID, ID_PREFIXES, compact_iri
from cancerkg.sheets.layout import layout
from cancerkg.sheets.mapping import slug
from cancerkg.sheets.templates import write_table
from cancerkg.store.protocol import Store, select

ORGANISATION = ID + "organisation/"


def export_memberships(store: Store, network: str, fmt: str) -> bytes:
    """The network's current memberships (no end, or an end still to come) as CSV or XLSX."""
    iri = ox.NamedNode(f"{ID}network/{slug(network)}")
    rows = select(
        store, internal_query("sheets-export-memberships"), substitutions={"network": iri}
    )
    if not rows:
        raise NotFoundError(
            f"no current members of network {slug(network)!r} in the graph; "
            "check the slug (cancerkg query network-overview)"
        )
    chosen = layout("memberships")
    cells = [
        {**row, "network": ox.Literal(slug(network)), "institution": _member(row["institution"])}
        for row in rows
    ]
    table = [[_text(row.get(c.name)) for c in chosen.columns] for row in cells]
    return write_table(chosen, table, fmt, store)


def _member(term: object) -> ox.Literal:
    """An organisation as its slug (what the template asks for); any other member, such as a
    network that is a member of a network, as its prefixed name (net:endocan), which the
    mapping reads back as the same IRI."""
    iri = str(getattr(term, "value", ""))
    if iri.startswith(ORGANISATION):
        return ox.Literal(iri[len(ORGANISATION) :])
    return ox.Literal(compact_iri(iri, ID_PREFIXES) or iri)


def _text(term: object) -> str:
    return str(getattr(term, "value", "")) if term is not None else ""

"""Which representation a linked-data request gets: its file extension (e.g.
/id/network/euracan.ttl) wins, else its Accept header through the one content negotiation.

A browser names text/html explicitly and gets a page; a client that sends no Accept header or
only */* (curl, most harvesters) gets Turtle, because it is a program, not a person.
"""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import Request, Response

from cancerkg.rdf import formats
from cancerkg.rdf.formats import HTML, JSON_LD, N_TRIPLES, RDF_XML, TURTLE, Format
from cancerkg.rdf.results import serialize
from cancerkg.web import jsonld

REPRESENTATIONS = (TURTLE, HTML, JSON_LD, N_TRIPLES, RDF_XML)  # server preference on a tie
BY_EXTENSION = {f.extension: f for f in REPRESENTATIONS} | {"json": JSON_LD}


def split_extension(
    path: str, by_extension: dict[str, Format] = BY_EXTENSION
) -> tuple[str, Format | None]:
    """'euracan.ttl' -> ('euracan', Turtle); a name without a known extension is unchanged."""
    stem, dot, extension = path.rpartition(".")
    if dot and extension in by_extension and "/" not in extension:
        return stem, by_extension[extension]
    return path, None


def prefers_html(accept: str | None) -> bool:
    """Whether the client prefers a page to any RDF or JSON: a browser, not a program (no
    Accept, */* or anything unmatched counts as a program)."""
    return formats.negotiate(accept, REPRESENTATIONS, fallback=True)[0] == HTML


def negotiate(accept: str | None, extension: Format | None = None) -> Format:
    """The representation to send: the extension wins, else the best match for Accept."""
    if extension is not None:
        return extension
    return formats.negotiate(accept, REPRESENTATIONS)[0]


def rdf_response(
    request: Request, triples: list[ox.Triple], representation: Format, about: str
) -> Response:
    """Triples in the negotiated RDF format; JSON-LD compacted with the published context (or
    expanded when asked), the node `about` first."""
    if representation == JSON_LD:
        return jsonld.jsonld_response(request, triples, about)
    return Response(serialize(triples, representation.name), media_type=representation.content_type)

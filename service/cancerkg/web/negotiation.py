"""Content negotiation for linked-data documents: which representation a request gets, from its
file extension (e.g. /id/network/euracan.ttl) or else its Accept header.

A browser names text/html explicitly and gets a page; a client that sends no Accept header or
only */* (curl, most harvesters) gets Turtle, because it is a program, not a person.
"""

from __future__ import annotations

from dataclasses import dataclass

from cancerkg.errors import NotAcceptableError

HTML = "text/html"


@dataclass(frozen=True)
class Representation:
    """One way to send a description: the media type and the core's serialisation name."""

    media_type: str
    format: str  # a results.GRAPH_FORMATS key, or "html"
    extension: str

    @property
    def content_type(self) -> str:
        text = self.media_type.startswith("text/") or self.format == "json-ld"
        return f"{self.media_type}; charset=utf-8" if text else self.media_type


TURTLE = Representation("text/turtle", "turtle", "ttl")
REPRESENTATIONS = (  # server preference when the client accepts several equally
    TURTLE,
    Representation(HTML, "html", "html"),
    Representation("application/ld+json", "json-ld", "jsonld"),
    Representation("application/n-triples", "nt", "nt"),
    Representation("application/rdf+xml", "xml", "rdf"),
)
ALIASES = {
    "application/json": "application/ld+json",
    "application/xhtml+xml": HTML,
    "text/n3": "text/turtle",
    "application/x-turtle": "text/turtle",
}
BY_EXTENSION = {r.extension: r for r in REPRESENTATIONS} | {"json": REPRESENTATIONS[2]}


def split_extension(path: str) -> tuple[str, Representation | None]:
    """'euracan.ttl' -> ('euracan', Turtle); a name without a known extension is unchanged."""
    stem, dot, extension = path.rpartition(".")
    if dot and extension in BY_EXTENSION and "/" not in extension:
        return stem, BY_EXTENSION[extension]
    return path, None


def negotiate(accept: str | None, extension: Representation | None = None) -> Representation:
    """The representation to send: the extension wins, else the best match for Accept."""
    if extension is not None:
        return extension
    if not accept or not accept.strip():
        return TURTLE
    ranges = parse_accept(accept)
    best: tuple[float, int] | None = None
    chosen: Representation | None = None
    for order, representation in enumerate(REPRESENTATIONS):
        quality = _quality(ranges, representation.media_type)
        if quality <= 0:
            continue
        key = (quality, -order)
        if best is None or key > best:
            best, chosen = key, representation
    if chosen is None:
        offered = ", ".join(r.media_type for r in REPRESENTATIONS)
        raise NotAcceptableError(f"no representation fits Accept: {accept}; offered: {offered}")
    return chosen


def parse_accept(accept: str) -> list[tuple[str, float]]:
    """(media range, q) pairs; malformed q values count as 1, as browsers send them loosely."""
    ranges = []
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        if not media:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 1.0
        media = media.lower()
        ranges.append((ALIASES.get(media, media), quality))
    return ranges


def _quality(ranges: list[tuple[str, float]], media_type: str) -> float:
    """The q of the most specific range that covers `media_type` (RFC 9110 §12.5.1)."""
    kind = media_type.split("/")[0]
    best_specificity, quality = -1, 0.0
    for media_range, q in ranges:
        if media_range == media_type:
            specificity = 2
        elif media_range == f"{kind}/*":
            specificity = 1
        elif media_range == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best_specificity:
            best_specificity, quality = specificity, q
    return quality

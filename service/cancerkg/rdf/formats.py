"""Every format the service reads or writes, in one table, and the one content negotiation.

The table is built on pyoxigraph's own `RdfFormat` and `QueryResultsFormat`, which carry each
format's media type, file extension and W3C format IRI; this module adds only what they do not
know: our short names (`?format=`, `--format`), the media types clients send for the same
thing (`application/x-turtle`, `text/plain`), and which kind of answer a format fits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import mimeparse  # type: ignore[import-untyped]
import pyoxigraph as ox

from cancerkg.errors import InputError, NotAcceptableError

Kind = Literal["graph", "tabular", "page"]


@dataclass(frozen=True)
class Format:
    """One format: its short name, media type, extension, and the kinds of answer it can carry."""

    name: str
    media_type: str
    extension: str
    kinds: frozenset[str]
    rdf: ox.RdfFormat | None = None
    results: ox.QueryResultsFormat | None = None
    names: tuple[str, ...] = ()  # other short names users type
    media_aliases: tuple[str, ...] = field(default=())  # other media types clients send

    @property
    def iri(self) -> str | None:
        """The W3C format IRI (http://www.w3.org/ns/formats/...), for service descriptions."""
        source = self.rdf or self.results
        return source.iri if source is not None else None

    @property
    def content_type(self) -> str:
        """The Content-Type header: text formats and JSON say their charset."""
        textual = self.media_type.startswith("text/") or self.media_type.endswith("json")
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type


def _rdf(name: str, fmt: ox.RdfFormat, *names: str, aliases: tuple[str, ...] = ()) -> Format:
    return Format(
        name, fmt.media_type, fmt.file_extension, frozenset({"graph"}), rdf=fmt, names=names,
        media_aliases=aliases,
    )  # fmt: skip


def _results(name: str, fmt: ox.QueryResultsFormat, *names: str) -> Format:
    media_type = fmt.media_type.split(";")[0]
    return Format(
        name, media_type, fmt.file_extension, frozenset({"tabular", "boolean"}), results=fmt,
        names=names,
    )  # fmt: skip


# Server preference first where a client accepts several equally.
# Turtle is N3's data subset: a client asking for N3 (SPARQLWrapper's N3) can read it.
TURTLE = _rdf(
    "turtle", ox.RdfFormat.TURTLE, "ttl", "n3", aliases=("application/x-turtle", "text/n3")
)
JSON_LD = _rdf("json-ld", ox.RdfFormat.JSON_LD, "jsonld", "json", aliases=("application/json",))
N_TRIPLES = _rdf("nt", ox.RdfFormat.N_TRIPLES, "ntriples", "n-triples", aliases=("text/plain",))
RDF_XML = _rdf("xml", ox.RdfFormat.RDF_XML, "rdfxml", "rdf", aliases=("application/xml",))
N_QUADS = _rdf("nquads", ox.RdfFormat.N_QUADS, "nq", "n-quads")
TRIG = _rdf("trig", ox.RdfFormat.TRIG)
RESULTS_JSON = _results("json", ox.QueryResultsFormat.JSON)
RESULTS_XML = _results("xml", ox.QueryResultsFormat.XML)
CSV = _results("csv", ox.QueryResultsFormat.CSV)
TSV = _results("tsv", ox.QueryResultsFormat.TSV)
HTML = Format(
    "html", "text/html", "html", frozenset({"page"}), media_aliases=("application/xhtml+xml",)
)
# The relationship API's own JSON (rows as plain objects), beside CSV and TSV of the same rows.
API_JSON = Format("json", "application/json", "json", frozenset({"api"}))
API_FORMATS = (API_JSON, CSV, TSV)
GRAPH_FORMATS = (TURTLE, JSON_LD, N_TRIPLES, RDF_XML, N_QUADS, TRIG)
RESULT_FORMATS = (RESULTS_JSON, RESULTS_XML, CSV, TSV)
# What SPARQL clients send for results: plain JSON and XML mean the results formats.
RESULT_ALIASES = {RESULTS_JSON: ("application/json",), RESULTS_XML: ("application/xml", "text/xml")}


def by_name(name: str, among: Iterable[Format], what: str = "format") -> Format:
    """The format a short name or media type names among `among` (of a comma-separated list,
    as SPARQLWrapper sends, the first that fits); InputError otherwise."""
    candidates = list(among)
    for wanted in (part.strip().lower() for part in name.split(",")):
        for fmt in candidates:
            if wanted in (fmt.name, fmt.media_type, fmt.extension, *fmt.names, *fmt.media_aliases):
                return fmt
    known = ", ".join(sorted({f.name for f in candidates}))
    raise InputError(f"unknown {what} {name!r}; use one of: {known}")


def by_media_type(content_type: str | None, among: Iterable[Format]) -> Format | None:
    """The format of a body from its Content-Type (parameters ignored), if one of `among`."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    for fmt in among:
        if media == fmt.media_type or media in fmt.media_aliases:
            return fmt
    return None


def by_extension(extension: str, among: Iterable[Format]) -> Format | None:
    """The format a file extension (without the dot) names, if one of `among`."""
    wanted = extension.lower()
    for fmt in among:
        if wanted in (fmt.extension, *fmt.names):
            return fmt
    return None


def negotiate(
    accept: str | None,
    offered: Sequence[Format],
    *,
    aliases: dict[Format, tuple[str, ...]] | None = None,
    fallback: bool = False,
) -> tuple[Format, str]:
    """The format of `offered` that fits an Accept header best (q-values, wildcards, q=0), and
    the media type it was matched by (an alias such as application/json is answered as such).

    No header, or only malformed ranges (ignored, as browsers and servers do), gives the first
    offered. With nothing acceptable: the first offered if `fallback`, else 406.
    """
    extra = aliases or {}
    canonical = {media: f for f in offered for media in (*f.media_aliases, *extra.get(f, ()))}
    ranges = _ranges(accept)
    if not ranges:
        return offered[0], offered[0].media_type
    # An alias counts as its format's own media type, but only where the client names it: a
    # wildcard must not pick text/plain or application/x-turtle over the real thing.
    named: dict[Format, str] = {}
    rewritten = []
    for media_range in ranges:
        media, _, params = media_range.partition(";")
        fmt = canonical.get(media.strip())
        if fmt is not None:
            named.setdefault(fmt, media.strip())
            media_range = fmt.media_type + (";" + params if params else "")
        rewritten.append(media_range)
    # mimeparse prefers the later entry on a tie: the server's preference goes last.
    supported = [f.media_type for f in reversed(offered)]
    choice = mimeparse.best_match(supported, ",".join(rewritten))
    if choice:
        chosen = next(f for f in offered if f.media_type == choice)
        explicit = any(r.split(";")[0].strip() == choice for r in ranges)
        return chosen, chosen.media_type if explicit else named.get(chosen, chosen.media_type)
    if fallback:
        return offered[0], offered[0].media_type
    raise NotAcceptableError(
        f"no format fits Accept: {accept}; available: "
        + ", ".join(dict.fromkeys(f.media_type for f in offered))
    )


def _ranges(accept: str | None) -> list[str]:
    """The well-formed media ranges of an Accept header."""
    ranges = []
    for item in (accept or "").split(","):
        try:
            mimeparse.parse_media_range(item)
        except (mimeparse.MimeTypeParseException, ValueError):
            continue
        ranges.append(item.strip().lower())
    return [r for r in ranges if r]

"""The SPARQL 1.1 Protocol's query operation, apart from any web framework.

What a request means (method, parameters, media types and their failure statuses), which result
format a client gets (Accept with q-values, or a `format` parameter), the read-only and SERVICE
rules, the row cap, and the Service Description. The HTTP shell only moves bytes in and out.
"""

from __future__ import annotations

import itertools
import json
import re
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import mimeparse  # type: ignore[import-untyped]
import pyoxigraph as ox

from cancerkg.endpoint.federation import check_federation
from cancerkg.endpoint.jobs import QUERY_ADVICE, Advice
from cancerkg.errors import (
    CancerKGError,
    FederationError,
    InputError,
    MethodNotAllowedError,
    QuerySyntaxError,
    QueryTooLongError,
    UnsupportedMediaTypeError,
    UpdateRefusedError,
)
from cancerkg.rdf import formats, results
from cancerkg.rdf.formats import GRAPH_FORMATS, RESULT_ALIASES, RESULT_FORMATS, Format
from cancerkg.rdf.iris import RDF_TYPE, SD, XSD_STRING, checked_iri
from cancerkg.store.protocol import Store

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
# A graph that never exists: the protocol's "only named graphs given" means an empty default graph.
EMPTY_GRAPH = "urn:x-cancerkg:empty-default-graph"

# What each kind of result can be written as, in the server's order of preference.
OFFERED: dict[str, tuple[Format, ...]] = {
    "tabular": RESULT_FORMATS,
    "boolean": RESULT_FORMATS,
    "graph": GRAPH_FORMATS,
}
# A base IRI pasted into the query text must not be able to end the IRI and add query text.
SAFE_IRI = re.compile(r"[^\s<>\"{}|^`\\]+")
ERROR_POSITION = re.compile(r"\berror at (\d+):(\d+)")


@dataclass(frozen=True)
class ProtocolRequest:
    """What a protocol request asks for; `query` None asks for the Service Description."""

    query: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] | None = None
    format: str | None = None


@dataclass(frozen=True)
class QueryJob:
    """One query to evaluate, with everything needed to render it (picklable for workers)."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] | None = None
    accept: str | None = None
    format: str | None = None
    max_rows: int = 10_000
    base_iri: str | None = None  # relative IRIs in the query resolve against it (the endpoint)
    federated: bool = False  # it calls allowed remote endpoints: their failures are not echoed
    advice: Advice = QUERY_ADVICE  # what to tell the client when it is stopped
    timeout: float | None = None  # None: the service's query time limit

    def compute(self, store: Store) -> QueryAnswer:
        return execute(store, self)


@dataclass(frozen=True)
class QueryAnswer:
    """A rendered result: bytes, their media type, and whether the row cap cut it short."""

    body: bytes
    media_type: str
    truncated: bool = False
    rows: int | None = None  # solutions in the body, for SELECT
    cached: bool = False  # answered from the release's result cache (endpoint/cache.py)


def parse_request(
    method: str,
    params: Sequence[tuple[str, str]],
    content_type: str | None,
    body: bytes,
) -> ProtocolRequest:
    """The query, dataset and format a GET or POST asks for.

    Raises the protocol's errors: 405 for other methods, 415 for a POST body whose media type or
    charset is not allowed, 400 for repeated queries, 403 for any update (read-only endpoint).
    """
    if method not in ("GET", "POST"):
        raise MethodNotAllowedError(f"{method} is not a SPARQL query operation; use GET or POST")
    fields = list(params)
    direct: str | None = None
    if method == "POST":
        mime, charset = _media_type(content_type)
        if mime == FORM:
            fields += urllib.parse.parse_qsl(_decode(body, charset), keep_blank_values=True)
        elif mime == SPARQL_QUERY:
            direct = _decode(body, charset)
        elif mime == SPARQL_UPDATE:
            raise UpdateRefusedError("this endpoint is read-only: SPARQL Update is refused")
        else:
            raise UnsupportedMediaTypeError(
                f"POST needs Content-Type {FORM} or {SPARQL_QUERY}, not {mime or 'none'}"
            )
    if any(name in ("update", "using-graph-uri", "using-named-graph-uri") for name, _ in fields):
        raise UpdateRefusedError("this endpoint is read-only: SPARQL Update is refused")
    queries = [value for name, value in fields if name == "query"]
    if direct is not None:
        queries.append(direct)
    if len(queries) > 1:
        raise InputError("a request carries exactly one query; this one has several")
    default = tuple(value for name, value in fields if name == "default-graph-uri")
    named = tuple(value for name, value in fields if name == "named-graph-uri")
    for name, value in fields:
        if name in ("default-graph-uri", "named-graph-uri"):
            checked_iri(value, name)
    if named and not default:
        default = (EMPTY_GRAPH,)
    if not queries and method == "POST":
        raise InputError("the POST carries no query")
    formats = [value for name, value in fields if name == "format"]
    return ProtocolRequest(
        queries[0] if queries else None,
        default,
        named if named or default else None,
        formats[-1] if formats else None,
    )


def check_query(text: str, *, max_length: int, service_allow: Iterable[str]) -> bool:
    """Refuse what the endpoint must never run: over-long queries, and SERVICE calls to hosts
    outside the allow-list (else any client could make the server call any URL). Returns
    whether the query calls a remote endpoint (allowed ones)."""
    if len(text) > max_length:
        raise QueryTooLongError(
            f"the query has {len(text):,} characters; the limit is {max_length:,}"
        )
    return bool(check_federation(text, service_allow))


def execute(store: Store, job: QueryJob) -> QueryAnswer:
    """Evaluate a query and render it in the negotiated format, capped at `job.max_rows`.

    A failure of a federated query says only that a remote endpoint did not answer: the
    engine's message may hold the remote body, or tell an open port from a closed one.
    """
    if not job.federated:
        return _execute(store, job)
    try:
        return _execute(store, job)
    except CancerKGError:
        raise
    except (OSError, RuntimeError, SyntaxError, ValueError):  # what pyoxigraph raises
        raise FederationError("a SERVICE call failed: the remote endpoint did not answer") from None


def _execute(store: Store, job: QueryJob) -> QueryAnswer:
    # The protocol lets the service set the base IRI: a BASE line before the query's own
    # prologue (where a BASE of the query's own still wins). Error positions are shifted back.
    based = job.base_iri is not None and SAFE_IRI.fullmatch(job.base_iri) is not None
    try:
        result = store.query(
            f"BASE <{job.base_iri}>\n{job.query}" if based else job.query,
            default_graphs=list(job.default_graphs) or None,
            named_graphs=list(job.named_graphs) if job.named_graphs is not None else None,
        )
    except QuerySyntaxError as error:
        if not based:
            raise
        raise QuerySyntaxError(
            ERROR_POSITION.sub(lambda m: f"error at {int(m[1]) - 1}:{m[2]}", error.message)
        ) from None
    if isinstance(result, ox.QueryBoolean):
        media_type, key = negotiate("boolean", job.accept, job.format)
        return QueryAnswer(results.serialize(result, key), media_type)
    if isinstance(result, ox.QuerySolutions):
        media_type, key = negotiate("tabular", job.accept, job.format)
        return _render_solutions(result, key, media_type, job.max_rows)
    media_type, key = negotiate("graph", job.accept, job.format)
    triples = list(itertools.islice(result, job.max_rows + 1))
    truncated = len(triples) > job.max_rows
    return QueryAnswer(results.serialize(triples[: job.max_rows], key), media_type, truncated)


def negotiate(
    kind: str, accept: str | None, fmt: str | None, *, fallback: bool = False
) -> tuple[str, str]:
    """The media type and serialiser key for a result kind (tabular, boolean, graph).

    `format` (a short name or a media type) wins over Accept; Accept goes through the one
    content negotiation (cancerkg.rdf.formats). With no match: the default if `fallback`, else
    406.
    """
    offered = OFFERED[kind]
    if fmt:
        chosen = formats.by_name(fmt, offered, f"format for a {kind} result")
        return chosen.media_type, chosen.name
    aliases = RESULT_ALIASES if kind != "graph" else None
    chosen, media_type = formats.negotiate(accept, offered, aliases=aliases, fallback=fallback)
    return media_type, chosen.name


def service_description(
    endpoint: str, accept: str | None, fmt: str | None, *, federated: bool = False
) -> QueryAnswer:
    """The SPARQL 1.1 Service Description of this endpoint (Turtle unless Accept asks for
    another RDF syntax); it claims federation only when some host is allowed."""
    service = ox.NamedNode(endpoint)

    def triple(p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.Triple:
        return ox.Triple(service, ox.NamedNode(p), o)

    triples = [
        triple(RDF_TYPE, ox.NamedNode(SD + "Service")),
        triple(SD + "endpoint", service),
        triple(SD + "supportedLanguage", ox.NamedNode(SD + "SPARQL11Query")),
        triple(SD + "feature", ox.NamedNode(SD + "UnionDefaultGraph")),
        *([triple(SD + "feature", ox.NamedNode(SD + "BasicFederatedQuery"))] if federated else []),
        *(
            triple(SD + "resultFormat", ox.NamedNode(str(f.iri)))
            for f in (*RESULT_FORMATS, *GRAPH_FORMATS)
        ),
    ]
    media_type, key = negotiate("graph", accept, fmt, fallback=True)
    return QueryAnswer(results.serialize(triples, key), media_type)


def _render_solutions(
    solutions: ox.QuerySolutions, key: str, media_type: str, max_rows: int
) -> QueryAnswer:
    """SELECT results through SPARQL JSON, so the cap applies before anything is serialised."""
    names = [v.value for v in solutions.variables]
    rows = list(itertools.islice(solutions, max_rows + 1))
    truncated = len(rows) > max_rows
    bindings = [
        {name: _term_json(row[name]) for name in names if row[name] is not None}
        for row in rows[:max_rows]
    ]
    data = json.dumps(
        {"head": {"vars": names}, "results": {"bindings": bindings}},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    if key != "json":
        data = results.serialize(ox.parse_query_results(data, ox.QueryResultsFormat.JSON), key)
    return QueryAnswer(data, media_type, truncated, min(len(rows), max_rows))


def _term_json(term: object) -> dict[str, object]:
    """A term in the SPARQL 1.1 JSON results form (RDF-star triples included)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        if term.language:
            return {"type": "literal", "value": term.value, "xml:lang": term.language}
        if term.datatype.value == XSD_STRING:
            return {"type": "literal", "value": term.value}
        return {"type": "literal", "value": term.value, "datatype": term.datatype.value}
    assert isinstance(term, ox.Triple)
    return {
        "type": "triple",
        "value": {
            "subject": _term_json(term.subject),
            "predicate": _term_json(term.predicate),
            "object": _term_json(term.object),
        },
    }


def _media_type(content_type: str | None) -> tuple[str, str | None]:
    if not content_type:
        return "", None
    try:
        kind, subtype, params = mimeparse.parse_mime_type(content_type)
    except mimeparse.MimeTypeParseException:
        return content_type.strip().lower(), None
    return f"{kind}/{subtype}".lower(), params.get("charset")


def _decode(body: bytes, charset: str | None) -> str:
    """The body as text: the protocol requires UTF-8."""
    if charset and charset.strip('"').lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise UnsupportedMediaTypeError(f"the body must be UTF-8, not {charset}")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise UnsupportedMediaTypeError("the body is not valid UTF-8") from None

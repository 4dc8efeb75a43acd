"""A remote SPARQL 1.1 server (Virtuoso, Fuseki, QLever, GraphDB) behind the Store protocol.

Requests go out through SPARQLWrapper as form-encoded POSTs with an explicit Accept header:
Virtuoso 7.2 never answers a direct `application/sparql-query` POST and answers an ASK without
Accept as HTML. The server's own default graph may hold system graphs (Virtuoso's virtrdf), so the
dataset is pinned with default-graph-uri / named-graph-uri to the graphs under `graph_prefix`:
the default graph is then their union on every server, as on the local backends.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping, Sequence
from http.client import HTTPException
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from SPARQLWrapper import DIGEST, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from cancerkg.errors import InputError, QuerySyntaxError, RemoteEndpointError
from cancerkg.rdf.formats import GRAPH_FORMATS, by_media_type
from cancerkg.rdf.iris import GRAPH, XSD_BOOLEAN
from cancerkg.rdf.terms import QueryResult, Term

GRAPH_PREFIX = GRAPH
RESULTS_ACCEPT = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8"
_PROLOGUE = re.compile(
    r"\s*(?:(?:BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)\s*)*(SELECT|CONSTRUCT|ASK|DESCRIBE)\b",
    re.IGNORECASE,
)
_TOKENS = re.compile(
    r'<[^<>"{}|^`\\\s]*>|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*|[^<"\'#]+|.'
)
GRAPHS_QUERY = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
INSERT_CHUNK = 2_000  # quads per INSERT DATA: small enough for any server's request limits


class RemoteStore:
    """A SPARQL 1.1 Protocol endpoint; `update_endpoint` (default: the same URL) takes loads."""

    backend = "remote"
    text_index: Path | None = None

    def __init__(
        self,
        endpoint: str,
        *,
        update_endpoint: str | None = None,
        user: str | None = None,
        password: str | None = None,
        digest: bool = False,
        timeout: float = 60.0,
        graph_prefix: str = GRAPH_PREFIX,
        graph_store: str | None = None,
    ) -> None:
        self.endpoint = endpoint
        self._update_endpoint = update_endpoint or endpoint
        self._credentials = (user, password) if user else None
        self._digest = digest
        self._timeout = timeout
        self._graph_prefix = graph_prefix
        self._graphs: list[str] | None = None
        self._graph_store = graph_store

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        client = self._client(self.endpoint, with_values(sparql, substitutions or {}))
        graphs = self.named_graphs() if default_graphs is None or named_graphs is None else []
        for iri in default_graphs if default_graphs is not None else graphs:
            client.addDefaultGraph(iri)
        for iri in named_graphs if named_graphs is not None else graphs:
            client.addNamedGraph(iri)
        kind = str(client.queryType)
        if kind in ("SELECT", "ASK"):
            client.addCustomHttpHeader("Accept", RESULTS_ACCEPT)
            body, _ = self._send(client)
            parsed = ox.parse_query_results(portable_results(body), ox.QueryResultsFormat.JSON)
            return as_boolean(parsed) if kind == "ASK" else parsed
        if kind in ("CONSTRUCT", "DESCRIBE"):
            client.addCustomHttpHeader("Accept", GRAPH_ACCEPT)
            body, media_type = self._send(client)
            found = by_media_type(media_type, GRAPH_FORMATS)
            fmt = found.rdf if found is not None and found.rdf else ox.RdfFormat.N_TRIPLES
            return [quad.triple for quad in ox.parse(body, fmt)]
        raise QuerySyntaxError(f"not a SPARQL query (a {kind.lower()} operation?)")

    def named_graphs(self) -> list[str]:
        """Graphs under the prefix, asked once: the server's system graphs are left out."""
        if self._graphs is None:
            client = self._client(self.endpoint, GRAPHS_QUERY)
            client.addCustomHttpHeader("Accept", RESULTS_ACCEPT)
            body, _ = self._send(client)
            rows = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
            assert isinstance(rows, ox.QuerySolutions)
            found = (row["g"] for row in rows)
            self._graphs = sorted(
                g.value
                for g in found
                if isinstance(g, ox.NamedNode) and g.value.startswith(self._graph_prefix)
            )
        return list(self._graphs)

    def load(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads: by the Graph Store Protocol where the server has one (blank nodes are
        safe there), else INSERT DATA in chunks."""
        if self._graph_store:
            self._post_graphs(list(quads))
        else:
            self._insert(quads)
        self._graphs = None

    def _post_graphs(self, quads: list[ox.Quad]) -> None:
        """POST each named graph as N-Triples to the Graph Store endpoint (?graph=IRI)."""
        assert self._graph_store is not None
        by_graph = sorted(quads, key=lambda q: str(q.graph_name))
        for graph, group in itertools.groupby(by_graph, key=lambda q: q.graph_name):
            data = ox.serialize([q.triple for q in group], format=ox.RdfFormat.N_TRIPLES) or b""
            target = (
                self._graph_store
                + ("&" if "?" in self._graph_store else "?")
                + urllib.parse.urlencode({"graph": str(graph)[1:-1]})
            )
            request = urllib.request.Request(  # noqa: S310 - an http(s) URL the operator gave
                target,
                data=data,
                method="POST",
                headers={"Content-Type": "application/n-triples"},
            )
            try:
                with self._opener().open(request, timeout=self._timeout) as response:
                    response.read()
            except (urllib.error.URLError, HTTPException, OSError) as error:
                raise RemoteEndpointError(
                    f"graph store {self._graph_store} failed: {_first_line(error)}"
                ) from None

    def _opener(self) -> urllib.request.OpenerDirector:
        if not self._credentials:
            return urllib.request.build_opener()
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        user, password = self._credentials
        passwords.add_password(None, self._graph_store or "", user or "", password or "")
        handler: urllib.request.BaseHandler = (
            urllib.request.HTTPDigestAuthHandler(passwords)
            if self._digest
            else urllib.request.HTTPBasicAuthHandler(passwords)
        )
        return urllib.request.build_opener(handler)

    def _insert(self, quads: Iterable[ox.Quad]) -> None:
        """INSERT DATA in chunks; quads with blank nodes go in one request so labels hold."""
        plain: list[ox.Quad] = []
        with_blanks: list[ox.Quad] = []
        for quad in quads:
            has_blank = isinstance(quad.subject, ox.BlankNode) or isinstance(
                quad.object, ox.BlankNode
            )
            (with_blanks if has_blank else plain).append(quad)
        for chunk in _chunks(plain, INSERT_CHUNK):
            self._update(insert_data(chunk))
        if with_blanks:  # a template, not DATA: some servers refuse blank nodes in INSERT DATA
            template = insert_data(with_blanks).replace("INSERT DATA {", "INSERT {", 1)
            self._update(template + " WHERE {}")

    def close(self) -> None:
        self._graphs = None

    def _update(self, text: str) -> None:
        client = self._client(self._update_endpoint, text)
        self._send(client)

    def _client(self, url: str, text: str) -> SPARQLWrapper:
        client = SPARQLWrapper(url)
        client.setMethod(POST)  # form-encoded, never a direct POST (see the module docstring)
        client.setOnlyConneg(True)  # no format=xml parameters: Virtuoso answers them with 406
        client.setTimeout(int(self._timeout))
        if self._credentials:
            client.setCredentials(*self._credentials)
            if self._digest:
                client.setHTTPAuth(DIGEST)
        client.setQuery(text)
        form = query_form(text)
        if form:  # SPARQLWrapper's own guess reads "ask" in a comment ("task force") as ASK
            client.queryType = form
        return client

    def _send(self, client: SPARQLWrapper) -> tuple[bytes, str]:
        """The response body and its media type; failures become typed errors."""
        try:
            response: Any = client.query().response
            body: bytes = response.read()
            media_type = str(response.headers.get("Content-Type", "")).split(";")[0].strip()
        except QueryBadFormed as error:
            raise QuerySyntaxError(
                f"the endpoint refused the query: {_first_line(error)}"
            ) from None
        except (SPARQLWrapperException, urllib.error.URLError, HTTPException, OSError) as error:
            raise RemoteEndpointError(
                f"SPARQL endpoint {client.endpoint} failed: {_first_line(error)}"
            ) from None
        return body, media_type.lower()


CANONICAL_BOOLEAN = {"1": "true", "0": "false"}


def portable_results(body: bytes) -> bytes:
    """SPARQL JSON results as the other backends give them: blank node labels pyoxigraph accepts
    (Virtuoso sends `nodeID://b10001`, which is no valid label) and xsd:boolean values in their
    canonical form (Virtuoso 7 has no boolean type and writes "1"/"0", same value, other text)."""
    if b'"bnode"' not in body and XSD_BOOLEAN.encode() not in body:
        return body
    data = json.loads(body)
    for row in data.get("results", {}).get("bindings", []):
        for term in row.values():
            if term.get("type") == "bnode":
                term["value"] = "b" + hashlib.sha256(term["value"].encode()).hexdigest()[:16]
            elif term.get("datatype") == XSD_BOOLEAN:
                term["value"] = CANONICAL_BOOLEAN.get(term["value"], term["value"])
    return json.dumps(data).encode()


def as_boolean(parsed: ox.QuerySolutions | ox.QueryBoolean) -> ox.QueryBoolean:
    """An ASK answer; Virtuoso sends one as a row binding __ASK_RETVAL when the dataset is
    given by default-graph-uri."""
    if isinstance(parsed, ox.QueryBoolean):
        return parsed
    values = [term.value for row in parsed for term in row if term is not None]
    answer = bool(values) and values[0] in ("1", "true")
    text = b'{"head":{},"boolean":' + (b"true" if answer else b"false") + b"}"
    boolean = ox.parse_query_results(text, ox.QueryResultsFormat.JSON)
    assert isinstance(boolean, ox.QueryBoolean)
    return boolean


def with_values(sparql: str, substitutions: Mapping[str, Term]) -> str:
    """The query with its pre-bound variables as a trailing VALUES block of N-Triples terms.

    A remote server cannot take pre-bindings, so they travel as data (escaped by the term
    writer), never as spliced query text.
    """
    if not substitutions:
        return sparql
    if any(isinstance(term, ox.BlankNode) for term in substitutions.values()):
        raise InputError("a remote endpoint cannot bind a variable to a blank node")
    names = " ".join(f"?{name}" for name in substitutions)
    terms = " ".join(str(term) for term in substitutions.values())
    return f"{sparql}\nVALUES ({names}) {{ ({terms}) }}"


def insert_data(quads: Sequence[ox.Quad]) -> str:
    """An INSERT DATA update holding the quads, graph by graph."""
    blocks: list[str] = []
    by_graph = sorted(quads, key=lambda q: str(q.graph_name))
    for graph, group in itertools.groupby(by_graph, key=lambda q: q.graph_name):
        lines = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in group)
        if isinstance(graph, ox.DefaultGraph):
            blocks.append(lines)
        else:
            blocks.append(f"GRAPH {graph} {{\n{lines}\n}}")
    return "INSERT DATA {\n" + "\n".join(blocks) + "\n}"


def _chunks(items: Sequence[ox.Quad], size: int) -> Iterator[Sequence[ox.Quad]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def query_form(text: str) -> str | None:
    """SELECT, CONSTRUCT, ASK or DESCRIBE: the first keyword after the prologue, comments left
    out (IRIs and strings kept whole, so a `#` inside them is no comment); None for an update."""
    code = "".join(t if not t.startswith("#") else " " for t in _TOKENS.findall(text))
    found = _PROLOGUE.match(code)
    return found.group(1).upper() if found else None


def _first_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text[:300]

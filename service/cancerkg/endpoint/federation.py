"""Federation: which remote endpoints a query's SERVICE clauses would call, and who may be called.

The engine (pyoxigraph) evaluates `SERVICE` by making an HTTP request at once, so an unchecked
query lets any client make the server call any host and port (request forgery). pyoxigraph
exposes no query algebra, and rdflib's parser recurses without end on a nested SERVICE (and
took 450 ms on one of our named queries), so the check reads the query the way the grammar's
terminals do: it lexes strings, IRIs, comments, variables, blank nodes, language tags and the
local part of prefixed names as opaque tokens, and treats every other occurrence of the letters
`SERVICE` as the keyword. That is a superset of the SERVICE clauses the engine would see: the
keyword is reserved, and pyoxigraph's parser needs no space around it (`SERVICEex:y`,
`1SERVICE<...>` and `SERVICE#c` followed by a new line all parse), so the check does not need
one either. Whatever it cannot read for certain is refused, never guessed.

A second barrier stands behind it: query workers serving the local store with an empty
allow-list run without any network (`cut_network`).
"""

from __future__ import annotations

import ctypes
import logging
import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass

from cancerkg.errors import ServiceNotAllowedError

logger = logging.getLogger("cancerkg.endpoint.federation")

_ESCAPE = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_IRI_CHARS = r"[^<>\"{}|^`\\\x00-\x20]"
# Opaque tokens: nothing inside them is a keyword. Possessive quantifiers: no backtracking.
TOKEN = re.compile(
    rf"""
      (?P<comment>\#[^\n\r]*+)
    | (?P<string>'''(?:(?:'|'')?+(?:[^'\\]|\\.))*+'''
               |\"\"\"(?:(?:"|"")?+(?:[^"\\]|\\.))*+\"\"\"
               |'(?:[^'\\\n\r]|\\.)*+'
               |"(?:[^"\\\n\r]|\\.)*+")
    | (?P<iri><(?:{_IRI_CHARS}|{_ESCAPE})*+>)
    | (?P<var>[?$]\w*+)
    | (?P<bnode>_:[\w\-\u00B7]*+)
    | (?P<langtag>@[A-Za-z]++(?:-[A-Za-z0-9]++)*+)
    | (?P<pname>(?P<prefix>(?<![\w\-.\u00B7])[^\W\d_][\w\-.\u00B7]*+)?+:
               (?P<local>(?:[\w\-:\u00B7]|%[0-9A-Fa-f]{{2}}|\\[_~.\-!$&'()*+,;=/?\#@%])*+))
    """,
    re.VERBOSE | re.DOTALL,
)
KEYWORD = re.compile(r"service", re.IGNORECASE)
SILENT = re.compile(r"silent", re.IGNORECASE)
DECLARATION = re.compile(r"(?:^|[^A-Za-z])prefix\s*$", re.IGNORECASE)
# An endpoint both this check and the engine's URL parser read the same way: scheme, a plain
# host name or IPv4/IPv6 address, an optional port, then anything. No user info, no escapes.
PLAIN_ENDPOINT = re.compile(
    r"(?P<scheme>https?)://(?P<host>[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?(?:[/?#].*)?",
    re.IGNORECASE | re.DOTALL,
)
CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000


@dataclass(frozen=True)
class _Token:
    kind: str  # comment, string, iri, var, bnode, langtag, pname, or text (everything else)
    text: str
    prefix: str = ""
    local: str = ""


def service_endpoints(query: str) -> list[str]:
    """The endpoint IRI of every SERVICE clause in `query`, in order.

    Raises ServiceNotAllowedError where an endpoint cannot be known before the query runs: a
    variable, a relative IRI, an undeclared or twice-declared prefix, or anything else after
    the keyword.
    """
    if not KEYWORD.search(query):  # the letters are in every form of the keyword
        return []
    tokens = _significant(_tokens(query))
    prefixes = _prefixes(tokens)
    endpoints: list[str] = []
    for index, token in enumerate(tokens):
        if token.kind not in ("text", "pname"):
            continue
        # In a prefixed name only the prefix can hide the keyword ("SERVICEex:y"): the local
        # name stops at a '.', and what follows it is lexed again.
        searched = token.text if token.kind == "text" else token.prefix
        for keyword in KEYWORD.finditer(searched):
            rest = token.text[keyword.end() :]
            endpoints.append(_endpoint(rest, tokens[index + 1 : index + 3], prefixes))
    return endpoints


def check_federation(query: str, allow: Iterable[str]) -> list[str]:
    """The SERVICE endpoints of `query`, each on the allow-list; anything else is refused."""
    allowed = {host.strip().lower() for host in allow if host.strip()}
    endpoints = service_endpoints(query)
    for endpoint in endpoints:
        match = PLAIN_ENDPOINT.fullmatch(endpoint)
        host = match["host"].lower() if match else None
        if host is None or host not in allowed:
            raise ServiceNotAllowedError(
                f"SERVICE <{endpoint}> is not allowed: "
                + (
                    "federation is limited to " + ", ".join(sorted(allowed))
                    if allowed
                    else "federation is off on this endpoint"
                )
                + " (an http or https IRI written in full, without user name or password)"
            )
    return endpoints


def cut_network() -> bool:
    """Leave every network of this process (a new, empty network namespace; Linux only).

    Query workers over the local store need no network, so with federation off they drop it:
    even a SERVICE call the check missed could reach nothing, not even loopback. Returns
    whether it worked (it needs root or unprivileged user namespaces).
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        unshare = libc.unshare
    except (OSError, AttributeError):
        return False
    for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET):
        if unshare(flags) == 0:
            return True
    logger.warning("query workers could not leave the network; the SERVICE check stands alone")
    return False


def _tokens(query: str) -> list[_Token]:
    """Opaque tokens and the text between them ('text' tokens), in order."""
    tokens: list[_Token] = []
    position = 0
    for match in TOKEN.finditer(query):
        if match.start() > position:
            tokens.append(_Token("text", query[position : match.start()]))
        kind = str(match.lastgroup)
        if match["pname"] is not None:
            kind = "pname"
        tokens.append(_Token(kind, match.group(), match["prefix"] or "", match["local"] or ""))
        position = match.end()
    if position < len(query):
        tokens.append(_Token("text", query[position:]))
    return tokens


def _significant(tokens: list[_Token]) -> list[_Token]:
    """Without comments and white space: comments separate tokens as white space does."""
    return [t for t in tokens if t.kind != "comment" and (t.kind != "text" or t.text.strip())]


def _endpoint(rest: str, following: list[_Token], prefixes: dict[str, set[str]]) -> str:
    """Read what follows a SERVICE keyword: SILENT, then the endpoint IRI or prefixed name."""
    stream: list[str | _Token] = [*re.findall(r"[A-Za-z]+|\S", rest), *following]
    first = stream[0] if stream else ""
    if SILENT.fullmatch(first if isinstance(first, str) else first.text.strip()):
        stream.pop(0)
    head = stream[0] if stream else None
    if isinstance(head, _Token) and head.kind == "iri":
        iri = _unescape(head.text[1:-1])
        if urllib.parse.urlsplit(iri).scheme:
            return iri
        raise ServiceNotAllowedError(
            f"SERVICE <{iri}> is a relative IRI: write the SERVICE endpoint IRI in full"
        )
    if isinstance(head, _Token) and head.kind == "pname":
        declared = prefixes.get(head.prefix, set())
        if len(declared) == 1 and urllib.parse.urlsplit(next(iter(declared))).scheme:
            return next(iter(declared)) + head.local
        raise ServiceNotAllowedError(
            f"SERVICE {head.text}: its prefix is not declared once with a full IRI; "
            "write the SERVICE endpoint IRI in full"
        )
    if isinstance(head, _Token) and head.kind == "var":
        raise ServiceNotAllowedError(
            f"SERVICE {head.text}: a variable endpoint is refused, since the endpoint must be "
            "checked before the query runs; write the endpoint IRI in full"
        )
    raise ServiceNotAllowedError(
        "a SERVICE clause whose endpoint could not be read: write SERVICE <http://...>"
    )


def _prefixes(tokens: list[_Token]) -> dict[str, set[str]]:
    """Every IRI each prefix is declared with (`PREFIX p: <iri>`), wherever it stands."""
    declared: dict[str, set[str]] = {}
    for before, name, target in zip(tokens, tokens[1:], tokens[2:], strict=False):
        if (
            name.kind == "pname"
            and not name.local
            and before.kind == "text"
            and DECLARATION.search(before.text)
            and target.kind == "iri"
        ):
            declared.setdefault(name.prefix, set()).add(_unescape(target.text[1:-1]))
    return declared


def _unescape(text: str) -> str:
    """Apply \\u and \\U escapes, as the engine does inside IRIs."""
    return re.sub(_ESCAPE, lambda m: chr(min(int(m.group()[2:], 16), 0x10FFFF)), text)

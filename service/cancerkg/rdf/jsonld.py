"""JSON-LD for web developers: a description compacted with the published @context (short keys,
plain strings and numbers, the described resource first), or expanded on request.

pyoxigraph writes JSON-LD in one fixed shape only; compaction and expansion are the JSON-LD 1.1
algorithms of PyLD, given the context as data so that nothing is ever fetched from the network.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import pyoxigraph as ox
from pyld import jsonld  # type: ignore[import-untyped]

from cancerkg.errors import InputError

Profile = Literal["compacted", "expanded"]
JSONLD_NS = "http://www.w3.org/ns/json-ld#"
PROFILES: dict[str, Profile] = {
    JSONLD_NS + "compacted": "compacted",
    JSONLD_NS + "expanded": "expanded",
}
Document = dict[str, Any] | list[dict[str, Any]]


def read_context(path: Path) -> dict[str, Any]:
    """The @context document at `path` (a JSON object with an "@context" member)."""
    try:
        context = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(f"{path}: not a readable JSON-LD context ({error})") from error
    if not isinstance(context, dict) or not isinstance(context.get("@context"), dict):
        raise InputError(f'{path}: a JSON-LD context file holds {{"@context": {{...}}}}')
    return context


def profile_of(profiles: str | None) -> Profile:
    """The form a JSON-LD `profile` media-type parameter asks for (a space-separated list of
    IRIs); compacted when it names neither form."""
    for iri in (profiles or "").split():
        if iri in PROFILES:
            return PROFILES[iri]
    return "compacted"


def to_jsonld(
    triples: Iterable[ox.Triple],
    profile: Profile,
    context: dict[str, Any],
    context_url: str,
    first: str | None = None,
) -> Document:
    """The triples as a JSON-LD document of the given form; the node `first` (the resource a
    document is about) leads. A compacted document refers to its context by `context_url`."""
    nquads = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""
    parsing = {"format": "application/n-quads", "useNativeTypes": profile == "compacted"}
    expanded: list[dict[str, Any]] = jsonld.from_rdf(nquads.decode("utf-8"), parsing)
    if profile == "expanded":
        return _first(expanded, "@id", first)
    options = {"documentLoader": _refuse_remote, "skipExpansion": True}  # from_rdf expanded it
    compacted: dict[str, Any] = jsonld.compact(expanded, context, options)
    compacted["@context"] = context_url
    if "@graph" in compacted:
        compacted["@graph"] = _first(compacted["@graph"], "id", first)
    return compacted


def _first(nodes: list[dict[str, Any]], key: str, first: str | None) -> list[dict[str, Any]]:
    return sorted(nodes, key=lambda node: node.get(key) != first)


def _refuse_remote(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """The document loader: our documents name no remote context, and none is ever fetched."""
    raise InputError(f"JSON-LD processing tried to fetch {url}: remote contexts are not loaded")

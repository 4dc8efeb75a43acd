"""The slice of the published graph a submission needs as context, taken from the built store.

Validating a submission inside the whole published graph would re-validate everything on each
request (pyshacl: 7 s at 100k triples, docs/architecture.md). Instead the data graph is the
submission plus what its references need: the class hierarchy (so SHACL sees a ckg:CancerCentre as a
ckg:Institution) and, for every term the submission mentions, its types and the nodes that
already carry it as an identifier. The queries live in shapes/context*.rq.

A node the submission describes is taken as the submission says it, not merged with its
published description: a correction replaces, it does not add a second label or country.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from cancerkg.build.sources import knowledge_root
from cancerkg.store.protocol import Store, construct

_schema_cache: weakref.WeakKeyDictionary[object, list[ox.Triple]] = weakref.WeakKeyDictionary()


def context_for(
    store: Store, submission: Iterable[ox.Triple], root: Path | None = None
) -> list[ox.Triple]:
    """The published triples the submission's shapes need, without the submission's own nodes."""
    triples = list(submission)
    described = {t.subject for t in triples}
    terms = {t.object for t in triples if isinstance(t.object, ox.NamedNode | ox.Literal)}
    found = list(_schema(store, root))
    query = _read_query("context.rq", root)
    for term in terms - described:
        found.extend(_construct(store, query, {"term": term}))
    return [t for t in found if t.subject not in described]


def _schema(store: Store, root: Path | None) -> list[ox.Triple]:
    """The class hierarchy of the store, read once per opened store."""
    cached = _schema_cache.get(store)
    if cached is None:
        cached = _construct(store, _read_query("context-schema.rq", root), {})
        _schema_cache[store] = cached
    return cached


def _construct(
    store: Store, query: str, bindings: dict[str, ox.NamedNode | ox.Literal]
) -> list[ox.Triple]:
    return construct(store, query, substitutions=bindings or None)


def _read_query(name: str, root: Path | None) -> str:
    return _query_text(name, root or knowledge_root())


@cache
def _query_text(name: str, root: Path) -> str:
    """Read once per process: these run on every submission."""
    return root.joinpath("shapes", name).read_text(encoding="utf-8")

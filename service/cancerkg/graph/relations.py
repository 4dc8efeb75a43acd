"""The relationship API's core: label search, the neighbours of a thing grouped by relation,
bounded shortest paths between two things, and country coverage of a network or domain.

Everything is SPARQL (cancerkg/sparql/relation*.rq and the named queries) run through the Store,
so every backend answers alike; only the breadth-first search loop is Python, because SPARQL 1.1
property paths cannot return the path they followed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import pyoxigraph as ox

from cancerkg.errors import ParameterError
from cancerkg.graph.completeness import completeness
from cancerkg.named_queries.binding import entity_exists, filled_internal_query, to_term
from cancerkg.named_queries.catalog import ENTITY_KINDS, Parameter
from cancerkg.named_queries.run import select_named
from cancerkg.rdf.iris import ID
from cancerkg.rdf.terms import term_text
from cancerkg.store.protocol import Rows, Store, select

MAX_PATH_STEPS = 6
MAX_PATHS = 20
MAX_FRONTIER = 5000


@dataclass(frozen=True)
class Entity:
    iri: str
    label: str | None


@dataclass(frozen=True)
class Step:
    relation: str
    direction: str  # "forward": the statement reads node -> next; "backward": next -> node
    node: Entity


@dataclass
class RelationGroup:
    relation: str
    label: str | None
    direction: str
    entities: list[Entity] = field(default_factory=list)


@dataclass(frozen=True)
class CoverageCell:
    country: str
    code: str
    label: str | None
    members: int


def entity_iri(store: Store, kind: str, slug: str) -> ox.NamedNode:
    """The IRI of `id/{kind}/{slug}`, checked to exist (a typed ParameterError otherwise)."""
    if kind not in ENTITY_KINDS:
        raise ParameterError(f"unknown kind {kind!r}; use one of: {', '.join(ENTITY_KINDS)}")
    term = to_term(Parameter("entity", "iri", (kind,)), slug, store)
    assert isinstance(term, ox.NamedNode)
    return term


def resolve_entity(store: Store, name: str, text: str) -> ox.NamedNode:
    """An IRI, `kind/slug` or a bare slug of any kind, as the `from`/`to` of a path: a thing the
    graph has, whichever way it is named (an unknown IRI is refused like an unknown slug)."""
    term = to_term(Parameter(name, "iri", ENTITY_KINDS), text, store)
    assert isinstance(term, ox.NamedNode)
    # A slug was already looked up by to_term; a full IRI is taken as written.
    if ":" in text and not entity_exists(store, term):
        raise ParameterError(f"{name}: no thing <{term.value}> in the graph")
    return term


def search_entities(store: Store, text: str, lang: str | None = None) -> list[dict[str, str]]:
    """Label search through the named query label-search (case and accents ignored)."""
    arguments = {"text": text, **({"lang": lang} if lang else {})}
    result = select_named(store, "label-search", arguments)
    found: dict[str, dict[str, str]] = {}
    for row in result:
        iri = term_text(row["entity"])
        entry = found.setdefault(
            iri,
            {
                "iri": iri,
                "label": term_text(row["label"]),
                "matched": term_text(row["matched"]),
                "type": "",
            },
        )
        entry["type"] = entry["type"] or term_text(row["type"])
    return list(found.values())


def entity_relations(store: Store, iri: ox.NamedNode) -> list[RelationGroup]:
    """The neighbours of a thing grouped by (relation, direction), with labels."""
    result = select(store, filled_internal_query("relations-of", {"entity": iri}))
    groups: dict[tuple[str, str], RelationGroup] = {}
    for row in result:
        relation, direction = term_text(row["relation"]), term_text(row["direction"])
        group = groups.setdefault(
            (relation, direction),
            RelationGroup(relation, term_text(row["relationLabel"]) or None, direction),
        )
        group.entities.append(Entity(term_text(row["other"]), term_text(row["otherLabel"]) or None))
    return list(groups.values())


def shortest_paths(
    store: Store, source: ox.NamedNode, target: ox.NamedNode, max_steps: int = 4
) -> list[list[Step]]:
    """Every shortest relationship path (at most MAX_PATHS) of at most `max_steps` steps.

    Breadth-first from the source, one SPARQL query per level over the whole frontier; the
    frontier is capped so a hub cannot make a request unbounded."""
    if not 1 <= max_steps <= MAX_PATH_STEPS:
        raise ParameterError(f"max: between 1 and {MAX_PATH_STEPS}")
    if source == target:
        return [[]]
    parents: dict[str, list[tuple[str, str, str]]] = {source.value: []}
    frontier = [source]
    for _ in range(max_steps):
        reached: dict[str, list[tuple[str, str, str]]] = {}
        for row in _steps(store, frontier):
            node, nxt = term_text(row["node"]), term_text(row["next"])
            if nxt in parents:
                continue
            reached.setdefault(nxt, []).append(
                (node, term_text(row["relation"]), term_text(row["direction"]))
            )
        parents.update(reached)
        if target.value in reached:
            return _label_paths(store, _unwind(parents, target.value))
        frontier = [ox.NamedNode(n) for n in sorted(reached)][:MAX_FRONTIER]
        if not frontier:
            break
    return []


def _steps(store: Store, frontier: Sequence[ox.NamedNode]) -> Rows:
    result = select(store, filled_internal_query("relation-steps", {"node": frontier}))
    return result


def _unwind(
    parents: dict[str, list[tuple[str, str, str]]], node: str
) -> list[list[tuple[str, str, str]]]:
    """All paths back to the source as lists of (relation, direction, node reached)."""
    if not parents[node]:
        return [[]]
    paths: list[list[tuple[str, str, str]]] = []
    for previous, relation, direction in parents[node]:
        for path in _unwind(parents, previous):
            paths.append([*path, (relation, direction, node)])
            if len(paths) >= MAX_PATHS:
                return paths
    return paths


def _label_paths(store: Store, paths: list[list[tuple[str, str, str]]]) -> list[list[Step]]:
    labels = labels_of(store, sorted({node for path in paths for _, _, node in path}))
    return [
        [Step(rel, direction, Entity(node, labels.get(node))) for rel, direction, node in path]
        for path in paths
    ]


def labels_of(store: Store, iris: Sequence[str]) -> dict[str, str]:
    """The English label of each IRI that has one."""
    if not iris:
        return {}
    terms = [ox.NamedNode(i) for i in iris]
    result = select(store, filled_internal_query("relations-labels", {"entity": terms}))
    return {term_text(row["entity"]): term_text(row["label"]) for row in result}


def coverage(
    store: Store, network: str | None = None, domain: str | None = None
) -> list[CoverageCell]:
    """Current members per country of a network or domain, every country listed (zeros too)."""
    if (network is None) == (domain is None):
        raise ParameterError("coverage: give exactly one of network or domain")
    name, argument = (
        ("member-counts-by-country", {"network": network})
        if network is not None
        else ("member-counts-by-domain", {"domain": domain or ""})
    )
    counted = select_named(store, name, argument)
    members = {term_text(row["country"]): int(term_text(row["members"])) for row in counted}
    countries = select(store, filled_internal_query("relations-countries", {}))
    cells = [
        CoverageCell(
            term_text(row["country"]),
            term_text(row["code"]),
            term_text(row["label"]) or None,
            members.get(term_text(row["country"]), 0),
        )
        for row in countries
    ]
    return sorted(cells, key=lambda c: (-c.members, c.label or c.code))


def short_id(iri: str) -> str | None:
    """`kind/slug` for our own things (the path of their API URLs), else None."""
    return iri[len(ID) :] if iri.startswith(ID) else None


# --- whole answers of the relationship API, as the query workers compute them -----------------


def search_answer(store: Store, text: str, lang: str | None) -> dict[str, Any]:
    """`/api/entities?q=`: the things whose labels contain the text."""
    return {"query": text, "results": search_entities(store, text, lang)}


def relations_answer(store: Store, kind: str, slug: str) -> dict[str, Any]:
    """`/api/entities/{kind}/{slug}/relations`: a thing, its label and its neighbours."""
    iri = entity_iri(store, kind, slug)
    labels = labels_of(store, [iri.value])
    return {
        "entity": {"iri": iri.value, "label": labels.get(iri.value)},
        "relations": [asdict(g) for g in entity_relations(store, iri)],
    }


def paths_answer(store: Store, source: str, target: str, max_steps: int) -> dict[str, Any]:
    """`/api/paths`: the shortest paths between two things named by IRI, kind/slug or slug."""
    start = resolve_entity(store, "from", source)
    end = resolve_entity(store, "to", target)
    found = shortest_paths(store, start, end, max_steps)
    return {
        "from": start.value,
        "to": end.value,
        "max": max_steps,
        "length": len(found[0]) if found else None,
        "paths": [[asdict(step) for step in path] for path in found],
    }


def coverage_answer(store: Store, network: str | None, domain: str | None) -> dict[str, Any]:
    """`/api/coverage`: members per country, zeros too, and the countries with none."""
    cells = coverage(store, network=network, domain=domain)
    figures = (
        completeness(store, resolve_entity(store, "network", network).value) if network else []
    )
    return {
        "network": network,
        "domain": domain,
        "countries": [asdict(c) for c in cells],
        # Countries where the graph lists no member: none LISTED, which is not none at all.
        "gaps": [c.code for c in cells if c.members == 0],
        "completeness": (
            {**asdict(figures[0]), "share": round(figures[0].share, 3)} if figures else None
        ),
    }

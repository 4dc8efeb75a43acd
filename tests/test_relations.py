"""The relationship core on both backends: same labelled answers from oxigraph and rdflib."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from cancerkg.errors import ParameterError
from cancerkg.graph import relations
from cancerkg.store.memory import MemoryStore
from cancerkg.store.oxigraph import OxigraphStore
from cancerkg.store.protocol import Store

ID = "https://w3id.org/cancerkg/id/"


def answers(store: Store) -> dict[str, object]:
    ous = relations.entity_iri(store, "organisation", "oslo-university-hospital")
    target = relations.resolve_entity(store, "to", "network/noe-palliative-care")
    groups = sorted(
        (g.relation, g.direction, sorted(asdict(e).values().__repr__() for e in g.entities))
        for g in relations.entity_relations(store, ous)
    )
    return {
        "search": relations.search_entities(store, "Léon Bérard"),
        "relations": groups,
        "paths": sorted(str(p) for p in relations.shortest_paths(store, ous, target, 3)),
        "coverage": relations.coverage(store, network="ithaca"),
    }


def test_backends_agree(oxigraph_store: OxigraphStore, memory_store: MemoryStore) -> None:
    assert answers(oxigraph_store) == answers(memory_store)


def test_paths_are_shortest_and_labelled(oxigraph_store: OxigraphStore) -> None:
    ous = relations.entity_iri(oxigraph_store, "organisation", "oslo-university-hospital")
    jane = relations.resolve_entity(oxigraph_store, "to", "project/jane")
    found = relations.shortest_paths(oxigraph_store, ous, jane)
    # data/jane.ttl mem:jane--oslo-university-hospital: one step, org:memberOf.
    assert [[(s.relation.rsplit("#", 1)[-1], s.node.label) for s in p] for p in found] == [
        [("memberOf", "JANE — Joint Action on Networks of Expertise")]
    ]


def test_bad_input_is_a_typed_error(oxigraph_store: OxigraphStore) -> None:
    with pytest.raises(ParameterError):
        relations.entity_iri(oxigraph_store, "spaceship", "x")
    with pytest.raises(ParameterError):
        relations.coverage(oxigraph_store)
    with pytest.raises(ParameterError):
        relations.resolve_entity(oxigraph_store, "from", "<x> } UNION {")

"""The default backend: a pyoxigraph store on disk (or in memory while building).

SPARQL's default graph here is the RDF merge of the named graphs: a set. pyoxigraph's
"default graph as union" mode returns a triple once per named graph that states it (a label in
two source files comes back twice), so a built store holds the merge, deduplicated, in its stored
default graph, and queries read that. A store nobody materialised (in-memory stores of tests and
benchmarks until `materialise_union` is called) falls back to the union mode.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox

from cancerkg.errors import QuerySyntaxError, StoreNotFoundError
from cancerkg.store import QueryResult, Term

MERGE_NAMED_GRAPHS = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


class OxigraphStore:
    """pyoxigraph behind the Store protocol; the default graph is the merge of named graphs."""

    backend = "oxigraph"

    def __init__(self, store: ox.Store, *, materialised: bool = False) -> None:
        self._store = store
        self._materialised = materialised

    @classmethod
    def open(cls, path: Path, *, read_only: bool = True) -> OxigraphStore:
        """Open an on-disk store; read-only stores can be shared by many processes."""
        if not path.is_dir():
            raise StoreNotFoundError(f"no store at {path}; run `cancerkg build` first")
        try:
            store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
        except OSError as error:
            raise StoreNotFoundError(f"cannot open the store at {path}: {error}") from None
        return cls(store, materialised=has_default_graph(store))

    @classmethod
    def in_memory(cls) -> OxigraphStore:
        return cls(ox.Store())

    def materialise_union(self) -> None:
        """Store the merge of the named graphs as the default graph, and query that from now on."""
        materialise_union(self._store)
        self._materialised = True

    @property
    def native(self) -> ox.Store:
        """The pyoxigraph store, for bulk operations during the build."""
        return self._store

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        bindings = {ox.Variable(k): v for k, v in (substitutions or {}).items()}
        default = [ox.NamedNode(g) for g in default_graphs] if default_graphs else None
        named = [ox.NamedNode(g) for g in named_graphs] if named_graphs is not None else None
        try:
            return self._store.query(
                sparql,
                use_default_graph_as_union=default is None and not self._materialised,
                default_graph=default,  # type: ignore[arg-type]
                named_graphs=named,  # type: ignore[arg-type]
                substitutions=bindings or None,  # type: ignore[arg-type]
            )
        except SyntaxError as error:
            raise QuerySyntaxError(f"invalid SPARQL: {' '.join(str(error).split())}") from None

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def load(self, quads: Iterable[ox.Quad]) -> None:
        self._store.extend(quads)

    def close(self) -> None:
        del self._store


def materialise_union(store: ox.Store) -> None:
    """Copy every triple of the named graphs into the default graph (a set: each once)."""
    store.update(MERGE_NAMED_GRAPHS)


def has_default_graph(store: ox.Store) -> bool:
    """Whether the stored default graph holds triples (a built, materialised store)."""
    return (
        next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None
    )


def named_graph_quads(store: ox.Store) -> list[ox.Quad]:
    """Every quad of the named graphs (the stored default graph is derived from them)."""
    return [
        q
        for q in store.quads_for_pattern(None, None, None, None)
        if not isinstance(q.graph_name, ox.DefaultGraph)
    ]

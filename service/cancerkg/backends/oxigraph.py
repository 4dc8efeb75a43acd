"""The default backend: a pyoxigraph store on disk (or in memory while building)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox

from cancerkg.errors import QuerySyntaxError, StoreNotFoundError
from cancerkg.store import QueryResult, Term


class OxigraphStore:
    """pyoxigraph behind the Store protocol; the default graph is the union of named graphs."""

    backend = "oxigraph"

    def __init__(self, store: ox.Store) -> None:
        self._store = store

    @classmethod
    def open(cls, path: Path, *, read_only: bool = True) -> OxigraphStore:
        """Open an on-disk store; read-only stores can be shared by many processes."""
        if not path.is_dir():
            raise StoreNotFoundError(f"no store at {path}; run `cancerkg build` first")
        try:
            store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
        except OSError as error:
            raise StoreNotFoundError(f"cannot open the store at {path}: {error}") from None
        return cls(store)

    @classmethod
    def in_memory(cls) -> OxigraphStore:
        return cls(ox.Store())

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
                use_default_graph_as_union=default is None,
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

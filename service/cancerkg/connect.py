"""Open the Store a command or the service should use, from Settings."""

from __future__ import annotations

import gzip

from pyoxigraph import RdfFormat

from cancerkg import storage
from cancerkg.backends.memory import MemoryStore
from cancerkg.backends.oxigraph import OxigraphStore
from cancerkg.errors import InputError, StoreNotFoundError
from cancerkg.parsing import parse_bytes
from cancerkg.settings import BACKENDS, Settings
from cancerkg.store import Store

N_QUADS = RdfFormat.N_QUADS


def open_store(settings: Settings) -> Store:
    """The configured backend over the published release (or the remote endpoint)."""
    if settings.backend not in BACKENDS:
        raise InputError(
            f"unknown backend {settings.backend!r}; use one of: {', '.join(BACKENDS)}"
        )
    if settings.backend == "remote":
        raise InputError("the remote backend needs --endpoint URL (not available yet)")
    release = storage.current_release(settings.store_dir)
    if release is None:
        raise StoreNotFoundError(
            f"no built store at {settings.store_dir}; run `cancerkg build` first "
            "(or pass --store / set CANCERKG_STORE)"
        )
    if settings.backend == "memory":
        store = MemoryStore()
        dump = release.dist / "cancerkg.nq.gz"
        store.load(parse_bytes(gzip.decompress(dump.read_bytes()), N_QUADS, name=str(dump)))
        return store
    return OxigraphStore.open(release.oxigraph)

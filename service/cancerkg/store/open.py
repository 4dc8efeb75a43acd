"""Open the Store a command or the service should use, from Settings."""

from __future__ import annotations

import gzip

from pyoxigraph import Quad, RdfFormat

from cancerkg.errors import InputError, StoreNotFoundError
from cancerkg.rdf.parsing import parse_bytes
from cancerkg.settings import BACKENDS, Settings
from cancerkg.store import releases
from cancerkg.store.memory import MemoryStore
from cancerkg.store.oxigraph import OxigraphStore
from cancerkg.store.protocol import Store
from cancerkg.store.remote import RemoteStore

N_QUADS = RdfFormat.N_QUADS


def open_store(settings: Settings) -> Store:
    """The configured backend over the published release (or the remote endpoint)."""
    if settings.backend not in BACKENDS:
        raise InputError(f"unknown backend {settings.backend!r}; use one of: {', '.join(BACKENDS)}")
    if settings.backend == "remote":
        return open_remote(settings)
    release = releases.current_release(settings.store_dir)
    if release is None:
        raise StoreNotFoundError(
            f"no built store at {settings.store_dir}; run `cancerkg build` first "
            "(or pass --store / set CANCERKG_STORE)"
        )
    index = release.search_index if release.search_index.is_file() else None
    if settings.backend == "memory":
        store = MemoryStore()
        store.load(release_quads(release))
        store.text_index = index
        return store
    return OxigraphStore.open(release.oxigraph, text_index=index)


def release_quads(release: releases.Release) -> list[Quad]:
    """Every quad of a release, read from its N-Quads dump (to fill another backend)."""
    dump = release.dist / "cancerkg.nq.gz"
    return list(parse_bytes(gzip.decompress(dump.read_bytes()), N_QUADS, name=str(dump)))


def open_remote(
    settings: Settings, *, update_endpoint: str | None = None, graph_store: str | None = None
) -> RemoteStore:
    """The remote SPARQL server that `--endpoint` names (credentials from the settings)."""
    if not settings.endpoint:
        raise InputError("the remote backend needs --endpoint URL (or CANCERKG_ENDPOINT)")
    return RemoteStore(
        settings.endpoint,
        update_endpoint=update_endpoint,
        graph_store=graph_store,
        user=settings.endpoint_user,
        password=settings.endpoint_password,
        digest=settings.endpoint_auth == "digest",
        timeout=settings.query_timeout,
    )

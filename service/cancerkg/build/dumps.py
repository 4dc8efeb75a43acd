"""Write the release's dumps, each with a SHA-256 file in `sha256sum` format.

N-Quads keeps the named graphs (provenance); N-Triples, Turtle and JSON-LD hold the union graph
for consumers that do not read datasets. Each dump streams from the store through gzip and the
hash to its file, in the store's index order (grouped by subject), so a 1M-triple release never
sits in memory as Python objects (it took 40 s and 1.1 GB more when sorted in Python).
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from cancerkg.rdf.iris import PREFIXES

NAME = "cancerkg"


@dataclass(frozen=True)
class Dump:
    """One written dump file."""

    path: Path
    media_type: str
    sha256: str
    size: int


class _Hashing:
    """A binary file that hashes and counts what is written to it."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle, self.sha256, self.size = handle, hashlib.sha256(), 0

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self.handle.write(data)

    def flush(self) -> None:
        self.handle.flush()


def write_dumps(store: ox.Store, dist: Path) -> list[Dump]:
    """Write N-Quads (gzip), N-Triples (gzip), Turtle and JSON-LD dumps of the store."""
    dist.mkdir(parents=True, exist_ok=True)
    jobs = [
        (dist / f"{NAME}.nq.gz", "application/n-quads", _write_quads),
        (dist / f"{NAME}.nt.gz", "application/n-triples", _write_union(ox.RdfFormat.N_TRIPLES)),
        (dist / f"{NAME}.ttl", "text/turtle", _write_union(ox.RdfFormat.TURTLE)),
        (dist / f"{NAME}.jsonld", "application/ld+json", _write_union(ox.RdfFormat.JSON_LD)),
    ]
    # pyoxigraph serialises without the GIL: two at a time use both cores (1.5x at 1M)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="dump") as pool:
        return list(pool.map(lambda job: _dump(store, *job), jobs))


Writer = Callable[[ox.Store, BinaryIO], None]


def _write_quads(store: ox.Store, out: BinaryIO) -> None:
    ox.serialize(_named_graph_quads(store), out, format=ox.RdfFormat.N_QUADS)


def _write_union(fmt: ox.RdfFormat) -> Writer:
    def write(store: ox.Store, out: BinaryIO) -> None:
        store.dump(out, format=fmt, from_graph=ox.DefaultGraph(), prefixes=PREFIXES)

    return write


def _named_graph_quads(store: ox.Store) -> Iterator[ox.Quad]:
    """Every quad of the named graphs, graph by graph (the default graph is their union)."""
    for graph in sorted(store.named_graphs(), key=str):
        yield from store.quads_for_pattern(None, None, None, graph)


def _dump(store: ox.Store, path: Path, media_type: str, write: Writer) -> Dump:
    """Serialise into `path` (gzip-compressed for .gz), then its .sha256 beside it."""
    with path.open("wb") as handle:
        hashing = _Hashing(handle)
        if path.suffix == ".gz":
            # mtime=0 and no name: the same triples give the same bytes and the same hash;
            # level 6 (gzip's own default): 2.5x faster than 9 at 1M, 4 % larger
            zipping = gzip.GzipFile("", "wb", compresslevel=6, fileobj=hashing, mtime=0)
            with zipping as zipped:
                write(store, zipped)  # type: ignore[arg-type]
        else:
            write(store, hashing)  # type: ignore[arg-type]
    digest = hashing.sha256.hexdigest()
    path.with_name(path.name + ".sha256").write_text(f"{digest}  {path.name}\n", encoding="utf-8")
    return Dump(path, media_type, digest, hashing.size)

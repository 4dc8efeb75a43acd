"""Write the release's dumps, each with a SHA-256 file in `sha256sum` format.

N-Quads keeps the named graphs (provenance); N-Triples, Turtle and JSON-LD hold the union graph
for consumers that do not read datasets.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from cancerkg.rdf.iris import PREFIXES
from cancerkg.store.oxigraph import named_graph_quads

NAME = "cancerkg"


@dataclass(frozen=True)
class Dump:
    """One written dump file."""

    path: Path
    media_type: str
    sha256: str
    size: int


def write_dumps(store: ox.Store, dist: Path) -> list[Dump]:
    """Write N-Quads (gzip), N-Triples (gzip), Turtle and JSON-LD dumps of the store."""
    dist.mkdir(parents=True, exist_ok=True)
    quads = sorted(named_graph_quads(store), key=str)
    triples = sorted({q.triple for q in quads}, key=str)
    written = [
        _write(
            dist / f"{NAME}.nq.gz",
            ox.serialize(quads, format=ox.RdfFormat.N_QUADS),
            True,
            "application/n-quads",
        ),
        _write(
            dist / f"{NAME}.nt.gz",
            ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES),
            True,
            "application/n-triples",
        ),
        _write(
            dist / f"{NAME}.ttl",
            ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES),
            False,
            "text/turtle",
        ),
        _write(
            dist / f"{NAME}.jsonld",
            ox.serialize(triples, format=ox.RdfFormat.JSON_LD),
            False,
            "application/ld+json",
        ),
    ]
    return written


def _write(path: Path, data: bytes | None, compress: bool, media_type: str) -> Dump:
    payload = data or b""
    if compress:
        payload = gzip.compress(payload, mtime=0)  # mtime=0: same input, same bytes, same hash
    path.write_bytes(payload)
    digest = hashlib.sha256(payload).hexdigest()
    path.with_name(path.name + ".sha256").write_text(f"{digest}  {path.name}\n", encoding="utf-8")
    return Dump(path, media_type, digest, len(payload))

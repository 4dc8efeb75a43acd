"""The dataset's description of itself: VoID (counts, class and property partitions, linksets to
ROR, Wikidata and the EU authority tables, dumps, SPARQL endpoint) and a DCAT-AP catalogue
record with one distribution per dump.

Counts are computed by SPARQL over the store so they are true of what is served; release facts
(dump sizes, checksums, build time) come from the release manifest. Addresses of dumps and the
endpoint are built from the base URL of the running service, since those are where a harvester
can actually fetch them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from cancerkg import __version__
from cancerkg.internal_queries import internal_query
from cancerkg.rdf.iris import BASE, DATASET, XSD
from cancerkg.rdf.terms import Term
from cancerkg.store import releases
from cancerkg.store.protocol import Store, construct

CATALOG = BASE + "catalog"
IANA = "http://www.iana.org/assignments/media-types/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
FORMATS = {
    "application/n-quads": ("N-Quads (gzip)", "RDF_N_QUADS"),
    "application/n-triples": ("N-Triples (gzip)", "RDF_N_TRIPLES"),
    "text/turtle": ("Turtle", "RDF_TURTLE"),
    "application/ld+json": ("JSON-LD", "JSON_LD"),
}
VOID_PATH = ".well-known/void"
DCAT_BYTE_SIZE = "http://www.w3.org/ns/dcat#byteSize"


@dataclass(frozen=True)
class DumpFile:
    """One file of a release's dist/ folder, as listed in its manifest."""

    name: str
    media_type: str
    sha256: str
    size: int

    @property
    def compressed(self) -> bool:
        return self.name.endswith(".gz")

    @property
    def title(self) -> str:
        return FORMATS.get(self.media_type, (self.media_type, ""))[0]


@dataclass(frozen=True)
class ReleaseInfo:
    """What a harvester needs to know about the release being served."""

    version: str
    built_at: str
    dumps: tuple[DumpFile, ...]
    dist: Path | None

    def dump(self, name: str) -> DumpFile | None:
        return next((d for d in self.dumps if d.name == name), None)


def release_info(store_dir: Path) -> ReleaseInfo:
    """The published release's facts, or a bare version when there is no local release (the
    remote backend): then there are no dumps to list."""
    release = releases.current_release(store_dir)
    if release is None:
        return ReleaseInfo(f"cancerkg-{__version__}", "", (), None)
    manifest = release.manifest()
    dumps = tuple(DumpFile(d.file, d.media_type, d.sha256, d.size) for d in manifest.dumps)
    version = f"{manifest.fingerprint}-{manifest.cancerkg or __version__}"
    return ReleaseInfo(version, manifest.built_at, dumps, release.dist)


def describe_dataset(store: Store, release: ReleaseInfo, base_url: str) -> list[ox.Triple]:
    """VoID and DCAT-AP description of the dataset as served from `base_url` (ends with '/')."""
    dataset = ox.NamedNode(DATASET)
    triples: list[ox.Triple] = []
    for name in ("void-dataset", "void-classes", "void-properties", "void-linksets"):
        triples += _construct(store, name, {"dataset": dataset})
    triples += _construct(store, "dcat-dataset", _dataset_bindings(release, base_url))
    for dump in release.dumps:
        triples += _construct(store, "dcat-distribution", _dump_bindings(dump, release, base_url))
        triples.append(_byte_size(dump))
    return list(dict.fromkeys(triples))  # the CONSTRUCTs overlap on shared nodes


def _dataset_bindings(release: ReleaseInfo, base_url: str) -> dict[str, Term]:
    bindings: dict[str, Term] = {
        "dataset": ox.NamedNode(DATASET),
        "catalog": ox.NamedNode(CATALOG),
        "record": ox.NamedNode(CATALOG + "#record"),
        "service": ox.NamedNode(CATALOG + "#sparql-service"),
        "publisher": ox.NamedNode(CATALOG + "#publisher"),
        "contact": ox.NamedNode(CATALOG + "#contact"),
        "sparql": ox.NamedNode(base_url + "sparql"),
        "void": ox.NamedNode(base_url + VOID_PATH),
        "landing": ox.NamedNode(base_url),
        "version": ox.Literal(release.version),
    }
    if release.built_at:
        bindings["modified"] = _datetime(release.built_at)
    return bindings


def _dump_bindings(dump: DumpFile, release: ReleaseInfo, base_url: str) -> dict[str, Term]:
    label, file_type = FORMATS.get(dump.media_type, (dump.media_type, "RDF"))
    bindings: dict[str, Term] = {
        "dataset": ox.NamedNode(DATASET),
        "distribution": _distribution(dump),
        "download": ox.NamedNode(f"{base_url}dumps/{dump.name}"),
        "mediaType": ox.NamedNode(IANA + dump.media_type),
        "format": ox.NamedNode(FILE_TYPE + file_type),
        "checksum": ox.NamedNode(f"{DATASET}#dump-{dump.name}-sha256"),
        "hex": ox.Literal(dump.sha256, datatype=ox.NamedNode(XSD + "hexBinary")),
        "title": ox.Literal(f"cancerkg dump, {label}", language="en"),
    }
    if dump.compressed:
        bindings["compression"] = ox.NamedNode(IANA + "gzip")
    if release.built_at:
        bindings["modified"] = _datetime(release.built_at)
    return bindings


def _byte_size(dump: DumpFile) -> ox.Triple:
    """dcat:byteSize typed xsd:nonNegativeInteger as DCAT-AP requires; written here rather than in
    the CONSTRUCT because pyoxigraph canonicalises a bound xsd:nonNegativeInteger to xsd:integer."""
    size = ox.Literal(str(dump.size), datatype=ox.NamedNode(XSD + "nonNegativeInteger"))
    return ox.Triple(_distribution(dump), ox.NamedNode(DCAT_BYTE_SIZE), size)


def _distribution(dump: DumpFile) -> ox.NamedNode:
    return ox.NamedNode(f"{DATASET}#dump-{dump.name}")


def _datetime(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + "dateTime"))


def _construct(store: Store, name: str, bindings: dict[str, Term]) -> list[ox.Triple]:
    return construct(store, internal_query(name), substitutions=bindings)

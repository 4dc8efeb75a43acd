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
PUBLISHER = CATALOG + "#publisher"
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
    published = releases.current_published(store_dir)
    if published is None:
        return ReleaseInfo(f"cancerkg-{__version__}", "", (), None)
    return published_info(published)


def published_info(published: releases.Published) -> ReleaseInfo:
    """The facts of any published release (its dumps are kept forever)."""
    manifest = published.manifest
    dumps = tuple(DumpFile(d.file, d.media_type, d.sha256, d.size) for d in manifest.dumps)
    return ReleaseInfo(published.version, manifest.built_at, dumps, published.release.dist)


def describe_dataset(store: Store, release: ReleaseInfo, base_url: str) -> list[ox.Triple]:
    """VoID and DCAT-AP description of the dataset as served from `base_url` (ends with '/')."""
    dataset = ox.NamedNode(DATASET)
    triples: list[ox.Triple] = []
    for name in ("void-dataset", "void-classes", "void-properties", "void-linksets"):
        triples += _construct(store, name, {"dataset": dataset})
    triples += _construct(store, "dcat-dataset", _dataset_bindings(release, base_url))
    for dump in release.dumps:
        download = f"{base_url}dumps/{dump.name}"
        triples += describe_distribution(
            store, dump, DATASET, download, "cancerkg dump", release.built_at
        )
    return list(dict.fromkeys(triples))  # the CONSTRUCTs overlap on shared nodes


def _dataset_bindings(release: ReleaseInfo, base_url: str) -> dict[str, Term]:
    bindings: dict[str, Term] = {
        "dataset": ox.NamedNode(DATASET),
        "catalog": ox.NamedNode(CATALOG),
        "record": ox.NamedNode(CATALOG + "#record"),
        "service": ox.NamedNode(CATALOG + "#sparql-service"),
        "publisher": ox.NamedNode(PUBLISHER),
        "contact": ox.NamedNode(CATALOG + "#contact"),
        "sparql": ox.NamedNode(base_url + "sparql"),
        "void": ox.NamedNode(base_url + VOID_PATH),
        "landing": ox.NamedNode(base_url),
        "version": ox.Literal(release.version),
    }
    if release.built_at:
        bindings["modified"] = _datetime(release.built_at)
    if release.dist is not None:  # a local release: its version IRI dereferences
        bindings["currentVersion"] = ox.NamedNode(f"{DATASET}/{release.version}")
    return bindings


def describe_distribution(
    store: Store, dump: DumpFile, dataset: str, download: str, title: str, modified: str
) -> list[ox.Triple]:
    """One dump of `dataset` (the current dataset, or one release of it), downloadable at
    `download`, as a DCAT-AP distribution and VoID data dump."""
    bindings = _distribution_bindings(dump, dataset, download, title, modified)
    return [*_construct(store, "dcat-distribution", bindings), _byte_size(dump, dataset)]


def _distribution_bindings(
    dump: DumpFile, dataset: str, download: str, title: str, modified: str
) -> dict[str, Term]:
    """The values dcat-distribution.rq binds for one dump of `dataset` (the current dataset,
    or one release of it), downloadable at `download`."""
    label, file_type = FORMATS.get(dump.media_type, (dump.media_type, "RDF"))
    bindings: dict[str, Term] = {
        "dataset": ox.NamedNode(dataset),
        "distribution": _distribution(dump, dataset),
        "download": ox.NamedNode(download),
        "mediaType": ox.NamedNode(IANA + dump.media_type),
        "format": ox.NamedNode(FILE_TYPE + file_type),
        "checksum": ox.NamedNode(f"{dataset}#dump-{dump.name}-sha256"),
        "hex": ox.Literal(dump.sha256, datatype=ox.NamedNode(XSD + "hexBinary")),
        "title": ox.Literal(f"{title}, {label}", language="en"),
    }
    if dump.compressed:
        bindings["compression"] = ox.NamedNode(IANA + "gzip")
    if modified:
        bindings["modified"] = _datetime(modified)
    return bindings


def _byte_size(dump: DumpFile, dataset: str) -> ox.Triple:
    """dcat:byteSize typed xsd:nonNegativeInteger as DCAT-AP requires; written here rather than in
    the CONSTRUCT because pyoxigraph canonicalises a bound xsd:nonNegativeInteger to xsd:integer."""
    size = ox.Literal(str(dump.size), datatype=ox.NamedNode(XSD + "nonNegativeInteger"))
    return ox.Triple(_distribution(dump, dataset), ox.NamedNode(DCAT_BYTE_SIZE), size)


def _distribution(dump: DumpFile, dataset: str) -> ox.NamedNode:
    return ox.NamedNode(f"{dataset}#dump-{dump.name}")


def _datetime(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + "dateTime"))


def _construct(store: Store, name: str, bindings: dict[str, Term]) -> list[ox.Triple]:
    return construct(store, internal_query(name), substitutions=bindings)

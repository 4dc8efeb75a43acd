"""Answers about the published versions of the dataset: which releases there are, each one's
dumps and changes, and their DCAT description (a catalogue of dataset versions).

Every release is a dcat:Dataset `https://w3id.org/cancerkg/dataset/{version}` with dcat:version,
dcterms:issued, its distributions (the same modelling as the current dataset's, from
dcat-distribution.rq) and DCAT 3 versioning: dcat:previousVersion to the release it replaced,
dcterms:isVersionOf the dataset, which in turn dcat:hasVersion each release and
dcat:hasCurrentVersion the served one. A release never changes once published, so the changes
of one are computed once per process and kept (a few of them, in memory).
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from cancerkg.errors import InputError, NotFoundError
from cancerkg.graph.changes import Changes, changes_between, changeset_triples
from cancerkg.graph.describe import ONTOLOGY_GRAPHS
from cancerkg.graph.void import (
    PUBLISHER,
    DumpFile,
    ReleaseInfo,
    describe_distribution,
    published_info,
)
from cancerkg.internal_queries import internal_query
from cancerkg.rdf.iris import BASE, DATASET, DCTERMS, ONTOLOGY_IRI, OWL, RDF_TYPE, RDFS, XSD
from cancerkg.rdf.parsing import format_for_path, parse_bytes
from cancerkg.rdf.terms import Term
from cancerkg.store import releases
from cancerkg.store.oxigraph import OxigraphStore
from cancerkg.store.protocol import Store, select

DCAT = "http://www.w3.org/ns/dcat#"
RELEASES_IRI = BASE + "releases"
FOAF = "http://xmlns.com/foaf/0.1/"
RDFS_RESOURCE = RDFS + "Resource"
N_QUADS_DUMP = "cancerkg.nq.gz"
CHANGES_KEPT = 4  # each holds both sides in memory (tens of MB at 60k quads)


@dataclass(frozen=True)
class Version:
    """One published release as the catalogue lists it."""

    version: str
    previous: str
    info: ReleaseInfo
    triples: int
    fingerprint: str
    has_database: bool
    derived: bool  # a release from before versions: its version comes from built_at

    @property
    def iri(self) -> str:
        return version_iri(self.version)

    @property
    def built_at(self) -> str:
        return self.info.built_at

    @property
    def dumps(self) -> tuple[DumpFile, ...]:
        return self.info.dumps


def version_iri(version: str) -> str:
    """The dataset version IRI: https://w3id.org/cancerkg/dataset/{version}."""
    return f"{DATASET}/{version}"


def changes_iri(version: str) -> str:
    """The IRI of a release's change set, served at /releases/{version}/changes."""
    return f"{RELEASES_IRI}/{version}/changes"


def list_versions(store_dir: Path) -> list[Version]:
    """Every published release, newest first."""
    return [_version(p) for p in reversed(releases.published_releases(store_dir))]


def find_version(store_dir: Path, version: str) -> Version:
    """The release with this version; NotFoundError (404, exit 2) otherwise."""
    published = releases.find_release(store_dir, version)
    if published is None:
        raise NotFoundError(
            f"no release {version!r} in this store; the releases are listed at /releases "
            "and by `cancerkg diff --list`"
        )
    return _version(published)


def version_quads(store_dir: Path, version: str) -> list[ox.Quad]:
    """Every quad of a release, read from its N-Quads dump (kept for every release)."""
    found = find_version(store_dir, version)
    dist = found.info.dist
    if dist is None or not (dist / N_QUADS_DUMP).is_file():
        raise NotFoundError(f"release {version} has no {N_QUADS_DUMP} dump")
    return read_dataset(dist / N_QUADS_DUMP)


def read_dataset(path: Path) -> list[ox.Quad]:
    """Every quad of a dump file (.nq, .trig, .ttl, .nt, .jsonld, each also gzipped)."""
    inner = path.with_suffix("") if path.suffix == ".gz" else path
    fmt = format_for_path(inner)
    try:
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise InputError(f"{path}: cannot read the dump ({error})") from None
    return parse_bytes(data, fmt, name=str(path))


@dataclass(frozen=True)
class Side:
    """One side of `cancerkg diff`: its name, an IRI for it, and its quads."""

    name: str
    iri: str
    quads: list[ox.Quad]


def read_side(spec: str, store_dir: Path) -> Side:
    """A release version in the store, else a dump file."""
    if releases.VERSION.fullmatch(spec) and not Path(spec).exists():
        return Side(spec, version_iri(spec), version_quads(store_dir, spec))
    path = Path(spec)
    if not path.is_file():
        raise InputError(
            f"{spec!r} is neither a release in {store_dir} nor a file; name a version "
            "(see `cancerkg diff --list`) or a dump (.nq, .nq.gz, .trig, .ttl)"
        )
    return Side(path.name, path.resolve().as_uri(), read_dataset(path))


def release_changes(store_dir: Path, version: str) -> Changes:
    """What a release changed from the one it replaced (from nothing, for the first)."""
    found = find_version(store_dir, version)
    return _changes(str(store_dir.resolve()), found.version, found.previous)


@lru_cache(maxsize=CHANGES_KEPT)
def _changes(store_dir: str, version: str, previous: str) -> Changes:
    store = Path(store_dir)
    old = version_quads(store, previous) if previous else []
    return changes_between(old, version_quads(store, version))


def release_changeset(store_dir: Path, version: str) -> list[ox.Triple]:
    """A release's changes as RDF (Talis changeset vocabulary, see changes.changeset_triples)."""
    found = find_version(store_dir, version)
    changes = release_changes(store_dir, version)
    return changeset_triples(
        changes, changes_iri(version), version_iri(version), found.built_at or None
    )


def catalogue_triples(versions: list[Version], base_url: str) -> list[ox.Triple]:
    """The releases as a DCAT catalogue of dataset versions, served from `base_url`."""
    catalogue = ox.NamedNode(RELEASES_IRI)
    dataset = ox.NamedNode(DATASET)
    publisher = ox.NamedNode(PUBLISHER)
    triples = [
        ox.Triple(catalogue, ox.NamedNode(RDF_TYPE), ox.NamedNode(DCAT + "Catalog")),
        ox.Triple(
            catalogue,
            ox.NamedNode(DCTERMS + "title"),
            ox.Literal("cancerkg releases", language="en"),
        ),
        ox.Triple(
            catalogue,
            ox.NamedNode(DCTERMS + "description"),
            ox.Literal("Every published release of cancerkg, newest first.", language="en"),
        ),
        # DCAT-AP: a catalogue has a publisher, and every referenced resource says its class.
        ox.Triple(catalogue, ox.NamedNode(DCTERMS + "publisher"), publisher),
        ox.Triple(publisher, ox.NamedNode(RDF_TYPE), ox.NamedNode(FOAF + "Agent")),
        ox.Triple(publisher, ox.NamedNode(FOAF + "name"), ox.Literal("cancerkg contributors")),
    ]
    if versions:
        current = ox.NamedNode(versions[0].iri)
        triples.append(ox.Triple(dataset, ox.NamedNode(DCAT + "hasCurrentVersion"), current))
    for version in versions:
        triples.append(
            ox.Triple(catalogue, ox.NamedNode(DCAT + "dataset"), ox.NamedNode(version.iri))
        )
        triples += version_triples(version, base_url)
    return list(dict.fromkeys(triples))


def _described(version: Version) -> str:
    since = f", following release {version.previous}" if version.previous else ""
    return f"The cancerkg knowledge graph as published in release {version.version}{since}."


def version_triples(version: Version, base_url: str) -> list[ox.Triple]:
    """One release as a dcat:Dataset: version, issued, previous version, distributions."""
    node = ox.NamedNode(version.iri)
    dataset = ox.NamedNode(DATASET)
    page = f"{base_url}releases/{version.version}"

    def fact(predicate: str, obj: Term) -> ox.Triple:
        return ox.Triple(node, ox.NamedNode(predicate), obj)

    triples = [
        fact(RDF_TYPE, ox.NamedNode(DCAT + "Dataset")),
        fact(DCTERMS + "title", ox.Literal(f"cancerkg release {version.version}", language="en")),
        fact(DCAT + "version", ox.Literal(version.version)),
        fact(DCTERMS + "isVersionOf", dataset),
        ox.Triple(dataset, ox.NamedNode(DCAT + "hasVersion"), node),
        fact(DCAT + "landingPage", ox.NamedNode(page)),
        fact(DCTERMS + "relation", ox.NamedNode(f"{page}/changes")),
        fact(DCTERMS + "description", ox.Literal(_described(version), language="en")),
        # DCAT-AP checks the class of every referenced resource without reasoning.
        ox.Triple(ox.NamedNode(page), ox.NamedNode(RDF_TYPE), ox.NamedNode(FOAF + "Document")),
        ox.Triple(
            ox.NamedNode(f"{page}/changes"), ox.NamedNode(RDF_TYPE), ox.NamedNode(RDFS_RESOURCE)
        ),
    ]
    if version.built_at:
        issued = ox.Literal(version.built_at, datatype=ox.NamedNode(XSD + "dateTime"))
        triples.append(fact(DCTERMS + "issued", issued))
    if version.previous:
        triples.append(fact(DCAT + "previousVersion", ox.NamedNode(version_iri(version.previous))))
    empty = OxigraphStore.in_memory()  # the CONSTRUCT binds every value: it reads no data
    for dump in version.dumps:
        triples += describe_distribution(
            empty,
            dump,
            version.iri,
            f"{page}/dumps/{dump.name}",
            f"cancerkg {version.version}",
            version.built_at,
        )
    return triples


def ontology_version(store: Store) -> str | None:
    """The owl:versionIRI of the ontology in the served release."""
    value = select(store, internal_query("ontology-version")).value("version")
    return value.value if isinstance(value, ox.NamedNode) else None


def past_ontology(store_dir: Path, version_iri: str) -> list[ox.Triple] | None:
    """The ontology graphs of the newest release whose ontology has this owl:versionIRI (read
    from its dump), or None when no release had it."""
    stated = ox.Quad(
        ox.NamedNode(ONTOLOGY_IRI),
        ox.NamedNode(OWL + "versionIRI"),
        ox.NamedNode(version_iri),
        ox.NamedNode(ONTOLOGY_GRAPHS + "cancerkg"),
    )
    for version in list_versions(store_dir):
        quads = version_quads(store_dir, version.version)
        if stated in quads:
            triples = (
                q.triple for q in quads if str(q.graph_name).startswith(f"<{ONTOLOGY_GRAPHS}")
            )
            return list(dict.fromkeys(triples))
    return None


def _in_ontology(quad: ox.Quad) -> bool:
    graph = quad.graph_name
    return isinstance(graph, ox.NamedNode) and graph.value.startswith(ONTOLOGY_GRAPHS)


def _version(published: releases.Published) -> Version:
    manifest = published.manifest
    return Version(
        published.version,
        published.previous,
        published_info(published),
        manifest.triples,
        manifest.fingerprint,
        published.has_database,
        published.derived,
    )

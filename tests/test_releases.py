"""Versioned releases: version numbers, dumps kept for every release, the diff between two
releases in words and as RDF, `cancerkg diff`, /releases (HTML, JSON, DCAT), each release's
dumps and changes, the Atom feed, and the dataset and ontology version IRIs."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib.namespace import DCTERMS, RDF

from cancerkg.build.pipeline import build
from cancerkg.graph.changes import changes_between
from cancerkg.graph.versions import read_dataset
from cancerkg.settings import Settings
from cancerkg.store import releases
from cancerkg.web.app import create_app
from conftest import copy_sources

ATOM = "{http://www.w3.org/2005/Atom}"
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
CS = rdflib.Namespace("http://purl.org/vocab/changeset/schema#")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
DATASET = "https://w3id.org/cancerkg/dataset"
VERSION = re.compile(r"\d{4}-\d{2}-\d{2}\.[1-9]\d*")
JOINS = "Vall d'Hebron University Hospital joins ERN EURACAN as full member from 2025-01-01"
LEAVES = "Hôpital Universitaire des Enfants Reine Fabiola leaves ERN PaedCan"
RELABELLED = (
    'label of ICO Catalan Institute of Oncology changed from "Institut Català d\'Oncologia" '
    'to "ICO Catalan Institute of Oncology"'
)
NEW_MEMBERSHIP = """
mem:euracan--vall-dhebron a org:Membership ;
    org:member orgn:vall-dhebron ;
    org:organization net:euracan ;
    org:role role:full-member ;
    org:memberDuring [ a time:Interval ;
        time:hasBeginning [ a time:Instant ; time:inXSDDate "2025-01-01"^^xsd:date ] ] ;
    dcterms:source <https://euracan.eu/who-we-are/about-euracan/> .
"""


@dataclass(frozen=True)
class History:
    """A store with three releases: the real sources, then a membership added, one removed and
    an English label changed, then a change to a comment only (no triple changes)."""

    store: Path
    versions: list[str]


def _edit_members(sources: Path) -> None:
    members = sources / "data" / "members-cancer-erns.ttl"
    text = members.read_text(encoding="utf-8")
    text, removed = re.subn(
        r"mem:paedcan--huderf a org:Membership ;.*?\.\n\n", "", text, flags=re.S
    )
    assert removed == 1
    members.write_text(text + NEW_MEMBERSHIP, encoding="utf-8")
    centres = sources / "data" / "cancer-centres.ttl"
    old_label = '"Institut Català d\'Oncologia"@en'
    assert old_label in centres.read_text(encoding="utf-8")
    centres.write_text(
        centres.read_text(encoding="utf-8").replace(
            old_label, '"ICO Catalan Institute of Oncology"@en', 1
        ),
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory, root: Path) -> History:
    folder = tmp_path_factory.mktemp("releases")
    sources = copy_sources(root, folder / "src")
    store = folder / "store"
    build(store, root=sources)
    _edit_members(sources)
    build(store, root=sources)
    countries = sources / "data" / "countries.ttl"
    countries.write_text(countries.read_text(encoding="utf-8") + "\n# a comment\n", "utf-8")
    build(store, root=sources)
    versions = [p.version for p in releases.published_releases(store)]
    return History(store, versions)


@pytest.fixture(scope="module")
def client(history: History) -> Iterator[TestClient]:
    settings = replace(Settings(history.store), workers=1)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_each_release_has_a_dated_version_and_names_the_one_it_replaced(history: History) -> None:
    published = releases.published_releases(history.store)
    assert len(published) == 3
    for index, release in enumerate(published):
        assert VERSION.fullmatch(release.version), release.version
        manifest = json.loads(release.release.manifest_path.read_text())
        assert manifest["version"] == release.version
        assert manifest["previous"] == (published[index - 1].version if index else "")
        day, sequence = release.version.split(".")
        assert manifest["built_at"][:10] <= day  # numbered when published, at or after the build
        earlier = [p for p in published[:index] if p.version.startswith(day + ".")]
        assert int(sequence) == len(earlier) + 1  # 1, 2, 3 within a day
        assert release.release.path.name == release.version
    assert (history.store / "current").resolve() == published[-1].release.path


def test_unchanged_sources_make_no_new_release(tmp_path: Path, root: Path) -> None:
    sources = copy_sources(root, tmp_path / "src")
    first = build(tmp_path / "store", root=sources)
    again = build(tmp_path / "store", root=sources)
    assert not again.rebuilt and again.release.path == first.release.path
    assert len(releases.published_releases(tmp_path / "store")) == 1


def test_builds_finishing_together_get_versions_one_after_the_other(
    tmp_path: Path, root: Path
) -> None:
    """Numbering and publishing hold releases/.lock: two builds never take the same version."""
    sources = copy_sources(root, tmp_path / "src")
    store = tmp_path / "store"
    env = {**os.environ, "CANCERKG_SOURCES": str(sources)}
    command = [sys.executable, "-m", "cancerkg", "build", "--force", "--store", str(store)]
    running = [subprocess.Popen(command, env=env, stderr=subprocess.PIPE) for _ in range(3)]
    for process in running:
        assert process.wait(timeout=300) == 0, process.stderr.read() if process.stderr else ""
        if process.stderr:
            process.stderr.close()
    published = releases.published_releases(store)
    assert len({p.version for p in published}) == 3
    assert [p.previous for p in published][1:] == [p.version for p in published][:-1]


def test_every_release_keeps_its_dumps_and_only_the_newest_two_their_database(
    history: History,
) -> None:
    published = releases.published_releases(history.store)
    assert [p.has_database for p in published] == [False, True, True]
    for release in published:
        for dump in release.manifest.dumps:
            data = (release.release.dist / dump.file).read_bytes()
            assert hashlib.sha256(data).hexdigest() == dump.sha256


def test_a_store_from_before_versions_is_read_and_continued(tmp_path: Path, root: Path) -> None:
    """A release folder named by its fingerprint with a manifest without version is read as
    the version its built_at gives; the next build is numbered after it."""
    sources = copy_sources(root, tmp_path / "src")
    store = tmp_path / "store"
    first = build(store, root=sources)
    manifest = json.loads(first.release.manifest_path.read_text())
    del manifest["version"], manifest["previous"]
    first.release.manifest_path.write_text(json.dumps(manifest))
    legacy = first.release.path.with_name(manifest["fingerprint"])
    first.release.path.rename(legacy)
    (store / "current").unlink()
    (store / "current").symlink_to(Path("releases") / legacy.name)

    (old,) = releases.published_releases(store)
    assert old.derived and old.version == manifest["built_at"][:10] + ".1"
    assert releases.current_published(store) == old
    (sources / "data" / "countries.ttl").write_text(
        (sources / "data" / "countries.ttl").read_text() + "\n# changed\n"
    )
    build(store, root=sources)
    older, newer = releases.published_releases(store)
    assert older.version == old.version and newer.previous == old.version
    assert int(newer.version.split(".")[1]) > 1 or newer.version[:10] != old.version[:10]


def _quads(store: Path, version: str) -> list[ox.Quad]:
    return read_dataset(store / "releases" / version / "dist" / "cancerkg.nq.gz")


def test_changes_between_two_builds_tell_who_joined_and_who_left(history: History) -> None:
    old, new, _ = history.versions
    changes = changes_between(_quads(history.store, old), _quads(history.store, new))
    texts = [s.text for s in changes.sentences()]
    assert sorted(texts) == sorted([JOINS, LEAVES, RELABELLED])
    graph = "https://w3id.org/cancerkg/graph/data/members-cancer-erns"
    centres = "https://w3id.org/cancerkg/graph/data/cancer-centres"
    assert {s.text: s.graphs for s in changes.sentences()}[JOINS] == (graph,)
    assert {s.text: s.graphs for s in changes.sentences()}[RELABELLED] == (centres,)
    assert [g for g, _, _ in changes.graphs()] == [centres, graph]  # no derived graphs
    assert changes.sources()[graph]["title"] == ["Members of the cancer ERNs"]
    text = changes.text()
    assert JOINS in text and LEAVES in text and graph in text


def test_blank_node_labels_and_order_are_no_change(history: History) -> None:
    dump = history.store / "releases" / history.versions[1] / "dist" / "cancerkg.nq.gz"
    lines = gzip.decompress(dump.read_bytes()).decode("utf-8").splitlines()
    relabelled = "\n".join(reversed([line.replace("_:", "_:other") for line in lines]))
    again = ox.parse(relabelled.encode("utf-8"), ox.RdfFormat.N_QUADS)
    assert not changes_between(read_dataset(dump), again)


def test_a_submission_graph_is_told_with_its_attribution(history: History) -> None:
    """The review flow: the current release against the same plus a submission's graph."""
    current = _quads(history.store, history.versions[-1])
    submission = ox.parse(
        b"""@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/cancerkg/graph/submissions/s-42> prov:wasAttributedTo
    <https://w3id.org/cancerkg/id/organisation/vall-dhebron> ; dcterms:identifier "s-42" .
<https://w3id.org/cancerkg/id/membership/skin--vall-dhebron> a org:Membership ;
  org:member <https://w3id.org/cancerkg/id/organisation/vall-dhebron> ;
  org:organization <https://w3id.org/cancerkg/id/network/skin> ;
  org:role <https://w3id.org/cancerkg/id/role/full-member> ;
  org:memberDuring [ time:hasBeginning [ time:inXSDDate "2026-01-01"^^xsd:date ] ] .
""",
        ox.RdfFormat.TRIG,
        base_iri=None,
    )
    graph = ox.NamedNode("https://w3id.org/cancerkg/graph/submissions/s-42")
    proposed = [ox.Quad(q.subject, q.predicate, q.object, graph) for q in submission]
    changes = changes_between(current, current + proposed)
    texts = [s.text for s in changes.sentences()]
    assert (
        "Vall d'Hebron University Hospital joins ERN-Skin as full member from 2026-01-01" in texts
    )
    facts = changes.sources()[graph.value]
    assert facts["identifier"] == ["s-42"]
    assert facts["attributed_to"][0].startswith("Vall d'Hebron University Hospital <")
    assert not changes.removed


def test_cancerkg_diff_between_versions_and_files(history: History, cli) -> None:
    old, new, _ = history.versions
    store = str(history.store)
    text = cli("diff", "--store", store, old, new)
    assert text.returncode == 0, text.stderr
    assert JOINS in text.stdout and LEAVES in text.stdout
    as_json = json.loads(cli("diff", "--store", store, old, new, "--format", "json").stdout)
    assert {s["text"] for s in as_json["sentences"]} == {JOINS, LEAVES, RELABELLED}
    turtle = cli("diff", "--store", store, old, new, "--format", "turtle")
    graph = rdflib.Graph().parse(data=turtle.stdout, format="turtle")
    assert len(set(graph.subjects(RDF.type, CS.ChangeSet))) == 3
    files = [str(history.store / "releases" / v / "dist" / "cancerkg.nq.gz") for v in (old, new)]
    from_files = cli("diff", *files)
    assert from_files.returncode == 0 and JOINS in from_files.stdout
    unchanged = cli("diff", "--store", store, new, history.versions[2])
    assert unchanged.returncode == 0 and "No changes" in unchanged.stdout
    unknown = cli("diff", "--store", store, old, "2000-01-01.1")
    assert unknown.returncode == 2
    assert "no release '2000-01-01.1'" in unknown.stderr and "Traceback" not in unknown.stderr


def test_releases_as_json_html_and_dcat(client: TestClient, history: History) -> None:
    newest_first = list(reversed(history.versions))
    listed = client.get("/releases").json()
    assert [r["version"] for r in listed["releases"]] == newest_first
    assert listed["current"] == newest_first[0]
    page = client.get("/releases", headers={"Accept": BROWSER})
    assert page.headers["content-type"].startswith("text/html")
    assert all(f'href="/releases/{v}"' in page.text for v in history.versions)
    turtle = client.get("/releases", headers={"Accept": "text/turtle"})
    catalogue = rdflib.Graph().parse(data=turtle.content, format="turtle")
    dataset = rdflib.URIRef(DATASET)
    versions = {rdflib.URIRef(f"{DATASET}/{v}") for v in history.versions}
    assert set(catalogue.objects(dataset, DCAT.hasVersion)) == versions
    assert catalogue.value(dataset, DCAT.hasCurrentVersion) == rdflib.URIRef(
        f"{DATASET}/{newest_first[0]}"
    )
    for index, version in enumerate(history.versions):
        node = rdflib.URIRef(f"{DATASET}/{version}")
        assert (node, RDF.type, DCAT.Dataset) in catalogue
        assert str(catalogue.value(node, DCAT.version)) == version
        assert catalogue.value(node, DCTERMS.issued) is not None
        previous = catalogue.value(node, DCAT.previousVersion)
        assert previous == (
            rdflib.URIRef(f"{DATASET}/{history.versions[index - 1]}") if index else None
        )
        downloads = {
            str(catalogue.value(d, DCAT.downloadURL))
            for d in catalogue.objects(node, DCAT.distribution)
        }
        assert f"http://testserver/releases/{version}/dumps/cancerkg.nq.gz" in downloads


def test_an_old_release_dumps_are_served_after_two_more_builds(
    client: TestClient, history: History
) -> None:
    oldest = releases.published_releases(history.store)[0]
    for dump in oldest.manifest.dumps:
        response = client.get(f"/releases/{oldest.version}/dumps/{dump.file}")
        assert response.status_code == 200
        assert hashlib.sha256(response.content).hexdigest() == dump.sha256
        # a text dump may go out gzip-coded: its tag then names that coding
        assert response.headers["etag"].replace("-gzip", "") == f'"{dump.sha256}"'
        again = client.get(
            f"/releases/{oldest.version}/dumps/{dump.file}",
            headers={"If-None-Match": response.headers["etag"]},
        )
        assert again.status_code == 304
    sums = client.get(f"/releases/{oldest.version}/dumps/cancerkg.nq.gz.sha256").text
    assert sums.split()[0] == oldest.manifest.dumps[0].sha256
    missing = client.get(f"/releases/{oldest.version}/dumps/nothing.nq")
    assert missing.status_code == 404 and missing.json()["error"] == "not found"


def test_a_release_changes_as_rdf_text_json_and_html(client: TestClient, history: History) -> None:
    version = history.versions[1]
    turtle = client.get(f"/releases/{version}/changes")
    assert turtle.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=turtle.content, format="turtle")
    described = {
        str(o)
        for s in graph.subjects(RDF.type, CS.ChangeSet)
        for o in graph.objects(s, DCTERMS.description)
    }
    assert described == {JOINS, LEAVES, RELABELLED}
    release = rdflib.URIRef(f"{DATASET}/{version}")
    assert all(
        (s, DCTERMS.isPartOf, release) in graph for s in graph.subjects(RDF.type, CS.ChangeSet)
    )
    text = client.get(f"/releases/{version}/changes", headers={"Accept": "text/plain"})
    assert text.headers["content-type"].startswith("text/plain") and JOINS in text.text
    as_json = client.get(f"/releases/{version}/changes", headers={"Accept": "application/json"})
    assert as_json.json()["previous"] == history.versions[0]
    assert {s["text"] for s in as_json.json()["sentences"]} == {JOINS, LEAVES, RELABELLED}
    page = client.get(f"/releases/{version}", headers={"Accept": BROWSER})
    assert "joins ERN EURACAN as full member from 2025-01-01" in page.text
    assert f"/releases/{version}/dumps/cancerkg.nq.gz" in page.text


def test_the_feed_is_atom(client: TestClient, history: History) -> None:
    response = client.get("/releases.atom")
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    assert feed.find(f"{ATOM}link[@rel='self']") is not None
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        f"{DATASET}/{v}" for v in reversed(history.versions)
    ]
    for entry in entries:
        for required in ("title", "updated", "summary"):
            assert entry.findtext(f"{ATOM}{required}"), required
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
    second = entries[1]
    assert JOINS in (second.findtext(f"{ATOM}content") or "")


def test_version_iris_dereference(client: TestClient, history: History) -> None:
    version = history.versions[0]
    turtle = client.get(f"/dataset/{version}", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=turtle.content, format="turtle")
    assert str(graph.value(rdflib.URIRef(f"{DATASET}/{version}"), DCAT.version)) == version
    ontology = client.get("/ontology/0.1.0", headers={"Accept": "text/turtle"})
    assert ontology.status_code == 200
    assert "owl:versionIRI" in ontology.text or "versionIRI" in ontology.text
    dataset = rdflib.Graph().parse(
        data=client.get("/dataset", headers={"Accept": "text/turtle"}).content, format="turtle"
    )
    current = dataset.value(rdflib.URIRef(DATASET), DCAT.hasCurrentVersion)
    assert current == rdflib.URIRef(f"{DATASET}/{history.versions[-1]}")
    home = client.get("/", headers={"Accept": BROWSER}).text
    assert 'href="/releases"' in home


@pytest.mark.parametrize(
    "path",
    [
        "/releases/2000-01-01.1",
        "/releases/2000-01-01.1/changes",
        "/dataset/nothing",
        "/ontology/9.9.9",
    ],
)
def test_unknown_versions_are_404_in_the_error_shape(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json()["error"] == "not found" and response.json()["detail"]
    page = client.get(path, headers={"Accept": BROWSER})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")

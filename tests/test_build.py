"""`cancerkg build`: named graphs, inference, dumps, atomic publication, syntax errors."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from cancerkg.build.pipeline import build
from cancerkg.errors import BuildError
from cancerkg.rdf.iris import INFERRED_GRAPH
from cancerkg.store import releases
from cancerkg.store.oxigraph import OxigraphStore, named_graph_quads
from conftest import copy_sources

ORG = "http://www.w3.org/ns/org#"


def test_each_source_file_is_its_own_named_graph(
    store_dir: Path, oxigraph_store: OxigraphStore
) -> None:
    manifest = releases.current_release(store_dir).manifest()  # type: ignore[union-attr]
    graphs = set(oxigraph_store.named_graphs())
    for source in manifest.sources:
        assert source.graph in graphs, source
    assert INFERRED_GRAPH in graphs
    assert "https://w3id.org/cancerkg/graph/ontology/cancerkg" in graphs
    assert "https://w3id.org/cancerkg/graph/data/countries" in graphs


def test_inference_adds_superclass_types_and_membership_shortcuts(
    tmp_path: Path, root: Path
) -> None:
    sources = copy_sources(root, tmp_path / "src")
    (sources / "data" / "zz-test.ttl").write_text(
        """@prefix ckg: <https://w3id.org/cancerkg/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix role: <https://w3id.org/cancerkg/id/role/> .
@prefix ex: <https://example.org/> .
ex:net a ckg:CancerReferenceNetwork .
ex:h1 a ckg:CancerCentre . ex:h2 a ckg:HealthcareProvider .
ex:m1 a org:Membership ; org:member ex:h1 ; org:organization ex:net ; org:role role:coordinator .
ex:m2 a org:Membership ; org:member ex:h2 ; org:organization ex:net ; org:role role:full-member ;
  org:memberDuring [ time:hasEnd [ time:inXSDDate "2021-01-01"^^xsd:date ] ] .
ex:p1 ckg:collaboratesWith ex:p2 .
ex:wp org:unitOf ex:p1 .
ex:h3 a ckg:HealthcareProvider ; org:memberOf ex:net .
ex:m3 a org:Membership ; org:member ex:h3 ; org:organization ex:net ; org:role role:full-member .
ex:c <http://www.w3.org/2004/02/skos/core#broader> ex:b .
ex:b <http://www.w3.org/2004/02/skos/core#broader> ex:a .
""",
        encoding="utf-8",
    )
    build(tmp_path / "store", root=sources)
    store = OxigraphStore.open(releases.current_release(tmp_path / "store").oxigraph)  # type: ignore[union-attr]

    def ask(pattern: str) -> bool:
        prefixes = (
            "PREFIX ckg: <https://w3id.org/cancerkg/ontology#> "
            "PREFIX org: <http://www.w3.org/ns/org#> PREFIX ex: <https://example.org/> "
        )
        return bool(store.query(prefixes + f"ASK {{ GRAPH <{INFERRED_GRAPH}> {{ {pattern} }} }}"))

    assert ask("ex:net a ckg:Network . ex:net a org:Organization")  # subclass chain
    assert ask("ex:h1 a ckg:Institution")
    assert ask("ex:h1 org:memberOf ex:net . ex:net org:hasMember ex:h1")  # shortcut + inverse
    assert not ask("ex:h2 org:memberOf ex:net")  # ended membership: no current shortcut
    assert ask("ex:net ckg:coordinatedBy ex:h1 . ex:h1 ckg:coordinates ex:net")
    assert ask("ex:p2 ckg:collaboratesWith ex:p1")  # symmetric
    assert ask("ex:p1 ckg:relatedTo ex:p2")  # super-property
    assert ask("ex:p1 org:hasUnit ex:wp")  # inverse of a reused ORG property
    # derived beside a new triple, but asserted: in the default graph, not the inferred one
    assert ask("ex:net org:hasMember ex:h3")
    assert not ask("ex:h3 org:memberOf ex:net")
    assert store.query("ASK { <https://example.org/h3> <http://www.w3.org/ns/org#memberOf> ?n }")
    # a chain that needs a later round: broader -> broaderTransitive (02), then its closure (08)
    assert ask("ex:c <http://www.w3.org/2004/02/skos/core#broaderTransitive> ex:a")
    store.close()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "it must be a CONSTRUCT query"),
        ("CONSTRUCT { ?s ?p ?o ", "is never closed"),
        ("CONSTRUCT { ?s ?p ?o }", "no WHERE"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p }", "invalid SPARQL"),
    ],
)
def test_a_broken_rule_stops_the_build_naming_its_file(
    tmp_path: Path, root: Path, text: str, message: str
) -> None:
    sources = copy_sources(root, tmp_path / "src")
    (sources / "ontology" / "rules" / "99-broken.rq").write_text(text, encoding="utf-8")
    with pytest.raises(BuildError, match=f"ontology/rules/99-broken.rq: .*{message}"):
        build(tmp_path / "store", root=sources)
    assert releases.current_release(tmp_path / "store") is None


def test_dumps_match_their_checksums_and_content(
    store_dir: Path, oxigraph_store: OxigraphStore
) -> None:
    release = releases.current_release(store_dir)
    assert release is not None
    names = {d.file for d in release.manifest().dumps}
    assert names == {"cancerkg.nq.gz", "cancerkg.nt.gz", "cancerkg.ttl", "cancerkg.jsonld"}
    for name in names:
        path = release.dist / name
        digest, listed = (release.dist / f"{name}.sha256").read_text().split()
        assert listed == name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    quads = list(
        ox.parse(
            gzip.decompress((release.dist / "cancerkg.nq.gz").read_bytes()), ox.RdfFormat.N_QUADS
        )
    )
    assert len(quads) == len(named_graph_quads(oxigraph_store.native))
    turtle = list(ox.parse(path=str(release.dist / "cancerkg.ttl"), format=ox.RdfFormat.TURTLE))
    jsonld = list(ox.parse(path=str(release.dist / "cancerkg.jsonld"), format=ox.RdfFormat.JSON_LD))
    assert len(turtle) == len(jsonld) == len({q.triple for q in quads})


def test_unchanged_sources_are_not_rebuilt(tmp_path: Path, root: Path) -> None:
    sources = copy_sources(root, tmp_path / "src")
    first = build(tmp_path / "store", root=sources)
    second = build(tmp_path / "store", root=sources)
    assert first.rebuilt and not second.rebuilt
    assert second.release.path == first.release.path
    (sources / "data" / "countries.ttl").write_text(
        (sources / "data" / "countries.ttl").read_text() + "\n# changed\n"
    )
    third = build(tmp_path / "store", root=sources)
    assert third.rebuilt and third.release.path != first.release.path


def test_broken_turtle_stops_the_build_with_file_line_column(
    tmp_path: Path, root: Path, cli
) -> None:
    sources = copy_sources(root, tmp_path / "src")
    broken = sources / "data" / "broken.ttl"
    broken.write_text(
        '@prefix ex: <https://example.org/> .\nex:a ex:b "no end .\n', encoding="utf-8"
    )
    result = cli(
        "build", "--store", str(tmp_path / "store"), env={"CANCERKG_SOURCES": str(sources)}
    )
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert f"{broken}:2:" in lines[0].replace("\n", "")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "store" / "current").exists()


def test_killed_build_leaves_previous_store_queryable(tmp_path: Path, root: Path) -> None:
    sources = copy_sources(root, tmp_path / "src")
    store_dir = tmp_path / "store"
    first = build(store_dir, root=sources)
    # Grow the sources so the next build takes long enough to be killed in the middle.
    lines = [
        f'<https://example.org/s{i}> <https://example.org/p{i % 50}> "value {i}" .'
        for i in range(400_000)
    ]
    (sources / "data" / "big.nt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {**os.environ, "CANCERKG_SOURCES": str(sources)}
    process = subprocess.Popen(
        [sys.executable, "-m", "cancerkg", "build", "--store", str(store_dir)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    release_dir = store_dir / "releases"
    while not any(p.name.startswith(".tmp-") for p in release_dir.iterdir()):
        assert process.poll() is None, "the build ended before it could be killed"
        time.sleep(0.05)
    time.sleep(0.5)  # let it get into parsing/loading
    assert process.poll() is None, "the build finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    current = releases.current_release(store_dir)
    assert current is not None and current.path == first.release.path
    store = OxigraphStore.open(current.oxigraph)
    assert bool(store.query("ASK { ?s a <https://w3id.org/cancerkg/ontology#Country> }"))
    store.close()
    # The next build cleans up the killed one's workspace and publishes.
    second = build(store_dir, root=sources)
    assert second.rebuilt
    assert not any(p.name.startswith(".tmp-") for p in release_dir.iterdir())


def test_manifest_records_sources_and_counts(store_dir: Path) -> None:
    manifest = json.loads((store_dir / "current" / "manifest.json").read_text())
    assert manifest["triples"] > 0 and manifest["inferred"] > 0
    assert all(
        s["file"].split("/")[0] in {"ontology", "shapes", "data"} for s in manifest["sources"]
    )


def test_store_option_and_environment_variable_agree(tmp_path: Path, store_dir: Path, cli) -> None:
    by_option = cli("stats", "--json", "--store", str(store_dir))
    by_env = cli("stats", "--json", env={"CANCERKG_STORE": str(store_dir)})
    assert by_option.returncode == by_env.returncode == 0, by_option.stderr
    assert json.loads(by_option.stdout) == json.loads(by_env.stdout)


def test_missing_store_is_a_clear_error(tmp_path: Path, cli) -> None:
    result = cli("stats", "--store", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "cancerkg build" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("backend", ["oxigraph", "memory"])
def test_stats_counts(store_dir: Path, cli, backend: str) -> None:
    result = cli("stats", "--json", "--store", str(store_dir), "--backend", backend)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    classes = dict(figures["classes"])
    assert classes["https://w3id.org/cancerkg/ontology#Country"] == 31
    assert figures["triples"] > 0 and len(figures["graphs"]) >= 3


def test_default_graph_is_the_merge_not_a_bag(oxigraph_store: OxigraphStore, memory_store) -> None:
    """A triple stated in two source files comes back once, as SPARQL's RDF merge requires."""
    twice = (
        "SELECT ?s ?p ?o WHERE { GRAPH ?g1 { ?s ?p ?o } GRAPH ?g2 { ?s ?p ?o } "
        "FILTER(STR(?g1) < STR(?g2)) FILTER(CONTAINS(STR(?g1), '/graph/data/')) "
        "FILTER(CONTAINS(STR(?g2), '/graph/data/')) } LIMIT 1"
    )
    shared = list(oxigraph_store.query(twice))
    assert shared, "the data should state at least one triple in two files"
    s, p, o = shared[0]["s"], shared[0]["p"], shared[0]["o"]
    for store in (oxigraph_store, memory_store):
        rows = list(
            store.query("SELECT * WHERE { ?s ?p ?o }", substitutions={"s": s, "p": p, "o": o})
        )
        assert len(rows) == 1
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert (
        next(iter(oxigraph_store.query(count)))["n"] == next(iter(memory_store.query(count)))["n"]
    )

"""The whole-graph engine (shapes compiled to SPARQL on pyoxigraph) against pyshacl: the same
results (focus node, path, value, component, severity, shape) on the real graph, on a synthetic
graph with seeded errors of every kind, and on every W3C SHACL test whose shapes it compiles;
and the release gate of `cancerkg build` through the real command."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from cancerkg.store.oxigraph import OxigraphStore
from cancerkg.validation.engine import load_shapes, to_graph, validate_graph, validate_published
from cancerkg.validation.release import validate_release
from cancerkg.validation.report import Report, render
from cancerkg.validation.sparql_engine import dataset_of, plan_for, validate_store
from conftest import REPO, copy_sources
from support import skip_or_fail
from test_shacl_w3c import MF, SHT, manifest_tests

sys.path.insert(0, str(REPO / "bench"))
from synthetic import seeded_errors, synthetic

SUITES = os.environ.get("CANCERKG_W3C_SUITES")
# Every component shapes/ uses; the seeded graph must break each of them.
SEEDED_COMPONENTS = {
    f"sh:{name}ConstraintComponent"
    for name in [
        "Class",
        "Datatype",
        "NodeKind",
        "MinCount",
        "MaxCount",
        "Pattern",
        "In",
        "HasValue",
        "MinInclusive",
        "MinLength",
        "UniqueLang",
        "Not",
        "Or",
        "QualifiedMinCount",
        "SPARQL",
    ]
}


def key(report: Report) -> Counter[tuple[str | None, ...]]:
    return Counter(
        (r.focus, r.path, r.value, r.component, r.severity, r.shape) for r in report.results
    )


def messages(report: Report) -> Counter[tuple[str, ...]]:
    return Counter((r.focus, r.shape, r.component, r.message) for r in report.results)


def test_real_graph_same_results_as_pyshacl(oxigraph_store: OxigraphStore) -> None:
    compiled = validate_release(oxigraph_store)
    reference = validate_published(oxigraph_store)
    assert not compiled.uncompiled, "every shape of shapes/ compiles to SPARQL"
    assert key(compiled.report) == key(reference)
    assert messages(compiled.report) == messages(reference)


def test_seeded_graph_same_results_as_pyshacl(oxigraph_store: OxigraphStore) -> None:
    union = oxigraph_store.native.quads_for_pattern(None, None, None, ox.DefaultGraph())
    triples = [q.triple for q in union] + synthetic(300) + seeded_errors(2)
    data = dataset_of(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    compiled = validate_store(data, load_shapes())
    reference = validate_graph(to_graph(triples), load_shapes())
    assert not compiled.uncompiled
    assert key(compiled.report) == key(reference)
    assert messages(compiled.report) == messages(reference)
    found = {r.component for r in reference.results}
    assert found >= SEEDED_COMPONENTS, f"seeds break no {SEEDED_COMPONENTS - found}"


def _w3c_tests() -> list[tuple[str, Path]]:
    if not SUITES:
        return []
    return manifest_tests(Path(SUITES) / "shacl-w3c" / "manifest.ttl")


def _file(graph: Graph, node: object) -> Path:
    return Path(str(node).split("#")[0].removeprefix("file://"))


def test_w3c_tests_same_results_as_pyshacl(capsys: pytest.CaptureFixture[str]) -> None:
    """Data and shapes read through pyoxigraph for both engines, as the service reads them."""
    tests = _w3c_tests()
    if not tests:
        skip_or_fail("suites", "CANCERKG_W3C_SUITES is unset: the W3C SHACL suite is NOT run")
    compared, left, differ = [], {}, {}
    for test, manifest in tests:
        graph = Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
        action = graph.value(URIRef(test), MF.action)
        data_file = _file(graph, graph.value(action, SHT.dataGraph))
        shapes_file = _file(graph, graph.value(action, SHT.shapesGraph))
        data = ox.Store()
        data.load(
            path=str(data_file),
            format=ox.RdfFormat.TURTLE,
            base_iri=data_file.as_uri(),
            to_graph=ox.DefaultGraph(),
        )
        shapes = to_graph(
            ox.parse(
                path=str(shapes_file), format=ox.RdfFormat.TURTLE, base_iri=shapes_file.as_uri()
            )
        )
        plan = plan_for(data, shapes)
        if plan.uncompiled or not plan.compiled:
            left[test] = "; ".join(sorted(set(plan.uncompiled.values()))) or "no target shapes"
            continue
        try:
            reference = validate_graph(to_graph(q.triple for q in data), shapes)
        except Exception as error:  # pyshacl fails some tests its own way
            left[test] = f"pyshacl cannot run it: {str(error).splitlines()[0]}"
            continue
        compiled = validate_store(data, shapes, fallback=False)
        compared.append(test)
        if key(compiled.report) != key(reference):
            differ[test] = f"ours {key(compiled.report)}\n pyshacl {key(reference)}"
    with capsys.disabled():
        print(
            f"\nW3C SHACL, compiled engine against pyshacl: {len(compared)} compared, "
            f"{len(differ)} differ, {len(left)} not compiled"
        )
        for test, why in sorted(left.items()):
            print(f"  not compiled {test.split('/tests/')[-1].split('shacl-w3c/')[-1]}: {why}")
    assert not differ, "\n".join(f"{t}: {w}" for t, w in differ.items())
    assert len(compared) >= 80


def test_constants_are_rendered_not_pasted() -> None:
    """A shape's strings cannot change the query they are put into."""
    shapes = Graph().parse(
        format="turtle",
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
          sh:property [ sh:path ex:p ; sh:in ( "a\\" ) } } SELECT * { ?s ?p ?o } #" ) ;
                        sh:pattern "^x\\" } #" ] .
        """,
    )
    data = ox.Store()
    data.load(
        input=b'<http://example.org/i> a <http://example.org/C> ; <http://example.org/p> "b" .',
        format=ox.RdfFormat.TURTLE,
    )
    outcome = validate_store(data, shapes, fallback=False)
    assert not outcome.uncompiled
    assert sorted(r.component for r in outcome.report.results) == [
        "sh:InConstraintComponent",
        "sh:PatternConstraintComponent",
    ]


def test_report_renders_in_every_format(oxigraph_store: OxigraphStore) -> None:
    union = oxigraph_store.native.quads_for_pattern(None, None, None, ox.DefaultGraph())
    triples = [q.triple for q in union] + seeded_errors(1)
    report = validate_store(
        dataset_of(ox.Quad(t.subject, t.predicate, t.object) for t in triples), load_shapes()
    ).report
    assert json.loads(render(report, "json"))["counts"]["Violation"] > 0
    turtle = Graph().parse(data=render(report, "turtle"), format="turtle")
    assert len(set(turtle.objects(None, SH.result))) == len(report.results)
    assert "does not conform" in render(report, "text")


BROKEN = """
@prefix ckg: <https://w3id.org/cancerkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/cancerkg/id/organisation/broken-clinic> a ckg:HealthcareProvider ;
    rdfs:label "Broken clinic" .
"""


def test_build_refuses_a_release_that_breaks_the_shapes(cli, root: Path, tmp_path: Path) -> None:
    sources = copy_sources(root, tmp_path / "sources")
    store = tmp_path / "store"
    env = {"CANCERKG_SOURCES": str(sources), "CANCERKG_STORE": str(store)}
    first = cli("build", env=env)
    assert first.returncode == 0, first.stderr
    good = (store / "current").resolve()
    assert "validated: 0 violations" in first.stderr
    (sources / "data" / "broken.ttl").write_text(BROKEN, encoding="utf-8")

    refused = cli("build", env=env)
    assert refused.returncode == 1
    assert "VIOLATION" in refused.stdout and "broken-clinic" in refused.stdout
    assert "not published" in refused.stderr and "Traceback" not in refused.stderr
    assert (store / "current").resolve() == good
    assert not list((store / "releases").glob(".tmp-*"))

    emergency = cli("build", "--no-validate", env=env)
    assert emergency.returncode == 0, emergency.stderr
    assert "NOT checked" in emergency.stderr
    assert (store / "current").resolve() != good
    checked = cli("validate", "--release", env=env)
    assert checked.returncode == 1
    assert "broken-clinic" in checked.stdout
    assert json.loads((store / "current" / "manifest.json").read_text())["validated"] == ""
    again = cli("build", env=env)
    assert again.returncode == 0 and "not validated" in again.stderr
    assert cli("build", "--force", env=env).returncode == 1


def test_warnings_publish_unless_asked_to_block(cli, root: Path, tmp_path: Path) -> None:
    """The real data has warnings (projects without a start date): they are printed, and block
    only with --fail-on warning."""
    env = {"CANCERKG_STORE": str(tmp_path / "store")}
    strict = cli("build", "--fail-on", "warning", env=env)
    assert strict.returncode == 1
    assert "WARNING" in strict.stdout
    assert not (tmp_path / "store" / "current").exists()
    relaxed = cli("build", env=env)
    assert relaxed.returncode == 0
    assert "warnings" in relaxed.stderr


def test_validate_release_needs_a_release(cli, tmp_path: Path) -> None:
    answer = cli("validate", "--release", "--store", str(tmp_path / "none"))
    assert answer.returncode == 2
    assert "cancerkg build" in answer.stderr

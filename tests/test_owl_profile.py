"""The ontology is OWL 2 DL: the OWL API's own profile checker (OWL2DLProfile, in the HermiT.jar
that owlready2 ships) reports no violation.

tests/java/OwlProfileCheck.java is compiled with javac against that jar at test time. Java and
javac are outside parts: without them the test skips loudly, and fails under
CANCERKG_REQUIRE_JAVA=1 (CI installs default-jdk-headless through .ci/install-jdk.sh).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import httpx
import owlready2
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL

from cancerkg.rdf.iris import BASE, ONTOLOGY_IRI
from support import skip_or_fail

CHECKER = Path(__file__).parent / "java" / "OwlProfileCheck.java"
HERMIT_JAR = Path(owlready2.__file__).parent / "hermit" / "HermiT.jar"


def test_ontology_is_owl2_dl(root: Path, tmp_path: Path) -> None:
    javac, java = shutil.which("javac"), shutil.which("java")
    if javac is None or java is None:
        skip_or_fail(
            "java", "the OWL 2 DL check needs java and javac: apt-get install default-jdk-headless"
        )
    assert HERMIT_JAR.is_file(), f"owlready2 no longer ships {HERMIT_JAR}"
    subprocess.run(
        [javac, "-cp", str(HERMIT_JAR), "-d", str(tmp_path), str(CHECKER)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    run = subprocess.run(
        [
            java,
            "-cp",
            f"{HERMIT_JAR}:{tmp_path}",
            "OwlProfileCheck",
            str(root / "ontology" / "cancerkg.ttl"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    counts = dict(re.findall(r"^(axioms|violations): (\d+)$", run.stdout, re.MULTILINE))
    assert int(counts["axioms"]) > 500, run.stdout  # the whole file was read, not a fallback parse
    assert counts["violations"] == "0", run.stdout


def test_ontology_header_says_who_when_and_how_to_cite(root: Path) -> None:
    graph = Graph().parse(root / "ontology" / "cancerkg.ttl", format="turtle")
    header = URIRef(ONTOLOGY_IRI)
    assert isinstance(graph.value(header, DCTERMS.creator), URIRef)
    assert isinstance(graph.value(header, DCTERMS.publisher), URIRef)
    assert isinstance(graph.value(header, DCTERMS.modified), Literal)
    assert isinstance(graph.value(header, DCTERMS.bibliographicCitation), Literal)
    assert graph.value(header, OWL.versionIRI) is not None


def test_version_iri_dereferences_to_the_ontology(serve: Callable[..., str], root: Path) -> None:
    graph = Graph().parse(root / "ontology" / "cancerkg.ttl", format="turtle")
    version = str(graph.value(URIRef(ONTOLOGY_IRI), OWL.versionIRI))
    server = serve()
    answer = httpx.get(server + "/" + version.removeprefix(BASE), headers={"Accept": "text/turtle"})
    assert answer.status_code == 200
    served = Graph().parse(data=answer.content, format="turtle")
    assert (URIRef(ONTOLOGY_IRI), OWL.versionIRI, URIRef(version)) in served
    assert httpx.get(server + "/ontology/0.0.0-never").status_code == 404

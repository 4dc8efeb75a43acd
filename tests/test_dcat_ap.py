"""The dataset description conforms to DCAT-AP 3.0.0: the official SHACL shapes (SEMICeu/DCAT-AP,
releases/3.0.0/shacl/dcat-ap-SHACL.ttl), run by pyshacl over what the live service answers: the
dataset, its catalogue and VoID, the release catalogue and the served release's version.

The shapes are not in the repository: set CANCERKG_W3C_SUITES to a folder holding
dcat-ap-3.0.0/dcat-ap-SHACL.ttl. The shapes check the class of every referenced resource
(sh:class) without reasoning, so the description types each resource it points at itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import httpx
import pyshacl
import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

from support import skip_or_fail

SUITES = os.environ.get("CANCERKG_W3C_SUITES")


@pytest.fixture(scope="module")
def dcat_ap_shapes() -> Graph:
    shapes = Path(SUITES or "") / "dcat-ap-3.0.0" / "dcat-ap-SHACL.ttl"
    if not SUITES or not shapes.is_file():
        skip_or_fail(
            "suites",
            "CANCERKG_W3C_SUITES is unset or has no dcat-ap-3.0.0/dcat-ap-SHACL.ttl: DCAT-AP "
            "conformance is NOT checked (get the file from github.com/SEMICeu/DCAT-AP, "
            "releases/3.0.0/shacl/)",
        )
    return Graph().parse(shapes, format="turtle")


@pytest.fixture(scope="module")
def url(serve: Callable[..., str]) -> str:
    return serve()


CURRENT_RELEASE = "/dataset/{current}"  # the served release's dataset version IRI


@pytest.mark.parametrize(
    "path", ["/dataset", "/catalog", "/.well-known/void", "/releases", CURRENT_RELEASE]
)
@pytest.mark.parametrize("media_type", ["text/turtle", "application/ld+json"])
def test_dataset_description_conforms_to_dcat_ap(
    url: str, dcat_ap_shapes: Graph, path: str, media_type: str
) -> None:
    if path == CURRENT_RELEASE:
        current = httpx.get(url + "/releases", headers={"Accept": "application/json"}).json()
        path = path.format(current=current["current"])
    answer = httpx.get(url + path, headers={"Accept": media_type})
    assert answer.status_code == 200
    data = Graph().parse(data=answer.content, format=media_type)
    _, report, text = pyshacl.validate(data, shacl_graph=dcat_ap_shapes)
    violations = [
        result
        for result in report.subjects(RDF.type, SH.ValidationResult)
        if (result, SH.resultSeverity, SH.Violation) in report
    ]
    assert not violations, text

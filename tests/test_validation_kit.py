"""The shape test kit (tests/shapes/): every valid, invalid and malformed case, through the real
CLI (a subprocess) and through POST /validate (a real HTTP client)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cancerkg.settings import Settings
from cancerkg.web.app import create_app

KIT = Path(__file__).parent / "shapes"
VALID = sorted((KIT / "valid").glob("*.ttl"))
INVALID = sorted((KIT / "invalid").glob("*.ttl"))
MALFORMED = sorted((KIT / "malformed").iterdir())
MEDIA = {
    ".ttl": "text/turtle",
    ".jsonld": "application/ld+json",
    ".rdf": "application/rdf+xml",
    ".nt": "application/n-triples",
}


def expectations(path: Path) -> list[tuple[str, str, str]]:
    """(focus, shape, message words) from the file's `# expect:` lines."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"#\s*expect:\s*(\S+)\s+(\S+)\s*(.*)$", line)
        if match:
            found.append((match.group(1), match.group(2), match.group(3).strip()))
    assert found, f"{path.name} declares no `# expect:` line"
    return found


def assert_expected(report: dict, path: Path) -> None:
    results = [(node["focus"], r) for node in report["focus_nodes"] for r in node["results"]]
    for focus, shape, words in expectations(path):
        hits = [
            r for f, r in results if f == focus and r["shape"] == shape and words in r["message"]
        ]
        assert hits, (
            f"{path.name}: no result {focus} {shape} {words!r} in {json.dumps(results, indent=1)}"
        )


@pytest.fixture(scope="module")
def client(store_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store_dir))) as test_client:
        yield test_client


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_cli(path: Path, cli, store_dir: Path) -> None:
    run = cli("validate", str(path), "--store", str(store_dir))
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("conforms")


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_cli(path: Path, cli, store_dir: Path) -> None:
    run = cli("validate", str(path), "--report", "json", "--store", str(store_dir))
    assert run.returncode == 1, run.stdout + run.stderr
    report = json.loads(run.stdout)
    assert report["conforms"] is False
    assert_expected(report, path)


def test_invalid_cli_text_report_names_node_path_value_shape(cli, store_dir: Path) -> None:
    run = cli("validate", str(KIT / "invalid" / "bad-country.ttl"), "--store", str(store_dir))
    assert run.returncode == 1
    assert "orgn:example-hospital" in run.stdout
    assert "ckg:country" in run.stdout and "country:XXX" in run.stdout
    assert "VIOLATION" in run.stdout and "ckgsh:CountryOfAuthorityTable" in run.stdout


@pytest.mark.parametrize("path", MALFORMED, ids=lambda p: p.name)
def test_malformed_cli(path: Path, cli, store_dir: Path) -> None:
    run = cli("validate", str(path), "--store", str(store_dir))
    assert run.returncode == 2, run.stdout + run.stderr
    message = run.stderr.strip()
    assert message.startswith("error:") and "\n" not in message and "Traceback" not in message


def test_unknown_format_is_bad_input(cli, store_dir: Path) -> None:
    run = cli("validate", str(VALID[0]), "--format", "yaml", "--store", str(store_dir))
    assert run.returncode == 2 and "unknown RDF format" in run.stderr


def test_fail_on_warning(cli, store_dir: Path, tmp_path: Path) -> None:
    text = (KIT / "valid" / "new-hospital-joins-noe.ttl").read_text()
    sub = tmp_path / "no-source.ttl"
    sub.write_text(text.replace("    dcterms:source <https://example.org/hospital> .", "    ."))
    assert cli("validate", str(sub), "--store", str(store_dir)).returncode == 0
    run = cli("validate", str(sub), "--fail-on", "warning", "--store", str(store_dir))
    assert run.returncode == 1 and "ckgsh:SourceRecommended" in run.stdout


def test_turtle_report_is_a_shacl_report(cli, store_dir: Path) -> None:
    run = cli("validate", str(INVALID[0]), "--report", "turtle", "--store", str(store_dir))
    assert run.returncode == 1
    assert "sh:ValidationReport" in run.stdout and "sh:conforms false" in run.stdout


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_http(path: Path, client: TestClient) -> None:
    response = client.post(
        "/validate", content=path.read_bytes(), headers={"content-type": "text/turtle"}
    )
    assert response.status_code == 200
    assert response.json()["conforms"] is True


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_http(path: Path, client: TestClient) -> None:
    response = client.post(
        "/validate", content=path.read_bytes(), headers={"content-type": "text/turtle"}
    )
    assert response.status_code == 200
    report = response.json()
    assert report["conforms"] is False and report["counts"]["Violation"] >= 1
    assert_expected(report, path)


@pytest.mark.parametrize("path", MALFORMED, ids=lambda p: p.name)
def test_malformed_http(path: Path, client: TestClient) -> None:
    response = client.post(
        "/validate", content=path.read_bytes(), headers={"content-type": MEDIA[path.suffix]}
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"error", "detail"} and "\n" not in body["detail"]


def test_http_error_has_line_and_column(client: TestClient) -> None:
    response = client.post(
        "/validate",
        content=(KIT / "malformed" / "broken.ttl").read_bytes(),
        headers={"content-type": "text/turtle"},
    )
    assert response.status_code == 400
    assert re.search(r"body:\d+:\d+: ", response.json()["detail"])


def test_http_report_as_turtle(client: TestClient) -> None:
    response = client.post(
        "/validate",
        content=INVALID[0].read_bytes(),
        headers={"content-type": "text/turtle", "accept": "text/turtle"},
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith(
        "text/turtle"
    )
    assert "sh:ValidationReport" in response.text


def test_http_report_as_json_ld(client: TestClient) -> None:
    response = client.post(
        "/validate",
        content=INVALID[0].read_bytes(),
        headers={"content-type": "text/turtle", "accept": "application/ld+json"},
    )
    assert response.status_code == 200
    assert "http://www.w3.org/ns/shacl#ValidationReport" in response.text


def test_http_unsupported_media_type(client: TestClient) -> None:
    response = client.post(
        "/validate", content=b"a: b", headers={"content-type": "application/yaml"}
    )
    assert response.status_code == 415


def test_http_too_large(client: TestClient) -> None:
    response = client.post(
        "/validate", content=b"#" * (5 * 1024 * 1024 + 1), headers={"content-type": "text/turtle"}
    )
    assert response.status_code == 413


@pytest.mark.parametrize("path", INVALID[:2], ids=lambda p: p.name)
def test_multipart_upload(path: Path, client: TestClient) -> None:
    # browsers send .ttl files as application/octet-stream: the extension decides
    response = client.post(
        "/validate",
        files={"file": (path.name, path.read_bytes(), "application/octet-stream")},
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["conforms"] is False
    assert_expected(report, path)


def test_multipart_upload_of_a_valid_file(client: TestClient) -> None:
    response = client.post(
        "/validate", files={"file": (VALID[0].name, VALID[0].read_bytes(), "text/turtle")}
    )
    assert response.status_code == 200 and response.json()["conforms"] is True


def test_multipart_without_a_file(client: TestClient) -> None:
    response = client.post("/validate", data={"note": "no file here"}, files={})
    assert response.status_code in (400, 415)
    assert "\n" not in response.json()["detail"]


def test_multipart_malformed_upload_has_line_and_column(client: TestClient) -> None:
    broken = KIT / "malformed" / "broken.ttl"
    response = client.post(
        "/validate", files={"file": ("broken.ttl", broken.read_bytes(), "text/turtle")}
    )
    assert response.status_code == 400
    assert re.search(r"broken\.ttl:\d+:\d+: ", response.json()["detail"])

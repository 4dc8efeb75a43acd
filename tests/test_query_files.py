"""`cancerkg query FILE.rq`: standard result formats on the built store, and clear errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

COUNTRIES = """PREFIX ckg: <https://w3id.org/cancerkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?code ?label WHERE {
  ?country a ckg:Country ; ckg:isoAlpha2 ?code ; rdfs:label ?label .
  FILTER(?code IN ("IT", "NO"))
} ORDER BY ?code
"""


@pytest.fixture
def query_file(tmp_path: Path) -> Path:
    path = tmp_path / "countries.rq"
    path.write_text(COUNTRIES, encoding="utf-8")
    return path


def test_json_is_standard_sparql_results(cli, store_dir: Path, query_file: Path) -> None:
    result = cli("query", str(query_file), "--format", "json", "--store", str(store_dir))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["head"]["vars"] == ["code", "label"]
    rows = [(b["code"]["value"], b["label"]["value"]) for b in document["results"]["bindings"]]
    assert rows == [("IT", "Italy"), ("NO", "Norway")]
    assert document["results"]["bindings"][0]["label"]["xml:lang"] == "en"


@pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_csv_and_tsv(cli, store_dir: Path, query_file: Path, fmt: str, delimiter: str) -> None:
    result = cli("query", str(query_file), "--format", fmt, "--store", str(store_dir))
    assert result.returncode == 0, result.stderr
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(result.stdout)))
        assert rows == [["code", "label"], ["IT", "Italy"], ["NO", "Norway"]]
    else:  # TSV results carry RDF term syntax and ?-prefixed variable names
        rows = [line.split(delimiter) for line in result.stdout.splitlines()]
        assert rows == [["?code", "?label"], ['"IT"', '"Italy"@en'], ['"NO"', '"Norway"@en']]


def test_table_output(cli, store_dir: Path, query_file: Path) -> None:
    result = cli("query", str(query_file), "--store", str(store_dir))
    assert result.returncode == 0, result.stderr
    assert "Italy" in result.stdout and "Norway" in result.stdout
    assert "2 rows" in result.stderr


def test_queries_see_the_union_of_named_graphs(oxigraph_store, memory_store) -> None:
    text = (
        "ASK { ?c a <https://w3id.org/cancerkg/ontology#Country> . "
        "?c a <http://purl.org/dc/terms/Location> }"
    )
    # the type is asserted in data/countries, the superclass type inferred in another graph
    assert bool(oxigraph_store.query(text)) and bool(memory_store.query(text))


def test_malformed_query_file_exits_2_with_one_line(cli, store_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?s WHERE { ?s ?p }", encoding="utf-8")
    result = cli("query", str(bad), "--store", str(store_dir))
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "invalid SPARQL" in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_missing_query_file_exits_2(cli, store_dir: Path, tmp_path: Path) -> None:
    result = cli("query", str(tmp_path / "nope.rq"), "--store", str(store_dir))
    assert result.returncode == 2 and "no such query file" in result.stderr

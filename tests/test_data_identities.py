"""Identities of the institutions in data/: every ROR id names an institution of the right country,
is not inactive, and is in the committed ROR table (data/identifiers/ror-records.csv, derived from
github.com/ror-community/ror-records, one record from ROR's documentation); every Wikidata link
agrees with ROR's Wikidata id of the institution's ROR record. The files are read as they are
(rdflib, no build), so the test also guards files other curators edit."""

from __future__ import annotations

import csv
import re
import warnings
from collections import defaultdict
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import SKOS

CKG = rdflib.Namespace("https://w3id.org/cancerkg/ontology#")
ROR_IRI = re.compile(r"^https://ror\.org/(0[a-hj-km-np-tv-z0-9]{6}[0-9]{2})$")
WIKIDATA_IRI = re.compile(r"^http://www\.wikidata\.org/entity/(Q[1-9][0-9]*)$")
ROR_RECORDS = "https://github.com/ror-community/ror-records/blob/"
# A file of another of ROR's own repositories, at a fixed commit, that holds a whole record.
ROR_COMMUNITY_FILE = re.compile(
    r"^https://github\.com/ror-community/[\w.-]+/blob/[0-9a-f]{40}/\S+$"
)


@pytest.fixture(scope="module")
def data(root: Path) -> rdflib.Graph:
    """All data/*.ttl in one graph (the same IRI in several files merges, as in the build)."""
    graph = rdflib.Graph()
    for path in sorted((root / "data").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def ror_table(root: Path) -> dict[str, dict[str, str]]:
    with (root / "data" / "identifiers" / "ror-records.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    table = {row["ror"]: row for row in rows}
    assert len(table) == len(rows), "a ROR id has two rows in ror-records.csv"
    return table


def ror_ids(graph: rdflib.Graph) -> dict[rdflib.term.Node, set[str]]:
    """Each subject's ROR ids, from ckg:rorId and from skos:exactMatch <https://ror.org/...>."""
    found: dict[rdflib.term.Node, set[str]] = defaultdict(set)
    for s, o in graph.subject_objects(CKG.rorId):
        found[s].add(str(o))
    for s, o in graph.subject_objects(SKOS.exactMatch):
        if m := ROR_IRI.match(str(o)):
            found[s].add(m.group(1))
    return found


def is_record_source(ror: str, row: dict[str, str]) -> bool:
    """The record's file in ror-records; or, for a record with no file there, a file of another
    ror-community repository at a fixed commit that holds the whole record (the note says where)."""
    if row["source"].startswith(ROR_RECORDS):
        return row["source"].endswith(f"/{ror}.json")
    return bool(ROR_COMMUNITY_FILE.match(row["source"])) and bool(row["note"].strip())


def test_ror_table_is_well_formed(ror_table: dict[str, dict[str, str]]) -> None:
    bad = []
    for ror, row in ror_table.items():
        if not re.fullmatch(r"0[a-hj-km-np-tv-z0-9]{6}[0-9]{2}", ror):
            bad.append((ror, "not a ROR id"))
        if row["status"] == "unchecked":
            if not row["note"].strip():
                bad.append((ror, "unchecked without a note saying why"))
            continue
        if row["status"] not in {"active", "inactive", "withdrawn"}:
            bad.append((ror, f"unknown status {row['status']!r}"))
        if not re.fullmatch(r"[A-Z]{2}", row["country"]):
            bad.append((ror, "checked row without an ISO alpha-2 country"))
        if not is_record_source(ror, row):
            bad.append((ror, "checked row whose source is not its ROR record file"))
        if row["wikidata"] and not re.fullmatch(r"Q[1-9][0-9]*", row["wikidata"]):
            bad.append((ror, f"Wikidata id {row['wikidata']!r}"))
    assert bad == []


def test_ror_id_and_ror_link_agree(data: rdflib.Graph) -> None:
    """ckg:rorId "x" goes with skos:exactMatch <https://ror.org/x> and nothing else."""
    bad = []
    for s, ids in ror_ids(data).items():
        written = {str(o) for o in data.objects(s, CKG.rorId)}
        if written != ids:
            bad.append((str(s), sorted(written), sorted(ids)))
    assert bad == []


def test_every_ror_in_data_is_in_the_table(
    data: rdflib.Graph, ror_table: dict[str, dict[str, str]]
) -> None:
    missing = sorted(
        (ror, str(s)) for s, ids in ror_ids(data).items() for ror in ids if ror not in ror_table
    )
    assert missing == [], "add these ROR ids to data/identifiers/ror-records.csv (with source)"


def test_no_inactive_ror_is_used(data: rdflib.Graph, ror_table: dict[str, dict[str, str]]) -> None:
    inactive = sorted(
        (ror, ror_table[ror]["status"], ror_table[ror]["display_name"], str(s))
        for s, ids in ror_ids(data).items()
        for ror in ids
        if ror in ror_table and ror_table[ror]["status"] not in {"active", "unchecked"}
    )
    assert inactive == [], "use the successor ROR record (see its relationships) or none"


def test_ror_country_is_the_institution_country(
    data: rdflib.Graph, ror_table: dict[str, dict[str, str]]
) -> None:
    """Also for an `unchecked` row that names a country from a secondary source (an extract of
    ROR's records), so that a wrong id is caught even before its record can be read."""
    alpha2 = {c: str(code) for c, code in data.subject_objects(CKG.isoAlpha2)}
    wrong = []
    for s, ids in ror_ids(data).items():
        countries = {alpha2.get(c, str(c)) for c in data.objects(s, CKG.country)}
        for ror in ids:
            row = ror_table.get(ror)
            if row is None or not row["country"]:
                continue
            if countries != {row["country"]}:
                wrong.append((str(s), sorted(countries), ror, row["display_name"], row["country"]))
    assert wrong == []


def test_unchecked_rors_are_reported(
    data: rdflib.Graph, ror_table: dict[str, dict[str, str]]
) -> None:
    """ROR ids whose record is not in ror-records pass only as `unchecked` rows with a reason;
    they are listed (as a warning) so that a curator can check them at ror.org."""
    unchecked = sorted(
        (ror, str(s).rsplit("/", 1)[-1])
        for s, ids in ror_ids(data).items()
        for ror in ids
        if ror in ror_table and ror_table[ror]["status"] == "unchecked"
    )
    assert all(ror_table[ror]["note"].strip() for ror, _ in unchecked)
    if unchecked:
        listed = ", ".join(f"{ror} ({slug})" for ror, slug in unchecked)
        warnings.warn(
            f"{len(unchecked)} ROR ids in data/ are unchecked (not in ror-records): {listed}",
            stacklevel=1,
        )


def test_wikidata_links_agree_with_ror(
    data: rdflib.Graph, ror_table: dict[str, dict[str, str]]
) -> None:
    """A Wikidata link is the Wikidata id that ROR gives for the institution's ROR record."""
    rors = ror_ids(data)
    wrong = []
    for s, o in data.subject_objects(SKOS.exactMatch):
        m = WIKIDATA_IRI.match(str(o))
        if not str(o).startswith(("http://www.wikidata.org/", "https://www.wikidata.org/")):
            continue
        if m is None:
            wrong.append((str(s), str(o), "not http://www.wikidata.org/entity/Q..."))
            continue
        by_ror = {ror_table[r]["wikidata"] for r in rors.get(s, set()) if r in ror_table}
        if m.group(1) not in by_ror:
            wrong.append((str(s), m.group(1), f"ROR gives {sorted(by_ror)}"))
    assert wrong == []


def test_one_node_per_wikidata_id(data: rdflib.Graph) -> None:
    nodes: dict[str, set[str]] = defaultdict(set)
    for s, o in data.subject_objects(SKOS.exactMatch):
        if m := WIKIDATA_IRI.match(str(o)):
            nodes[m.group(1)].add(str(s))
    assert {q: sorted(n) for q, n in nodes.items() if len(n) > 1} == {}


def test_every_wikidata_link_has_a_source(data: rdflib.Graph) -> None:
    """The link is taken from the ROR record, so the node cites https://ror.org/{id}."""
    rors = ror_ids(data)
    unsourced = []
    for s, o in data.subject_objects(SKOS.exactMatch):
        if not WIKIDATA_IRI.match(str(o)):
            continue
        sources = {str(x) for x in data.objects(s, rdflib.namespace.DCTERMS.source)}
        if not {f"https://ror.org/{r}" for r in rors.get(s, set())} & sources:
            unsourced.append((str(s), str(o)))
    assert unsourced == []


def test_part_of_links_are_sound(data: rdflib.Graph) -> None:
    """org:subOrganizationOf joins two known institutions or networks of the same country, and
    the part names a source; no organisation is part of itself, directly or in a loop."""
    sub = rdflib.URIRef("http://www.w3.org/ns/org#subOrganizationOf")
    known = set(data.subjects(rdflib.RDF.type, None))
    bad = []
    parent: dict[rdflib.term.Node, set[rdflib.term.Node]] = defaultdict(set)
    for part, whole in data.subject_objects(sub):
        parent[part].add(whole)
        if whole not in known:
            bad.append((str(part), str(whole), "parent is not described in data/"))
        countries = {c for n in (part, whole) for c in data.objects(n, CKG.country)}
        if len(countries) > 1:
            bad.append((str(part), str(whole), "different countries"))
        if not any(data.objects(part, rdflib.namespace.DCTERMS.source)):
            bad.append((str(part), str(whole), "no dcterms:source on the part"))
    for start in parent:
        seen, todo = set(), list(parent[start])
        while todo:
            node = todo.pop()
            if node == start:
                bad.append((str(start), str(start), "part of itself"))
                break
            if node not in seen:
                seen.add(node)
                todo.extend(parent.get(node, ()))
    assert bad == []

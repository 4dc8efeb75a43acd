"""Spreadsheet submissions (docs/spreadsheets.md): real XLSX written by openpyxl as Excel and
LibreOffice write them, ';'-separated and Latin-1 CSV, each bad case, the templates, the round
trip, and the command and HTTP entry points."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from openpyxl import Workbook, load_workbook

from cancerkg.errors import InputError, UnsupportedMediaTypeError
from cancerkg.sheets.checking import render_sheet_report, validate_spreadsheet
from cancerkg.sheets.export import export_memberships
from cancerkg.sheets.mapping import map_spreadsheet
from cancerkg.sheets.templates import template
from cancerkg.sheets.workbook import XLSX_TYPE
from cancerkg.store.oxigraph import OxigraphStore

HEADER = ["institution", "network", "role", "start", "end", "source"]
GOOD = ["gustave-roussy", "euracan", "full-member", "2017-03-01", "", "https://euracan.eu/"]


def xlsx(rows: list[list[object]], title: str = "memberships") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def semicolon_csv(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def problems(store: OxigraphStore, data: bytes, name: str) -> list[tuple[int | None, str | None]]:
    report = validate_spreadsheet(data, name, None, store)
    return [(p.row, p.column) for p in report.problems if p.severity == "Violation"]


# --- reading as people write ----------------------------------------------------------------


def test_a_good_xlsx_conforms(oxigraph_store: OxigraphStore) -> None:
    report = validate_spreadsheet(xlsx([HEADER, GOOD]), "m.xlsx", None, oxigraph_store)
    assert report.conforms(), render_sheet_report(report, "text")
    assert report.rows == 1


def test_excel_dates_and_numbers_are_read_as_typed(oxigraph_store: OxigraphStore) -> None:
    import datetime as dt

    row: list[object] = [*GOOD]
    row[3] = dt.date(2017, 3, 1)  # a date cell, as Excel stores it
    mapped = map_spreadsheet(xlsx([HEADER, row]), "m.xlsx", None, oxigraph_store)
    assert any(t.object.value == "2017-03-01" for t in mapped.triples if hasattr(t.object, "value"))


def test_semicolon_latin1_csv_with_required_markers(oxigraph_store: OxigraphStore) -> None:
    """As Excel saves 'CSV (semicolon)' in France: Windows-1252, ';', headers as typed."""
    header = ["institution*", "network*", "role*", "Start date", "end", "source*"]
    row = ["centre-leon-berard", "euracan", "coordinator", "2017", "", "https://euracan.eu/"]
    report = validate_spreadsheet(
        semicolon_csv([header, row], "cp1252"), "m.csv", None, oxigraph_store
    )
    assert report.conforms(), render_sheet_report(report, "text")
    rows = [
        ["name", "type", "city", "country", "source"],
        [
            "Hôpital Léon Bérard-Test",
            "HealthcareProvider",
            "Créteil",
            "FRA",
            "https://example.org/",
        ],
    ]
    mapped = map_spreadsheet(semicolon_csv(rows, "latin-1"), "i.csv", None, oxigraph_store)
    subjects = {t.subject.value for t in mapped.triples}
    assert subjects == {"https://w3id.org/cancerkg/id/organisation/hopital-leon-berard-test"}
    assert "Créteil" in {getattr(t.object, "value", "") for t in mapped.triples}


def test_utf8_bom_csv(oxigraph_store: OxigraphStore) -> None:
    data = "\ufeff".encode() + semicolon_csv([HEADER, GOOD]).replace(b";", b",")
    assert validate_spreadsheet(data, "m.csv", None, oxigraph_store).conforms()


def test_ror_id_is_matched_to_the_published_institution(oxigraph_store: OxigraphStore) -> None:
    row = ["https://ror.org/05wg1m734", *GOOD[1:]]
    mapped = map_spreadsheet(xlsx([HEADER, row]), "m.xlsx", None, oxigraph_store)
    members = {t.object.value for t in mapped.triples if t.predicate.value.endswith("#member")}
    assert members == {"https://w3id.org/cancerkg/id/organisation/radboudumc"}


def test_a_new_institution_and_its_membership_in_one_workbook(
    oxigraph_store: OxigraphStore,
) -> None:
    book = Workbook()
    institutions = book.active
    institutions.title = "institutions"
    institutions.append(["name", "type", "city", "country", "source"])
    institutions.append(
        ["Hôpital Exemple", "HealthcareProvider", "Lyon", "FRA", "https://example.org/"]
    )
    members = book.create_sheet("memberships")
    members.append(HEADER)
    members.append(
        ["hopital-exemple", "euracan", "full-member", "2024", "", "https://example.org/"]
    )
    out = io.BytesIO()
    book.save(out)
    report = validate_spreadsheet(out.getvalue(), "new.xlsx", None, oxigraph_store)
    assert report.conforms(), render_sheet_report(report, "text")


# --- problems by row and column ---------------------------------------------------------------


def test_bad_cells_are_reported_by_row_and_column(oxigraph_store: OxigraphStore) -> None:
    rows = [
        HEADER,
        GOOD,
        ["gustave-roussy", "paedcan", "full-member", "2025-13-01", "", "https://x.org/"],
        ["centre-leon-berard", "euracan", "chief", "2017", "2016", "https://x.org/"],
        ["no-such-hospital", "euracan", "full-member", "", "", ""],
    ]
    report = validate_spreadsheet(xlsx(rows), "m.xlsx", None, oxigraph_store)
    found = {(p.row, p.column) for p in report.problems}
    assert {(3, "start"), (4, "role"), (4, "end"), (5, "institution"), (5, "source")} <= found
    assert (2, None) not in found and not any(p.row == 2 for p in report.problems)
    text = render_sheet_report(report, "text")
    assert "row 3, column start: '2025-13-01'" in text
    date = next(p for p in report.problems if p.column == "start")
    assert date.cell == "D3" and "xsd:date" in date.message


def test_a_name_that_makes_an_existing_slug_is_named(oxigraph_store: OxigraphStore) -> None:
    rows = [
        ["name", "type", "city", "country", "source"],
        ["Gustave Roussy", "CancerCentre", "Villejuif", "FRA", "https://www.gustaveroussy.fr/"],
    ]
    report = validate_spreadsheet(xlsx(rows, "institutions"), "i.xlsx", None, oxigraph_store)
    warning = next(p for p in report.problems if "already has" in p.message)
    assert (warning.row, warning.column, warning.severity) == (2, "name", "Warning")
    assert "write its id (gustave-roussy)" in warning.message
    rows[0].insert(0, "id")
    rows[1].insert(0, "gustave-roussy")
    report = validate_spreadsheet(xlsx(rows, "institutions"), "i.xlsx", None, oxigraph_store)
    assert not any("already has" in p.message for p in report.problems)


def test_duplicate_rows_are_named(oxigraph_store: OxigraphStore) -> None:
    report = validate_spreadsheet(xlsx([HEADER, GOOD, GOOD]), "m.xlsx", None, oxigraph_store)
    (warning,) = [p for p in report.problems if p.severity == "Warning"]
    assert warning.row == 3 and "same record as row 2" in warning.message
    assert not report.conforms()  # merged: two beginnings


def test_an_excel_serial_date_is_named(oxigraph_store: OxigraphStore) -> None:
    row = [*GOOD]
    row[3] = "45292"
    report = validate_spreadsheet(semicolon_csv([HEADER, row]), "m.csv", None, oxigraph_store)
    (problem,) = report.problems
    assert problem.column == "start" and "Excel date serial" in problem.message
    assert "2024-01-01" in problem.message


def test_annotated_copy_marks_the_bad_cell(oxigraph_store: OxigraphStore) -> None:
    from cancerkg.sheets.annotation import annotated_copy

    bad = ["centre-leon-berard", *GOOD[1:]]
    bad[2] = "chief"
    data = xlsx([HEADER, GOOD, bad])
    report = validate_spreadsheet(data, "m.xlsx", None, oxigraph_store)
    book = load_workbook(io.BytesIO(annotated_copy(data, "m.xlsx", None, report)))
    cell = book["memberships"]["C3"]
    assert cell.comment is not None and "role" in cell.comment.text
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert book["memberships"]["C2"].comment is None
    assert "problems" in book.sheetnames


# --- bad spreadsheets: one clear message each -------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [["institution", "network", "role", "colour", "source"], [*GOOD[:3], "red", "x"]],
            "unknown column 'colour'",
        ),
        (
            [["institution", "network", "start"], ["a", "b", "2020"]],
            "missing required column role, source",
        ),
        ([HEADER], "no data rows"),
        ([["", ""], ["", ""]], "no data rows"),
        ([["foo", "bar"], ["1", "2"]], "names no known column"),
    ],
)
def test_bad_headers_and_empty_sheets(
    oxigraph_store: OxigraphStore, rows: list[list[str]], expected: str
) -> None:
    for data, name in ((xlsx(rows, "Sheet1"), "m.xlsx"), (semicolon_csv(rows), "m.csv")):
        with pytest.raises(InputError, match=expected):
            map_spreadsheet(data, name, None, oxigraph_store)


def test_formulas_are_refused_naming_the_cells(oxigraph_store: OxigraphStore) -> None:
    row: list[object] = [*GOOD]
    row[3] = "=TODAY()"
    with pytest.raises(InputError, match=r"formulas in D2.*Paste Special"):
        map_spreadsheet(xlsx([HEADER, row]), "m.xlsx", None, oxigraph_store)


def test_merged_cells_are_refused(oxigraph_store: OxigraphStore) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "memberships"
    for row in (HEADER, GOOD, GOOD):
        sheet.append(row)
    sheet.merge_cells("B2:B3")
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(InputError, match="merged cells B2:B3"):
        map_spreadsheet(out.getvalue(), "m.xlsx", None, oxigraph_store)


def test_macro_enabled_workbooks_are_refused(oxigraph_store: OxigraphStore) -> None:
    data = io.BytesIO()
    with (
        zipfile.ZipFile(data, "w") as archive,
        zipfile.ZipFile(io.BytesIO(xlsx([HEADER, GOOD]))) as good,
    ):
        for item in good.infolist():
            archive.writestr(item, good.read(item))
        archive.writestr("xl/vbaProject.bin", b"\x00" * 100)
    for name in ("m.xlsx", "m.xlsm"):
        with pytest.raises(InputError, match="macro-enabled"):
            map_spreadsheet(data.getvalue(), name, None, oxigraph_store)


def test_a_zip_bomb_is_refused_before_inflating(oxigraph_store: OxigraphStore) -> None:
    data = io.BytesIO()
    with (
        zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive,
        zipfile.ZipFile(io.BytesIO(xlsx([HEADER, GOOD]))) as good,
    ):
        for item in good.infolist():
            archive.writestr(item, good.read(item))
        archive.writestr("xl/media/padding.bin", b"\x00" * (300 * 2**20))
    assert len(data.getvalue()) < 2 * 2**20
    with pytest.raises(InputError, match="zip bomb"):
        map_spreadsheet(data.getvalue(), "m.xlsx", None, oxigraph_store)


def rewritten(data: bytes, part: str, change: object) -> bytes:
    """The workbook `data` with one part changed by `change(bytes) -> bytes`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            content = source.read(item)
            archive.writestr(item, change(content) if item.filename == part else content)  # type: ignore[operator]
    return out.getvalue()


def test_broken_and_hostile_workbooks_get_one_message(oxigraph_store: OxigraphStore) -> None:
    good = xlsx([HEADER, GOOD])
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    hostile = rewritten(good, "xl/workbook.xml", lambda x: laughs + x.split(b"?>", 1)[-1])
    garbled = rewritten(good, "xl/worksheets/sheet1.xml", lambda x: x[: len(x) // 2])
    for data in (hostile, garbled, good[: len(good) - 200]):
        with pytest.raises(InputError, match=r"m\.xlsx: not a"):
            map_spreadsheet(data, "m.xlsx", None, oxigraph_store)


def test_formulas_are_found_with_a_namespace_prefix(oxigraph_store: OxigraphStore) -> None:
    def prefixed(xml: bytes) -> bytes:
        xml = xml.replace(b'<worksheet xmlns="', b'<x:worksheet xmlns:x="')
        xml = xml.replace(b"</worksheet>", b"</x:worksheet>")
        for tag in (b"sheetData", b"row", b"c", b"is", b"t", b"dimension"):
            xml = xml.replace(b"<" + tag + b">", b"<x:" + tag + b">")
            xml = xml.replace(b"<" + tag + b" ", b"<x:" + tag + b" ")
            xml = xml.replace(b"</" + tag + b">", b"</x:" + tag + b">")
        return xml.replace(
            b'<x:c r="D2" t="inlineStr"><x:is><x:t>2017-03-01</x:t></x:is>',
            b'<x:c r="D2"><x:f>TODAY()</x:f>',
        )

    data = rewritten(xlsx([HEADER, GOOD]), "xl/worksheets/sheet1.xml", prefixed)
    with pytest.raises(InputError, match="formulas in D2"):
        map_spreadsheet(data, "m.xlsx", None, oxigraph_store)


def test_not_a_spreadsheet(oxigraph_store: OxigraphStore) -> None:
    with pytest.raises(UnsupportedMediaTypeError, match="97-2003"):
        map_spreadsheet(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "m.xls", None, oxigraph_store
        )
    with pytest.raises(InputError, match="no zip archive"):
        map_spreadsheet(b"hello", "m.xlsx", None, oxigraph_store)


def test_100k_rows_are_refused_in_both_formats(oxigraph_store: OxigraphStore) -> None:
    rows = [HEADER] + [GOOD] * 100_000
    for data, name in ((semicolon_csv(rows), "big.csv"), (xlsx(rows), "big.xlsx")):
        with pytest.raises(InputError, match="at most 20,000 rows"):
            map_spreadsheet(data, name, None, oxigraph_store)


def test_rows_are_counted_even_where_the_sheet_hides_its_size(
    oxigraph_store: OxigraphStore,
) -> None:
    """A workbook without <dimension> (or lying in it) is still refused once read."""
    honest = zipfile.ZipFile(io.BytesIO(xlsx([HEADER] + [GOOD] * 20_001)))
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in honest.infolist():
            part = honest.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                # openpyxl writes `<dimension .../>` with or without a space (lxml or not)
                part = re.sub(rb"<dimension [^>]*/>", b"", part)
                assert b"<dimension" not in part
            archive.writestr(item, part)
    with pytest.raises(InputError, match="20,001 rows"):
        map_spreadsheet(data.getvalue(), "m.xlsx", None, oxigraph_store)


# --- templates and the round trip -------------------------------------------------------------


def test_templates_come_from_the_shapes(oxigraph_store: OxigraphStore) -> None:
    text = template("memberships", "csv", oxigraph_store).decode("utf-8-sig")
    assert text.splitlines()[0] == "institution*,network*,role*,start,end,source*"
    book = load_workbook(io.BytesIO(template("institutions", "xlsx", oxigraph_store)))
    assert book.sheetnames == ["institutions", "lists", "README"]
    listed = {c.value for col in book["lists"].columns for c in col}
    assert {"FRA", "ITA", "CancerCentre", "HealthcareProvider"} <= listed
    rules = book["institutions"].data_validations.dataValidation
    # SpreadsheetML stores formulas without the '=' typed in Excel's own dialog.
    assert rules and all(r.formula1.startswith("lists!$") for r in rules)
    roles = load_workbook(io.BytesIO(template("memberships", "xlsx", oxigraph_store)))["lists"]
    assert [c.value for c in roles["A"]][:3] == ["role", "full-member", "affiliated-partner"]
    for kind in ("institutions", "memberships", "observations"):
        for fmt in ("csv", "xlsx"):
            report = validate_spreadsheet(
                template(kind, fmt, oxigraph_store), f"t.{fmt}", None, oxigraph_store
            )
            assert report.conforms(), render_sheet_report(report, "text")


def flat(triples: list[ox.Triple]) -> set[tuple[str, str, str]]:
    """(subject IRI, path through blank nodes, value): two graphs with fresh blank nodes (the
    membership periods) compare triple by triple."""
    out: set[tuple[str, str, str]] = set()
    by_subject: dict[object, list[ox.Triple]] = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)

    def walk(node: object, path: str, subject: str) -> None:
        for t in by_subject.get(node, []):
            step = f"{path}/{t.predicate.value}" if path else t.predicate.value
            if isinstance(t.object, ox.BlankNode):
                walk(t.object, step, subject)
            else:
                out.add((subject, step, t.object.value))

    for subject in by_subject:
        if isinstance(subject, ox.NamedNode):
            walk(subject, "", subject.value)
    return out


PUBLISHED = """CONSTRUCT { ?m ?p ?o . ?o ?p2 ?o2 . ?o2 ?p3 ?o3 } WHERE {
  ?m <http://www.w3.org/ns/org#organization> <https://w3id.org/cancerkg/id/network/euracan> ;
     ?p ?o .
  OPTIONAL { ?o ?p2 ?o2 FILTER(isBlank(?o)) OPTIONAL { ?o2 ?p3 ?o3 FILTER(isBlank(?o2)) } }
}"""


def test_round_trip_the_diff_is_exactly_the_edit(oxigraph_store: OxigraphStore) -> None:
    from cancerkg.store.protocol import construct

    exported = export_memberships(oxigraph_store, "euracan", "xlsx")
    assert validate_spreadsheet(exported, "euracan.xlsx", None, oxigraph_store).conforms()
    before = flat(map_spreadsheet(exported, "euracan.xlsx", None, oxigraph_store).triples)
    # The export says what the graph says, for everything the template has a column for.
    published = flat(construct(oxigraph_store, PUBLISHED))
    paths = {path for _, path, _ in before}
    assert before == {t for t in published if t[1] in paths}

    book = load_workbook(io.BytesIO(exported))
    sheet = book["memberships"]
    assert [c.value for c in sheet[1]] == [
        "institution*",
        "network*",
        "role*",
        "start",
        "end",
        "source*",
    ]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[2].value == "full-member" and r[3].value)
    row[2].value = "affiliated-partner"
    old_start, row[3].value = row[3].value, "2018-06-30"
    edited = io.BytesIO()
    book.save(edited)
    after = flat(map_spreadsheet(edited.getvalue(), "euracan.xlsx", None, oxigraph_store).triples)

    subject = f"https://w3id.org/cancerkg/id/membership/euracan--{row[0].value}"
    role, start = (
        "http://www.w3.org/ns/org#role",
        (
            "http://www.w3.org/ns/org#memberDuring/http://www.w3.org/2006/time#hasBeginning/"
            "http://www.w3.org/2006/time#inXSD" + ("gYear" if len(old_start) == 4 else "Date")
        ),
    )
    assert before - after == {
        (subject, role, "https://w3id.org/cancerkg/id/role/full-member"),
        (subject, start, old_start),
    }
    new_start = start.replace("inXSDgYear", "inXSDDate")
    assert after - before == {
        (subject, role, "https://w3id.org/cancerkg/id/role/affiliated-partner"),
        (subject, new_start, "2018-06-30"),
    }


def test_every_networks_export_validates(oxigraph_store: OxigraphStore) -> None:
    """What the graph publishes comes back through its own template unchanged and conforming,
    including networks whose members are networks (written as net:slug)."""
    from cancerkg.store.protocol import select

    networks = select(
        oxigraph_store,
        "SELECT DISTINCT ?n WHERE { ?m <http://www.w3.org/ns/org#organization> ?n "
        'FILTER(STRSTARTS(STR(?n), "https://w3id.org/cancerkg/id/network/")) }',
    )
    slugs = [str(getattr(r["n"], "value", "")).rsplit("/", 1)[1] for r in networks]
    assert len(slugs) > 20
    for network in slugs:
        data = export_memberships(oxigraph_store, network, "csv")
        report = validate_spreadsheet(data, f"{network}.csv", None, oxigraph_store)
        assert report.conforms(), render_sheet_report(report, "text")


# --- the command and HTTP ---------------------------------------------------------------------


def test_cli_validate_template_and_export(cli, store_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good, bad = tmp_path / "good.csv", tmp_path / "bad.xlsx"
    good.write_bytes(semicolon_csv([HEADER, GOOD], "latin-1"))
    bad_row = [*GOOD]
    bad_row[3] = "2025-13-01"
    bad.write_bytes(xlsx([HEADER, bad_row]))
    store = ["--store", str(store_dir)]
    assert cli("validate", str(good), *store).returncode == 0
    result = cli("validate", str(bad), "--annotated", str(tmp_path / "out.xlsx"), *store)
    assert result.returncode == 1
    assert "row 2, column start: '2025-13-01'" in result.stdout
    assert load_workbook(tmp_path / "out.xlsx")["memberships"]["D2"].comment is not None
    result = cli("validate", str(bad), "--report", "json", *store)
    assert '"column": "start"' in result.stdout
    (tmp_path / "x.xlsm").write_bytes(b"PK")
    result = cli("validate", str(tmp_path / "x.xlsm"), *store)
    assert result.returncode == 2 and "macro-enabled" in result.stderr
    result = cli("template", "memberships", "--format", "csv", *store)
    assert result.returncode == 0 and result.stdout.startswith("\ufeffinstitution*")
    result = cli("export", "--kind", "memberships", "--network", "skin", "--format", "csv", *store)
    assert result.returncode == 0 and len(result.stdout.splitlines()) > 50


def test_http_validate_templates_and_annotated(serve) -> None:  # type: ignore[no-untyped-def]
    url = serve()
    with httpx.Client(base_url=url, timeout=60) as client:
        answer = client.get("/templates/memberships.xlsx")
        assert answer.status_code == 200 and answer.headers["content-type"] == XLSX_TYPE
        assert client.get("/templates/nothing.csv").status_code == 404
        bad_row = [*GOOD]
        bad_row[2] = "chief"
        data = xlsx([HEADER, bad_row])
        answer = client.post("/validate", content=data, headers={"content-type": XLSX_TYPE})
        assert answer.status_code == 200, answer.text
        report = answer.json()
        assert not report["conforms"]
        assert {(p["row"], p["column"]) for p in report["problems"]} == {(2, "role")}
        answer = client.post(
            "/validate", files={"file": ("members.csv", semicolon_csv([HEADER, GOOD]), "text/csv")}
        )
        assert answer.status_code == 200 and answer.json()["conforms"], answer.text
        answer = client.post(
            "/validate",
            content=data,
            headers={"content-type": XLSX_TYPE, "accept": XLSX_TYPE},
        )
        assert answer.headers["content-type"] == XLSX_TYPE
        assert load_workbook(io.BytesIO(answer.content))["memberships"]["C2"].comment is not None
        answer = client.post(
            "/validate", content=data, headers={"content-type": XLSX_TYPE, "accept": "text/turtle"}
        )
        assert answer.status_code == 200 and "sh:ValidationReport" in answer.text
        page = client.post(
            "/validation",
            files={"file": ("members.xlsx", data, "application/octet-stream")},
            headers={"accept": "text/html"},
        )
        assert (
            page.status_code == 200
            and '<td class="long">chief</td>' in page.text
            and "<td>role</td>" in page.text
        )
        assert "does not conform" in page.text
        answer = client.post(
            "/validate", content=b"PK\x03\x04junk", headers={"content-type": XLSX_TYPE}
        )
        assert answer.status_code == 400 and answer.json()["error"] == "bad input"

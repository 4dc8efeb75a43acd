"""Reading a submitted spreadsheet (XLSX or CSV) into plain text cells, safely.

XLSX is read by python-calamine (Rust: no entity expansion, fast), after checks on the zip
itself: its declared sizes and compression ratios (a zip bomb is refused before anything is
inflated), no macros (vbaProject.bin, .xlsm), no formulas (a submission is checked as the values
it shows, and a file written by a program may hold formulas without any cached value), no merged
cells. CSV is decoded as UTF-8 (with or without BOM), else as Windows-1252/Latin-1, the encodings
Excel writes; the separator (`,` `;` or tab) is the one that splits the header best.
Every problem is one InputError that says what, where and how to fix it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from xml.etree.ElementTree import ParseError

import python_calamine
from defusedxml import DefusedXmlException, ElementTree

from cancerkg.errors import InputError, UnsupportedMediaTypeError

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv"
MACRO_TYPES = ("application/vnd.ms-excel.sheet.macroenabled.12",)
SPREADSHEET_TYPES = (XLSX_TYPE, CSV_TYPE, "application/csv", *MACRO_TYPES)
# Far above any member list (all ERN units: 1,619 rows), far below what would hold up a worker.
MAX_ROWS = 20_000
MAX_COLUMNS = 100
# Zip limits: what the archive says it will inflate to, in total and per member.
MAX_UNPACKED = 200 * 2**20
MAX_RATIO = 200
MAX_MEMBERS = 10_000
# Sheets of a template that hold help, not data.
HELP_SHEETS = ("readme", "lists")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A cell with a formula: <c r="D2" ...><f>TODAY()</f><v>...</v></c>, with or without a namespace
# prefix (<x:c>, as some writers put it).
_FORMULA = re.compile(
    rb'<(?:\w+:)?c\b[^>]*\br="([A-Z]+[0-9]+)"[^>]*>(?:(?!</(?:\w+:)?c>).)*?<(?:\w+:)?f\b', re.DOTALL
)
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]+[0-9]+:[A-Z]+([0-9]+)"')
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


@dataclass(frozen=True)
class Sheet:
    """One sheet as text: its header row and data rows, each with its spreadsheet row number
    (the header is row 1); empty cells are ''."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]


def is_spreadsheet(filename: str, media_type: str | None) -> bool:
    """Whether a submission is a spreadsheet, by its media type or else its file extension."""
    media = (media_type or "").split(";", 1)[0].strip().lower()
    return media in SPREADSHEET_TYPES or PurePath(filename).suffix.lower() in (
        ".xlsx",
        ".xlsm",
        ".csv",
        ".xls",
    )


def read_spreadsheet(data: bytes, filename: str, media_type: str | None = None) -> list[Sheet]:
    """The data sheets of a submitted XLSX or CSV file."""
    media = (media_type or "").split(";", 1)[0].strip().lower()
    suffix = PurePath(filename).suffix.lower()
    if not data.strip():
        raise InputError(f"{filename}: the file is empty")
    if media in MACRO_TYPES or suffix == ".xlsm":
        raise InputError(_macro_message(filename))
    if data.startswith(_OLE2) or suffix == ".xls":
        raise UnsupportedMediaTypeError(
            f"{filename}: an Excel 97-2003 (.xls) or password-protected workbook cannot be "
            "read; save it as an Excel Workbook (.xlsx) without a password, or as CSV"
        )
    if data.startswith(b"PK") or media == XLSX_TYPE or suffix == ".xlsx":
        return _read_xlsx(data, filename)
    if media in (CSV_TYPE, "application/csv") or suffix == ".csv":
        return [_read_csv(data, filename)]
    raise UnsupportedMediaTypeError(
        f"{filename}: not a spreadsheet; send an .xlsx workbook or a .csv file"
    )


# ---------------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------------


def _read_xlsx(data: bytes, filename: str) -> list[Sheet]:
    archive = _open_zip(data, filename)
    _check_zip(archive, filename)
    try:
        return _read_checked(archive, data, filename)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        KeyError,
        ParseError,
        DefusedXmlException,
        python_calamine.CalamineError,
    ) as error:
        raise InputError(
            f"{filename}: not a readable XLSX workbook ({type(error).__name__}: {error}); open "
            "it in Excel or LibreOffice and save it again as .xlsx"
        ) from None


def _read_checked(archive: zipfile.ZipFile, data: bytes, filename: str) -> list[Sheet]:
    parts = {
        name: path
        for name, path in _sheet_paths(archive).items()
        if not name.strip().lower().startswith(HELP_SHEETS)
    }
    for path in parts.values():
        _check_dimension(archive, path, filename)
    for name, path in parts.items():
        _refuse_formulas(archive, name, path, filename)
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = []
    for name in workbook.sheet_names:
        if name.strip().lower().startswith(HELP_SHEETS):
            continue
        sheet = workbook.get_sheet_by_name(name)
        _refuse_merged(sheet, name, filename)
        if sheet.height > MAX_ROWS + 1:
            raise InputError(_too_many_rows(filename, sheet.height - 1))
        values = sheet.to_python(skip_empty_area=False)
        sheets.append(_sheet(name, [[_cell_text(v) for v in row] for row in values], filename))
    return sheets


def _open_zip(data: bytes, filename: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InputError(
            f"{filename}: not an XLSX workbook (it is no zip archive); save it as .xlsx or .csv"
        ) from None


def _check_zip(archive: zipfile.ZipFile, filename: str) -> None:
    """Refuse from the central directory alone, before inflating anything."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise InputError(f"{filename}: {len(members):,} files inside the workbook; refused")
    names = {m.filename.lower() for m in members}
    if any(n.endswith("vbaproject.bin") for n in names):
        raise InputError(_macro_message(filename))
    if "xl/workbook.xml" not in names:
        raise InputError(f"{filename}: a zip but no XLSX workbook (no xl/workbook.xml)")
    total = sum(m.file_size for m in members)
    if total > MAX_UNPACKED:
        raise InputError(
            f"{filename}: the workbook would unpack to {total / 2**20:,.0f} MiB (limit "
            f"{MAX_UNPACKED / 2**20:.0f} MiB); refused as a possible zip bomb"
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 2**20 and ratio > MAX_RATIO:
            raise InputError(
                f"{filename}: {member.filename} is compressed {ratio:,.0f} to 1 (limit "
                f"{MAX_RATIO}); refused as a possible zip bomb"
            )


def _check_dimension(archive: zipfile.ZipFile, path: str, filename: str) -> None:
    """Refuse a sheet whose declared size (<dimension ref="A1:F100001"/>, at the top of its
    part) is over the row limit, before it is read; the rows read are counted again after."""
    with archive.open(path) as part:
        head = part.read(4096)
    found = _DIMENSION.search(head)
    if found and int(found.group(1)) > MAX_ROWS + 1:
        raise InputError(_too_many_rows(filename, int(found.group(1)) - 1))


def _refuse_formulas(archive: zipfile.ZipFile, sheet: str, path: str, filename: str) -> None:
    cells = [m.decode() for m in _FORMULA.findall(archive.read(path))]
    if cells:
        shown = ", ".join(cells[:5]) + (f" and {len(cells) - 5} more" if len(cells) > 5 else "")
        raise InputError(
            f"{filename}: sheet {sheet!r} has formulas in {shown}; a submission is checked "  # noqa: S608 (a message, not SQL)
            "as plain values: replace the formulas by their values (copy the cells, then "
            "Paste Special > Values only) and send it again"
        )


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part, from xl/workbook.xml and its relationships."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    try:
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    found = {}
    for sheet in workbook.iter(f"{_MAIN_NS}sheet"):
        target = targets.get(sheet.get(f"{_REL_NS}id"), "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if path in archive.namelist():
            found[sheet.get("name", "")] = path
    return found


def _refuse_merged(sheet: python_calamine.CalamineSheet, name: str, filename: str) -> None:
    merged = sheet.merged_cell_ranges or []
    if merged:
        (r1, c1), (r2, c2) = merged[0]
        where = f"{_a1(r1, c1)}:{_a1(r2, c2)}"
        more = f" (and {len(merged) - 1} more)" if len(merged) > 1 else ""
        raise InputError(
            f"{filename}: sheet {name!r} has merged cells {where}{more}; unmerge them and write "
            "the value in every row it applies to"
        )


def _cell_text(value: object) -> str:
    """A cell as the text a person sees: dates as ISO 8601, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------


def _read_csv(data: bytes, filename: str) -> Sheet:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            if len(rows) > MAX_ROWS + 1:
                raise InputError(_too_many_rows(filename, f"more than {MAX_ROWS:,}"))
            rows.append([cell.strip() for cell in row])
    except csv.Error as error:
        raise InputError(f"{filename}: line {reader.line_num}: not valid CSV ({error})") from None
    return _sheet(PurePath(filename).stem or "csv", rows, filename)


def _decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else Windows-1252 (what Excel calls ANSI in Western Europe),
    else Latin-1, which decodes any byte."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


# ---------------------------------------------------------------------------------------------
# Both
# ---------------------------------------------------------------------------------------------


def _sheet(name: str, rows: Sequence[list[str]], filename: str) -> Sheet:
    width = max((len(r) for r in rows), default=0)
    if width > MAX_COLUMNS:
        raise InputError(f"{filename}: sheet {name!r} has {width} columns; refused")
    header = list(rows[0]) if rows else []
    while header and not header[-1]:
        header.pop()
    body = [(n, row) for n, row in enumerate(rows[1:], start=2) if any(c for c in row)]
    return Sheet(name, header, body)


def _too_many_rows(filename: str, count: object) -> str:
    shown = f"{count:,}" if isinstance(count, int) else str(count)
    return (
        f"{filename}: {shown} rows; a submission holds at most {MAX_ROWS:,} rows "
        "(all ERN units are 1,619): split the file"
    )


def _macro_message(filename: str) -> str:
    return (
        f"{filename}: a macro-enabled workbook (.xlsm, vbaProject.bin) is refused; save it as an "
        "Excel Workbook (.xlsx) without macros"
    )


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _a1(row: int, column: int) -> str:
    return f"{column_letter(column)}{row + 1}"

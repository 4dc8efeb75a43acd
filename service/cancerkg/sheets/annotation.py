"""The annotated copy: the submitted workbook with every bad cell filled (red for a violation,
orange for a warning, yellow for a note) and a comment holding its messages, plus a 'problems'
sheet listing them all. A CSV submission comes back as a workbook of its rows, marked the same."""

from __future__ import annotations

import io
from collections import defaultdict
from pathlib import PurePath

from defusedxml import DefusedXmlException
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

from cancerkg.errors import InputError
from cancerkg.sheets.checking import SheetReport, describe
from cancerkg.sheets.mapping import Problem
from cancerkg.sheets.workbook import read_spreadsheet

FILLS = {
    "Violation": PatternFill("solid", fgColor="FFC7CE"),
    "Warning": PatternFill("solid", fgColor="FFD966"),
    "Info": PatternFill("solid", fgColor="FFF2CC"),
}


def annotated_copy(
    data: bytes, filename: str, media_type: str | None, report: SheetReport
) -> bytes:
    """The submission as XLSX with its problems marked on the cells they are about."""
    if PurePath(filename).suffix.lower() == ".csv" or not data.startswith(b"PK"):
        book = _from_rows(data, filename, media_type)
    else:
        try:
            book = load_workbook(io.BytesIO(data))
        except (InvalidFileException, KeyError, OSError, ValueError, DefusedXmlException) as error:
            raise InputError(f"{filename}: cannot annotate this workbook ({error})") from None
    by_cell: dict[tuple[str, str], list[Problem]] = defaultdict(list)
    for problem in report.problems:
        if problem.row is not None and problem.sheet in book.sheetnames:
            by_cell[(problem.sheet, problem.cell or f"A{problem.row}")].append(problem)
    for (sheet, ref), problems in by_cell.items():
        cell = book[sheet][ref]
        worst = min(problems, key=lambda p: list(FILLS).index(p.severity))
        cell.fill = FILLS.get(worst.severity, FILLS["Violation"])
        text = "\n".join(f"{p.severity}: {p.message}" for p in problems)
        cell.comment = Comment(text, "cancerkg", width=400, height=40 + 40 * len(problems))
    _problem_sheet(book, report)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _from_rows(data: bytes, filename: str, media_type: str | None) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    for sheet in read_spreadsheet(data, filename, media_type):
        target = book.create_sheet(sheet.name[:31])
        target.append(sheet.header)
        for number, row in sheet.rows:
            for index, value in enumerate(row):
                target.cell(row=number, column=index + 1, value=value)
    return book


def _problem_sheet(book: Workbook, report: SheetReport) -> None:
    sheet = book.create_sheet("problems")
    sheet.append(["severity", "sheet", "row", "column", "cell", "value", "message"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for p in report.problems:
        sheet.append([p.severity, p.sheet, p.row, p.column, p.cell, p.value, describe(p)])

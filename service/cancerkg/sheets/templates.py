"""Templates and exports in the same layout: one column per column of the mapping file, the
required ones marked with '*' (the shapes say which), allowed values as XLSX drop-downs and on a
'lists' sheet, and a 'README' sheet saying what each column holds.

`cancerkg template KIND` writes one example row; `cancerkg export --kind memberships` writes the
current members of a network in the same layout, so an office corrects its list and sends it back.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from cancerkg.errors import InputError
from cancerkg.sheets.layout import Column, Layout, layout, mapping_text
from cancerkg.sheets.workbook import column_letter
from cancerkg.store.protocol import Store, select

SHEET_FORMATS = ("csv", "xlsx")
_REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")


def header(column: Column) -> str:
    """The header cell: the column name, '*' when the shapes require it."""
    return f"{column.name}*" if column.required else column.name


def choices(column: Column, store: Store | None) -> list[str]:
    """The values a column allows: the shape's sh:in, or its choices query on the graph."""
    if column.choices:
        return list(column.choices)
    if column.choices_query and store is not None:
        rows = select(store, mapping_text(column.choices_query))
        return [str(getattr(r.get("value"), "value", "")) for r in rows if r.get("value")]
    return []


def template(kind: str, fmt: str, store: Store | None) -> bytes:
    """The empty template of `kind` with its example row."""
    chosen = layout(kind)
    return write_table(chosen, [[c.example for c in chosen.columns]], fmt, store)


def write_table(
    chosen: Layout, rows: Sequence[Sequence[str]], fmt: str, store: Store | None
) -> bytes:
    """Rows in the layout of `chosen` as CSV (UTF-8 with a BOM, so Excel reads the accents) or
    as an XLSX workbook with drop-downs and help sheets."""
    if fmt == "csv":
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([header(c) for c in chosen.columns])
        writer.writerows(rows)
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        return _xlsx(chosen, rows, store)
    raise InputError(f"unknown spreadsheet format {fmt!r}; use {' or '.join(SHEET_FORMATS)}")


def _xlsx(chosen: Layout, rows: Sequence[Sequence[str]], store: Store | None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = chosen.kind
    sheet.append([header(c) for c in chosen.columns])
    for row in rows:
        sheet.append(list(row))
    for index, column in enumerate(chosen.columns):
        cell = sheet.cell(row=1, column=index + 1)
        cell.font = Font(bold=True)
        if column.required:
            cell.fill = _REQUIRED_FILL
        cell.comment = Comment(_help(column), "cancerkg")
        sheet.column_dimensions[column_letter(index)].width = max(14, len(column.example) + 2)
        # Typed dates and numbers would come back as dates or floats; keep every cell text.
        for row_cells in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
            for data_cell in row_cells:
                data_cell.number_format = "@"
    sheet.freeze_panes = "A2"
    lists = book.create_sheet("lists")
    readme = book.create_sheet("README")
    readme.append(["column", "required", "what it holds", "allowed values", "example"])
    for cell in readme[1]:
        cell.font = Font(bold=True)
    list_column = 0
    for index, column in enumerate(chosen.columns):
        allowed = choices(column, store)
        readme.append(
            [
                column.name,
                "required" if column.required else ("recommended" if column.recommended else ""),
                column.description,
                ", ".join(allowed)
                if len(allowed) <= 30
                else f"see the sheet 'lists' ({len(allowed)})",
                column.example,
            ]
        )
        if allowed:
            letter = column_letter(list_column)
            lists.cell(row=1, column=list_column + 1, value=column.name).font = Font(bold=True)
            for n, value in enumerate(allowed, start=2):
                lists.cell(row=n, column=list_column + 1, value=value)
            _drop_down(sheet, index, f"lists!${letter}$2:${letter}${len(allowed) + 1}", column)
            list_column += 1
    readme.column_dimensions["C"].width = 80
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _drop_down(sheet: Worksheet, index: int, formula: str, column: Column) -> None:
    """A list of the allowed values on the column's cells; a warning, not a stop, where a cell
    may hold several values separated by ';'."""
    rule = DataValidation(type="list", formula1=formula, allow_blank=True)
    rule.errorStyle = "warning" if column.separator else "stop"
    rule.error = f"not an allowed value of {column.name}: see the sheet 'lists'"
    rule.errorTitle = column.name
    letter = column_letter(index)
    sheet.add_data_validation(rule)
    rule.add(f"{letter}2:{letter}{20_001}")


def _help(column: Column) -> str:
    need = "Required. " if column.required else ""
    return f"{need}{column.description}"

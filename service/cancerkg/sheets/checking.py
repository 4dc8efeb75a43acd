"""Validating a spreadsheet: map it, validate the records in the context of the published graph
with the same shapes as any RDF submission, and put every result back on its sheet, row and
column ("row 14, column start: '2025-13-01': ... must be one valid xsd:date")."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import pyoxigraph as ox

from cancerkg.errors import InputError
from cancerkg.named_queries.binding import filled_internal_query
from cancerkg.rdf.iris import ID_PREFIXES, PREFIXES
from cancerkg.sheets.mapping import MappedSheet, MappedTable, Problem, map_spreadsheet
from cancerkg.store.memory import to_rdflib
from cancerkg.store.protocol import Store, select
from cancerkg.validation.engine import validate_submission
from cancerkg.validation.report import FAIL_ON, SEVERITIES, Report, Result, show

SHEET_REPORT_FORMATS = ("text", "json")
_PREFIXES = PREFIXES | ID_PREFIXES


@dataclass
class SheetReport:
    """The problems of a spreadsheet, by sheet, row and column, and the SHACL report behind
    them (for the standard report formats)."""

    filename: str
    problems: list[Problem]
    report: Report
    rows: int
    triples: int

    def counts(self) -> dict[str, int]:
        found = Counter(p.severity for p in self.problems)
        return {severity: found.get(severity, 0) for severity in SEVERITIES}

    def conforms(self, fail_on: str = "violation") -> bool:
        blocking = FAIL_ON.get(fail_on)
        if blocking is None:
            raise InputError(f"unknown --fail-on {fail_on!r}; use violation or warning")
        return not any(p.severity in blocking for p in self.problems)


def validate_spreadsheet(
    data: bytes, filename: str, media_type: str | None, store: Store
) -> SheetReport:
    """Map a submitted XLSX or CSV file and validate it in context; every problem located."""
    mapped = map_spreadsheet(data, filename, media_type, store)
    return check_mapped(mapped, store)


def check_mapped(mapped: MappedSheet, store: Store) -> SheetReport:
    """Validate an already mapped spreadsheet (the inbox keeps the MappedSheet to store it)."""
    report = validate_submission(mapped.triples, store)
    # Results name their focus node as shown to people; index the rows the same way once.
    rows_of = {show(to_rdflib(node)) or "": rows for node, rows in mapped.rows_of.items()}
    located = [p for result in report.results for p in _locate(result, rows_of, mapped)]
    problems = _merge(mapped.problems + _duplicates(mapped) + _named_like(mapped, store), located)
    rows = sum(len(t.cells) for t in mapped.tables)
    return SheetReport(mapped.filename, problems, report, rows, len(mapped.triples))


def _duplicates(mapped: MappedSheet) -> list[Problem]:
    """Rows that describe a record an earlier row already describes (they would merge)."""
    found = []
    for node, rows in mapped.rows_of.items():
        for table, row in rows[1:]:
            first = rows[0][1]
            found.append(
                Problem(
                    table.sheet,
                    row,
                    None,
                    None,
                    None,
                    f"describes the same record as row {first} ({show(to_rdflib(node))}); "
                    "their values are merged: keep one row per record",
                    "Warning",
                    show(to_rdflib(node)),
                )
            )
    return found


def _named_like(mapped: MappedSheet, store: Store) -> list[Problem]:
    """Institutions rows with neither id nor ROR id whose name makes the slug of an institution
    the graph already has: the row replaces that institution's description, which is right for
    a correction and wrong for a namesake."""
    candidates = {
        node: (table, row)
        for node, rows in mapped.rows_of.items()
        for table, row in rows[:1]
        if isinstance(node, ox.NamedNode)
        and table.layout.kind == "institutions"
        and not {"id", "ror"} & table.cells[row].keys()
    }
    if not candidates:
        return []
    query = filled_internal_query("sheets-existing", {"entity": list(candidates)})
    found = []
    for answer in select(store, query):
        node = answer.get("entity")
        if not isinstance(node, ox.NamedNode) or node not in candidates:
            continue
        table, row = candidates[node]
        shown = show(to_rdflib(node))
        found.append(
            Problem(
                table.sheet,
                row,
                "name",
                table.cell_ref(row, "name"),
                table.cells[row].get("name"),
                f"makes the IRI of an institution the graph already has ({shown}): this row "
                f"replaces its description; write its id ({str(node.value).rsplit('/', 1)[-1]}) "
                "to say so, or another id for a different institution",
                "Warning",
                shown,
            )
        )
    return found


def _locate(
    result: Result, rows_of: dict[str, list[tuple[MappedTable, int]]], mapped: MappedSheet
) -> list[Problem]:
    """The rows a result's focus node comes from; its column by the path, else by the shape
    (node-level rules such as 'ends before it begins'); else the row as a whole."""
    rows = rows_of.get(result.focus, [])
    if not rows:
        return [
            Problem(
                mapped.filename,
                None,
                None,
                None,
                result.value,
                result.message,
                result.severity,
                result.focus,
                result.shape,
            )
        ]
    located = [_on_row(table, row, result) for table, row in rows]
    # Two rows describing one record: keep the row whose cell holds the offending value.
    holding = [p for p in located if p.value and result.value and _holds(result.value, p.value)]
    return holding or located


def _holds(shown: str, cell: str) -> bool:
    """Whether a shown term ("2025-13-01"^^xsd:date, role:chief) came from this cell text."""
    return any(part.strip() and part.strip().lower() in shown.lower() for part in cell.split(";"))


def _on_row(table: MappedTable, row: int, result: Result) -> Problem:
    column = table.layout.column_of_path(result.path)
    name = column.name if column else table.layout.shapes.get(result.shape)
    value = table.cells[row].get(name) if name else None
    return Problem(
        table.sheet,
        row,
        name,
        table.cell_ref(row, name),
        value,
        result.message,
        result.severity,
        result.focus,
        result.shape,
    )


def _merge(first: list[Problem], then: list[Problem]) -> list[Problem]:
    """One problem per cell and message, in sheet, row and column order; a cell the mapper
    already explained (an Excel serial date) keeps that message only."""
    explained = {(p.sheet, p.row, p.column) for p in first if p.column}
    kept = first + [p for p in then if (p.sheet, p.row, p.column) not in explained]
    unique = list(dict.fromkeys(kept))
    return sorted(unique, key=lambda p: (p.sheet, p.row or 0, p.column or "", p.message))


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------


def render_sheet_report(report: SheetReport, fmt: str, *, fail_on: str = "violation") -> str:
    """text or json; the SHACL report itself (turtle, json-ld) via validation.report.render."""
    if fmt == "json":
        return json.dumps(sheet_report_json(report, fail_on=fail_on), indent=2) + "\n"
    if fmt == "text":
        return _text(report, fail_on)
    raise InputError(f"unknown report format {fmt!r} for a spreadsheet; use text or json")


def sheet_report_json(report: SheetReport, *, fail_on: str = "violation") -> dict[str, object]:
    return {
        "conforms": report.conforms(fail_on),
        "fail_on": fail_on,
        "file": report.filename,
        "rows": report.rows,
        "triples": report.triples,
        "counts": report.counts(),
        "problems": [p.as_dict() for p in report.problems],
    }


def _text(report: SheetReport, fail_on: str) -> str:
    counts = report.counts()
    summary = ", ".join(f"{n} {s.lower()}{'s' if n != 1 else ''}" for s, n in counts.items())
    verdict = "conforms" if report.conforms(fail_on) else "does not conform"
    rows = f"{report.rows} row{'s' if report.rows != 1 else ''}"
    lines = [f"{report.filename}: {verdict} ({rows}): {summary}"]
    lines += [f"{p.severity.upper():<9} {describe(p)}" for p in report.problems]
    return "\n".join(lines) + "\n"


def describe(problem: Problem) -> str:
    """'memberships, row 14, column start: '2025-13-01' ...' as a steward reads it."""
    where = [problem.sheet]
    if problem.row is not None:
        where.append(f"row {problem.row}")
    if problem.column is not None:
        where.append(f"column {problem.column}")
    value = f" {problem.value!r}" if problem.value is not None else ""
    return f"{', '.join(where)}:{value} {problem.message}"

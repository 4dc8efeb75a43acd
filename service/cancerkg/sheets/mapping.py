"""Mapping a spreadsheet to RDF with the mapping files of mappings/ (one CONSTRUCT per kind).

Each data row is loaded into a small in-memory pyoxigraph store as a node `<row>` with one
`sheet:{column}` literal per non-empty cell (split at the column's CSVW separator); the kind's
CONSTRUCT query turns rows into records and says which row each record comes from
(`prov:wasDerivedFrom <row>`), so every validation result can be put back on its row and column.
The query calls two mapping functions: sheet:slug (the IRI slug rules) and sheet:entity (a ROR
id, an IRI, a prefixed name or a slug to the IRI it stands for: a ROR id is matched against the
published graph).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from cancerkg.errors import InputError
from cancerkg.internal_queries import internal_query
from cancerkg.rdf.iris import ID, ID_PREFIXES
from cancerkg.sheets.layout import KINDS, Column, Layout, layouts
from cancerkg.sheets.workbook import Sheet, column_letter, read_spreadsheet
from cancerkg.store.protocol import Store, select

SHEET = "https://w3id.org/cancerkg/sheets#"
_ROW_TYPE = ox.NamedNode(SHEET + "Row")
_TRACE = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
_ROR_ID = ox.NamedNode("https://w3id.org/cancerkg/ontology#rorId")
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_ROR = re.compile(r"(?:https?://ror\.org/)?(0[a-hj-km-np-tv-z0-9]{6}[0-9]{2})")
_SERIAL = re.compile(r"[0-9]{5}(\.[0-9]+)?")
_EXCEL_EPOCH = 693594  # date(1899, 12, 30).toordinal(): Excel's day 0


@dataclass(frozen=True)
class Problem:
    """One problem, located on its sheet, row and column where it has one."""

    sheet: str
    row: int | None
    column: str | None
    cell: str | None  # A1 reference, e.g. "D14"
    value: str | None
    message: str
    severity: str = "Violation"
    focus: str | None = None
    shape: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "cell": self.cell,
            "value": self.value,
            "message": self.message,
            "severity": self.severity,
            "focus": self.focus,
            "shape": self.shape,
        }


@dataclass
class MappedTable:
    """One data sheet: its kind, where each column stands, and its rows' cells by column."""

    sheet: str
    layout: Layout
    positions: dict[str, int]
    cells: dict[int, dict[str, str]]

    def cell_ref(self, row: int, column: str | None) -> str | None:
        if column is None or column not in self.positions:
            return None
        return f"{column_letter(self.positions[column])}{row}"


@dataclass
class MappedSheet:
    """A spreadsheet as RDF: the triples, the sheets they come from, the row(s) each record
    node comes from, and the problems found while mapping (empty required cells, ...)."""

    filename: str
    triples: list[ox.Triple]
    tables: list[MappedTable]
    rows_of: dict[ox.NamedNode | ox.BlankNode, list[tuple[MappedTable, int]]]
    problems: list[Problem] = field(default_factory=list)


def map_spreadsheet(
    data: bytes, filename: str, media_type: str | None, store: Store
) -> MappedSheet:
    """Read, check and map a submitted XLSX or CSV file; InputError (exit 2, HTTP 4xx) when the
    file itself is unusable, Problems for bad cells."""
    sheets = read_spreadsheet(data, filename, media_type)
    tables = [_table(sheet, filename) for sheet in sheets if sheet.header or sheet.rows]
    tables = [t for t in tables if t.cells]
    if not tables:
        raise InputError(
            f"{filename}: no data rows; fill in the template below its header row "
            f"(templates: cancerkg template {'|'.join(KINDS)})"
        )
    problems = [p for t in tables for p in _cell_problems(t)]
    known = _known_ror_ids(store, tables)
    functions = _functions(known)
    triples: list[ox.Triple] = []
    rows_of: dict[ox.NamedNode | ox.BlankNode, list[tuple[MappedTable, int]]] = {}
    # Institutions first: a membership row may name by its ROR id an institution that a row of
    # the same workbook adds.
    for table in sorted(tables, key=lambda t: KINDS.index(t.layout.kind)):
        produced, traced = _run(table, functions)
        known.update(_ror_ids(produced))
        triples.extend(produced)
        for node, row in traced:
            rows_of.setdefault(node, []).append((table, row))
    for found in rows_of.values():
        found.sort(key=lambda pair: pair[1])
    return MappedSheet(filename, list(dict.fromkeys(triples)), tables, rows_of, problems)


def _table(sheet: Sheet, filename: str) -> MappedTable:
    """The sheet's kind (by its name, else by its header) and its cells by column name."""
    chosen = _kind_of(sheet, filename)
    positions: dict[str, int] = {}
    unknown = []
    for index, header in enumerate(sheet.header):
        if not header:
            if any(index < len(r) and r[index] for _, r in sheet.rows):
                unknown.append(f"(no name) in column {column_letter(index)}")
            continue
        column = chosen.column_for(header)
        if column is None:
            unknown.append(f"{header!r} in column {column_letter(index)}")
        elif column.name in positions:
            raise InputError(
                f"{filename}: sheet {sheet.name!r}: column {column.name!r} appears twice "
                f"({column_letter(positions[column.name])} and {column_letter(index)})"
            )
        else:
            positions[column.name] = index
    expected = ", ".join(c.name for c in chosen.columns)
    if unknown:
        raise InputError(
            f"{filename}: sheet {sheet.name!r} ({chosen.kind}): unknown column "
            f"{', '.join(unknown)}; the {chosen.kind} template has: {expected}"
        )
    missing = [c.name for c in chosen.columns if c.required and c.name not in positions]
    if missing:
        raise InputError(
            f"{filename}: sheet {sheet.name!r} ({chosen.kind}): missing required column "
            f"{', '.join(missing)} in row 1; the {chosen.kind} template has: {expected}"
        )
    cells = {
        number: {
            name: row[index] for name, index in positions.items() if index < len(row) and row[index]
        }
        for number, row in sheet.rows
    }
    return MappedTable(sheet.name, chosen, positions, {n: c for n, c in cells.items() if c})


def _kind_of(sheet: Sheet, filename: str) -> Layout:
    known = layouts()
    name = sheet.name.strip().lower()
    for candidate in known:
        if name in (candidate.kind, candidate.kind.rstrip("s")):
            return candidate
    headers = [h for h in sheet.header if h]
    if not headers:
        raise InputError(
            f"{filename}: sheet {sheet.name!r} has no header row; row 1 must name the columns "
            "(start from a template: cancerkg template memberships)"
        )

    def fit(candidate: Layout) -> tuple[int, int]:
        matched = sum(candidate.column_for(h) is not None for h in headers)
        required = sum(any(c.accepts(h) for h in headers) for c in candidate.columns if c.required)
        return (matched, required)

    best = max(known, key=fit)
    if fit(best)[1] == 0:
        raise InputError(
            f"{filename}: sheet {sheet.name!r}: row 1 ({', '.join(headers[:6])}) names no known "
            f"column; it should be the header of a template ({', '.join(KINDS)})"
        )
    return best


def _cell_problems(table: MappedTable) -> list[Problem]:
    """What the shapes cannot see: an empty required cell (the row yields no record) and a date
    typed as an Excel serial number."""
    found = []
    for number, cells in table.cells.items():
        for column in table.layout.columns:
            value = cells.get(column.name)
            if value is None and column.required:
                found.append(_problem(table, number, column, None, "is empty but required"))
            elif value is not None and column.is_date and _SERIAL.fullmatch(value):
                day = _serial_date(value)
                found.append(
                    _problem(
                        table,
                        number,
                        column,
                        value,
                        f"is an Excel date serial number ({day}?): format the cells as dates "
                        "or type YYYY-MM-DD",
                    )
                )
    return found


def _problem(
    table: MappedTable, row: int, column: Column, value: str | None, message: str
) -> Problem:
    return Problem(table.sheet, row, column.name, table.cell_ref(row, column.name), value, message)


def _serial_date(text: str) -> str:
    try:
        return dt.date.fromordinal(_EXCEL_EPOCH + int(float(text))).isoformat()
    except (ValueError, OverflowError):
        return "no date"


# ---------------------------------------------------------------------------------------------
# Running the mapping
# ---------------------------------------------------------------------------------------------

Function = Callable[..., ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None]


def _run(
    table: MappedTable, functions: dict[ox.NamedNode, Function]
) -> tuple[list[ox.Triple], list[tuple[ox.NamedNode | ox.BlankNode, int]]]:
    rows = ox.Store()
    row_numbers = {}
    quads = []
    for number, cells in table.cells.items():
        row = ox.NamedNode(f"urn:x-cancerkg:row:{number}")
        row_numbers[row] = number
        quads.append(ox.Quad(row, _RDF_TYPE, _ROW_TYPE))
        for name, value in cells.items():
            column = table.layout.column(name)
            for part in _split(value, column.separator):
                quads.append(ox.Quad(row, ox.NamedNode(SHEET + name), ox.Literal(part)))
    rows.extend(quads)
    result = rows.query(table.layout.construct, custom_functions=functions)
    triples: list[ox.Triple] = []
    traced = []
    for triple in result:  # type: ignore[union-attr]
        if triple.predicate == _TRACE and triple.object in row_numbers:
            traced.append((triple.subject, row_numbers[triple.object]))
        else:
            triples.append(triple)
    return triples, traced


def _split(value: str, separator: str | None) -> list[str]:
    if separator is None:
        return [value]
    return [part.strip() for part in value.split(separator) if part.strip()]


def _functions(known: dict[str, ox.NamedNode]) -> dict[ox.NamedNode, Function]:
    """sheet:slug, sheet:entity and sheet:known-ror; `known`: institutions by ROR id."""

    def known_ror(term: ox.Literal) -> ox.NamedNode | None:
        found = _ROR.fullmatch(term.value.strip().lower())
        return known.get(found.group(1)) if found else None

    def entity(term: ox.Literal, kind: ox.Literal) -> ox.NamedNode | None:
        return entity_iri(term.value, kind.value, known)

    def slug_of(term: ox.Literal | ox.NamedNode) -> ox.Literal | None:
        text = slug(term.value)
        return ox.Literal(text) if text else None

    return {
        ox.NamedNode(SHEET + "slug"): slug_of,
        ox.NamedNode(SHEET + "entity"): entity,
        ox.NamedNode(SHEET + "known-ror"): known_ror,
    }


def _known_ror_ids(store: Store, tables: list[MappedTable]) -> dict[str, ox.NamedNode]:
    """The published institutions by the ROR ids the sheet mentions (one query for all)."""
    wanted = {
        match.group(1)
        for table in tables
        for cells in table.cells.values()
        for value in cells.values()
        if (match := _ROR.fullmatch(value.strip().lower()))
    }
    if not wanted:
        return {}
    known: dict[str, ox.NamedNode] = {}
    for row in select(store, internal_query("sheets-ror-ids")):
        institution, ror = row.get("institution"), row.get("ror")
        if (
            isinstance(institution, ox.NamedNode)
            and isinstance(ror, ox.Literal)
            and ror.value in wanted
        ):
            known[ror.value] = institution
    return known


def _ror_ids(triples: list[ox.Triple]) -> dict[str, ox.NamedNode]:
    return {
        t.object.value: t.subject
        for t in triples
        if t.predicate == _ROR_ID
        and isinstance(t.object, ox.Literal)
        and isinstance(t.subject, ox.NamedNode)
    }


def entity_iri(text: str, kind: str, known: dict[str, ox.NamedNode]) -> ox.NamedNode | None:
    """What a reference cell stands for: a ROR id (the published institution that carries it,
    else the ROR IRI itself, which the shapes then report as unknown), an absolute IRI, a
    prefixed name of ours (orgn:x, net:x), or a slug of `kind` (id/{kind}/{slug})."""
    value = text.strip()
    ror = _ROR.fullmatch(value.lower())
    if ror:
        return known.get(ror.group(1), ox.NamedNode(f"https://ror.org/{ror.group(1)}"))
    try:
        if value.startswith(("http://", "https://")):
            return ox.NamedNode(value)
        prefix, colon, local = value.partition(":")
        if colon and prefix in ID_PREFIXES and slug(local):
            return ox.NamedNode(ID_PREFIXES[prefix] + slug(local))
        return ox.NamedNode(f"{ID}{kind}/{slug(value)}") if slug(value) else None
    except ValueError:
        return None


def slug(text: str) -> str:
    """The slug rules of docs/modelling.md: lower-case ASCII a-z0-9 and '-', accents dropped
    (Léon Bérard -> leon-berard)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")

"""The spreadsheet kinds (institutions, memberships, observations): their columns, read from the
CSVW metadata in mappings/{kind}.json, and what the shapes say about each column.

The mapping files say which column feeds which property path (`ckg:paths`); the shapes say which
of those paths are required, which values are allowed (`sh:in`) and what a value must look like.
So a change to a shape changes the template and the checks without touching this code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from cancerkg.build.sources import knowledge_root
from cancerkg.errors import BuildError, InputError
from cancerkg.rdf.iris import ID_PREFIXES, PREFIXES
from cancerkg.validation.engine import load_shapes
from cancerkg.validation.report import show_path

KINDS = ("institutions", "memberships", "observations")
FOLDER = "mappings"
_ALL_PREFIXES = PREFIXES | ID_PREFIXES


@dataclass(frozen=True)
class Column:
    """One column of a sheet, as the mapping file and the shapes describe it."""

    name: str
    titles: tuple[str, ...]
    description: str
    paths: tuple[str, ...]
    separator: str | None = None
    is_date: bool = False
    example: str = ""
    required: bool = False
    recommended: bool = False
    choices: tuple[str, ...] = ()  # from the shapes' sh:in; query choices need a store
    choices_query: str | None = None
    check_choices: bool = False

    def accepts(self, header: str) -> bool:
        return normalise_header(header) in self.titles


@dataclass(frozen=True)
class Layout:
    """A kind of sheet: its columns in template order, its CONSTRUCT mapping, and which column a
    node-level shape (no sh:path) is about."""

    kind: str
    description: str
    target_class: str
    columns: tuple[Column, ...]
    construct: str
    shapes: dict[str, str] = field(default_factory=dict)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def column_for(self, header: str) -> Column | None:
        return next((c for c in self.columns if c.accepts(header)), None)

    def column_of_path(self, path: str | None) -> Column | None:
        return next((c for c in self.columns if path is not None and path in c.paths), None)


def normalise_header(text: str) -> str:
    """'Start date *' -> 'start_date': case, spaces, dashes and the required-marker ignored."""
    cleaned = text.strip().rstrip("*").strip().lower()
    return "_".join(cleaned.replace("-", " ").split())


def layout(kind: str, root: Path | None = None) -> Layout:
    """The layout of `kind`, read once per process."""
    if kind not in KINDS:
        raise InputError(f"unknown spreadsheet kind {kind!r}; use one of: {', '.join(KINDS)}")
    return _layout(kind, root or knowledge_root())


def layouts(root: Path | None = None) -> list[Layout]:
    return [layout(kind, root) for kind in KINDS]


def mapping_text(name: str, root: Path | None = None) -> str:
    """A file of mappings/ (a CONSTRUCT or a choices query)."""
    return _read((root or knowledge_root()) / FOLDER / name)


@cache
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@cache
def _layout(kind: str, root: Path) -> Layout:
    path = root / FOLDER / f"{kind}.json"
    if not path.is_file():
        raise BuildError(
            f"no spreadsheet mapping {path}: the sources folder ({root}) needs a {FOLDER}/ "
            "folder like the one cancerkg ships (CANCERKG_SOURCES)"
        )
    metadata = json.loads(_read(path))
    schema = metadata["tableSchema"]
    facts = _shape_facts(load_shapes(root), _expand(metadata["ckg:targetClass"]))
    columns = tuple(_column(spec, facts) for spec in schema["columns"])
    return Layout(
        kind=kind,
        description=metadata.get("dc:description", ""),
        target_class=metadata["ckg:targetClass"],
        columns=columns,
        construct=_read(root / FOLDER / metadata["ckg:construct"]),
        shapes=dict(schema.get("ckg:shapes", {})),
    )


def _column(spec: dict[str, Any], facts: dict[str, _PathFacts]) -> Column:
    """A column of the CSVW metadata (name, titles, separator, dc:description) with the
    cancerkg annotations: ckg:paths, ckg:date, ckg:example, ckg:choices(Query)."""
    name = str(spec["name"])
    titles = [name, *spec.get("titles", [])]
    paths = tuple(str(p) for p in spec.get("ckg:paths", []))
    found = [facts[p] for p in paths if p in facts]
    choices: tuple[str, ...] = ()
    if spec.get("ckg:choices") == "sh:in":
        choices = next((f.allowed for f in found if f.allowed), ())
    return Column(
        name=name,
        titles=tuple(normalise_header(str(t)) for t in titles),
        description=str(spec.get("dc:description", "")),
        paths=paths,
        separator=spec.get("separator"),
        is_date=bool(spec.get("ckg:date", False)),
        example=str(spec.get("ckg:example", "")),
        required=any(f.required for f in found),
        recommended=any(f.recommended for f in found),
        choices=choices,
        choices_query=spec.get("ckg:choicesQuery"),
        check_choices=bool(spec.get("ckg:checkChoices", False)),
    )


@dataclass
class _PathFacts:
    required: bool = False
    recommended: bool = False
    allowed: tuple[str, ...] = ()


def _shape_facts(shapes: Graph, target: str) -> dict[str, _PathFacts]:
    """For each property path of the node shapes targeting `target`: is a value required
    (sh:minCount or sh:qualifiedMinCount >= 1 as a Violation), recommended (the same as a
    Warning), and which values are allowed (sh:in, shown as the local names people type)."""
    facts: dict[str, _PathFacts] = {}
    for node_shape in shapes.subjects(SH.targetClass, URIRef(target)):
        for prop in shapes.objects(node_shape, SH.property):
            path = show_path(shapes, shapes.value(prop, SH.path))
            if path is None:
                continue
            found = facts.setdefault(path, _PathFacts())
            least = shapes.value(prop, SH.minCount) or shapes.value(prop, SH.qualifiedMinCount)
            if isinstance(least, Literal) and int(least) >= 1:
                severity = shapes.value(prop, SH.severity)
                if severity in (None, SH.Violation):
                    found.required = True
                elif severity == SH.Warning:
                    found.recommended = True
            values = shapes.value(prop, getattr(SH, "in"))
            if values is not None:
                found.allowed = tuple(_local(v) for v in Collection(shapes, values))
    return facts


def _local(term: Node) -> str:
    """A role IRI as people type it (full-member); a literal as it is."""
    text = str(term)
    return text.rsplit("/", 1)[-1] if isinstance(term, URIRef) else text


def _expand(name: str) -> str:
    prefix, _, local = name.partition(":")
    return _ALL_PREFIXES[prefix] + local

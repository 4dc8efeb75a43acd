"""The catalogue of named queries: each queries/NAME.rq file with its `#+` header parsed into a
title, a description, the user question it answers and its typed parameters.

The header format (documented in queries/README.md) is grlc-like comment lines, so the files stay
plain SPARQL that any tool can run; the parser is strict, because a typo in a header would
otherwise silently drop a parameter and its safety checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cancerkg.build.sources import query_folder
from cancerkg.errors import InputError, UnknownQueryError
from cancerkg.rdf.iris import QUERIES

PARAM_TYPES = ("iri", "string", "search", "language", "date", "integer", "boolean", "country")
# Kinds of thing whose slug may stand for the full IRI
# (docs/architecture.md, Contracts: `id/{kind}/{slug}`).
ENTITY_KINDS = (
    "network",
    "organisation",
    "project",
    "initiative",
    "domain",
    "work-package",
    "task-force",
    "scheme",
    "funding-programme",
    "grant",
    "membership",
    "role",
)
_HEADER = re.compile(r"^#\+\s*(?P<key>[a-z]+)\s*:\s*(?P<value>.*?)\s*$")
# A binding block: `VALUES ?a { UNDEF }` or `VALUES (?a ?b) { (UNDEF UNDEF) }`. The binder fills
# the UNDEFs with RDF terms; run as-is the query means "no parameter given".
BINDING_BLOCK = re.compile(
    r"VALUES\s*(?:\((?P<vars>(?:\s*\?\w+)+)\s*\)|(?P<var>\?\w+))\s*"
    r"\{\s*(?:\((?:\s*UNDEF)+\s*\)|UNDEF)\s*\}"
)


@dataclass(frozen=True)
class Parameter:
    """One typed parameter of a named query."""

    name: str
    type: str
    kinds: tuple[str, ...] = ()
    required: bool = False
    default: str | None = None
    example: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    description: str = ""

    @property
    def type_label(self) -> str:
        return f"{self.type}:{','.join(self.kinds)}" if self.kinds else self.type


@dataclass(frozen=True)
class NamedQuery:
    """A query of the library with what a user needs to call it."""

    name: str
    title: str
    description: str
    question: str
    parameters: tuple[Parameter, ...]
    text: str
    # `#+ narrow: VAR by PARAM`: where the store has a full-text index, ?VAR is bound to the
    # entities whose search key contains the search text PARAM (a superset of what the query's
    # own test keeps), so the query reads a few keys instead of all of them.
    narrow: tuple[str, str] | None = None

    @property
    def iri(self) -> str:
        return QUERIES + self.name

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def example_arguments(self) -> dict[str, str]:
        """The example value of every parameter that has one: a call that returns rows."""
        return {p.name: p.example for p in self.parameters if p.example is not None}


def parse_named_query(name: str, text: str) -> NamedQuery:
    """Read the `#+` header of a query file; a malformed header is an InputError naming the line."""
    fields: dict[str, list[str]] = {}
    parameters: list[Parameter] = []
    narrow: tuple[str, str] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#+"):
            continue
        match = _HEADER.match(line)
        if not match:
            raise InputError(f"{name}.rq:{number}: header lines read '#+ key: value'")
        key, value = match["key"], match["value"]
        if key == "param":
            parameters.append(_parse_parameter(f"{name}.rq:{number}", value))
        elif key in ("title", "description", "question"):
            fields.setdefault(key, []).append(value)
        elif key == "narrow":
            narrow = _parse_narrow(f"{name}.rq:{number}", value)
        else:
            raise InputError(f"{name}.rq:{number}: unknown header key {key!r}")
    for required in ("title", "description", "question"):
        if required not in fields:
            raise InputError(f"{name}.rq: the header has no '#+ {required}:' line")
    _check_blocks(name, text, parameters, narrow)
    return NamedQuery(
        name=name,
        title=" ".join(fields["title"]),
        description=" ".join(fields["description"]),
        question=" ".join(fields["question"]),
        parameters=tuple(parameters),
        text=text,
        narrow=narrow,
    )


def _parse_narrow(where: str, value: str) -> tuple[str, str]:
    """`VAR by PARAM`."""
    match = re.fullmatch(r"([a-z][a-zA-Z0-9_]*) by ([a-z][a-z0-9_]*)", value.strip())
    if match is None:
        raise InputError(f"{where}: narrow reads 'VARIABLE by SEARCH_PARAMETER'")
    return match[1], match[2]


def _parse_parameter(where: str, value: str) -> Parameter:
    """`NAME TYPE[:kind,kind] [required] [default=V] [example=V] [min=N] [max=N] | description`."""
    spec, _, description = value.partition("|")
    tokens = spec.split()
    if len(tokens) < 2 or not re.fullmatch(r"[a-z][a-z0-9_]*", tokens[0]):
        raise InputError(f"{where}: a parameter reads 'NAME TYPE [options] | description'")
    name, type_spec = tokens[0], tokens[1]
    type_name, _, kind_list = type_spec.partition(":")
    kinds = tuple(k for k in kind_list.split(",") if k)
    if type_name not in PARAM_TYPES:
        raise InputError(
            f"{where}: unknown parameter type {type_name!r}; use one of " + ", ".join(PARAM_TYPES)
        )
    unknown_kinds = [k for k in kinds if k not in ENTITY_KINDS]
    if unknown_kinds or (kinds and type_name != "iri"):
        raise InputError(
            f"{where}: kinds ({kind_list}) only for iri, from: " + ", ".join(ENTITY_KINDS)
        )
    options: dict[str, str] = {}
    required = False
    for token in tokens[2:]:
        key, sep, option = token.partition("=")
        if not sep and key == "required":
            required = True
        elif sep and key in ("default", "example", "min", "max"):
            options[key] = option
        else:
            raise InputError(f"{where}: unknown parameter option {token!r}")
    return Parameter(
        name=name,
        type=type_name,
        kinds=kinds,
        required=required,
        default=options.get("default"),
        example=options.get("example"),
        minimum=int(options["min"]) if "min" in options else None,
        maximum=int(options["max"]) if "max" in options else None,
        description=description.strip(),
    )


def block_variables(match: re.Match[str]) -> list[str]:
    """The variable names of one binding block, in order."""
    names = match["vars"] if match["vars"] is not None else match["var"]
    return [v.lstrip("?") for v in names.split()]


def _check_blocks(
    name: str, text: str, parameters: list[Parameter], narrow: tuple[str, str] | None
) -> None:
    """Every parameter is bound by some block and every block variable is a parameter (or the
    variable a search narrows, which must be a search parameter's)."""
    declared = {p.name for p in parameters}
    in_blocks = {v for m in BINDING_BLOCK.finditer(text) for v in block_variables(m)}
    if narrow is not None:
        variable, by = narrow
        if not any(p.name == by and p.type == "search" for p in parameters):
            raise InputError(f"{name}.rq: narrow by {by!r}, which is no search parameter")
        if variable not in in_blocks:
            raise InputError(f"{name}.rq: narrow {variable!r} has no VALUES ?{variable} block")
        in_blocks.discard(variable)
    if declared - in_blocks:
        raise InputError(
            f"{name}.rq: parameters without a VALUES (...) {{ (UNDEF ...) }} block: "
            + ", ".join(sorted(declared - in_blocks))
        )
    if in_blocks - declared:
        raise InputError(
            f"{name}.rq: binding-block variables not declared as '#+ param:': "
            + ", ".join(sorted(in_blocks - declared))
        )


@cache
def _catalogue(folder: Path, stamp: tuple[tuple[str, float], ...]) -> dict[str, NamedQuery]:
    del stamp  # part of the cache key only: an edited file is read again
    return {
        path.stem: parse_named_query(path.stem, path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.rq"))
    }


def catalogue(folder: Path | None = None) -> dict[str, NamedQuery]:
    """Every named query of the library by name, parsed once per version of the files."""
    folder = (folder or query_folder()).resolve()
    stamp = tuple((p.name, p.stat().st_mtime) for p in sorted(folder.glob("*.rq")))
    return _catalogue(folder, stamp)


def named_query(name: str, folder: Path | None = None) -> NamedQuery:
    """One named query; an unknown name is an error that lists the known ones."""
    queries = catalogue(folder)
    if name not in queries:
        names = ", ".join(queries) or "(none yet)"
        raise UnknownQueryError(f"no named query {name!r}; available: {names}")
    return queries[name]

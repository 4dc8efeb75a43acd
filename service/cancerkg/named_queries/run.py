"""Find a query by name (queries/NAME.rq) or path (FILE.rq), bind its parameters and run it.

Every shell (CLI, REST API, benchmark) calls `run_query`, so a parameter is checked and bound the
same way wherever it comes from.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from cancerkg.build.sources import query_folder
from cancerkg.errors import InputError, ParameterError
from cancerkg.named_queries.binding import bind_arguments
from cancerkg.named_queries.catalog import NamedQuery, catalogue, named_query, parse_named_query
from cancerkg.rdf.terms import QueryResult
from cancerkg.store.protocol import Rows, Store, select


def available_queries(folder: Path | None = None) -> list[str]:
    """Names of the queries in the library, sorted."""
    return sorted(p.stem for p in (folder or query_folder()).glob("*.rq"))


def load_query_text(name_or_path: str, folder: Path | None = None) -> str:
    """The text of a named query, or of a .rq file when a path is given."""
    if _is_file(name_or_path):
        return _read_file(Path(name_or_path))
    return named_query(name_or_path, folder).text


def resolve_query(name_or_path: str, folder: Path | None = None) -> NamedQuery:
    """A named query, or a .rq file read with the same header rules (a header is optional)."""
    if _is_file(name_or_path):
        path = Path(name_or_path)
        text = _read_file(path)
        if "#+" not in text:
            return NamedQuery(path.stem, path.stem, "", "", (), text)
        return parse_named_query(path.stem, text)
    return named_query(name_or_path, folder)


def run_query(
    store: Store, name_or_path: str, arguments: Mapping[str, str] | None = None
) -> QueryResult:
    """Run a named query (or .rq file) with its parameters bound as typed RDF terms."""
    return store.query(bound_query(store, name_or_path, arguments))


def select_named(
    store: Store, name_or_path: str, arguments: Mapping[str, str] | None = None
) -> Rows:
    """Run a named SELECT query with its parameters bound; its rows, read whole."""
    return select(store, bound_query(store, name_or_path, arguments))


def bound_query(store: Store, name_or_path: str, arguments: Mapping[str, str] | None = None) -> str:
    """The text of a named query (or .rq file) with its parameters bound as typed RDF terms:
    what the service hands to a query worker, which evaluates it within the time limit."""
    return bind_arguments(resolve_query(name_or_path), arguments or {}, store)


def parse_assignments(pairs: list[str]) -> dict[str, str]:
    """`name=value` strings (the CLI's --param) as a mapping; a repeated name is an error."""
    arguments: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ParameterError(f"--param {pair!r}: write name=value")
        if name in arguments:
            raise ParameterError(f"--param {name} given twice")
        arguments[name] = value
    return arguments


def query_titles(folder: Path | None = None) -> list[tuple[str, str]]:
    """(name, title) of every named query, for listings."""
    return [(name, query.title) for name, query in catalogue(folder).items()]


def _is_file(name_or_path: str) -> bool:
    path = Path(name_or_path)
    return path.suffix == ".rq" or path.exists()


def _read_file(path: Path) -> str:
    if not path.is_file():
        raise InputError(f"{path}: no such query file")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read the query file ({error})") from None

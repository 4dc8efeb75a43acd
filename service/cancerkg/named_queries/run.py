"""Run a named query (queries/NAME.rq, by name) or a query file (FILE.rq, CLI only) with its
parameters bound.

Every shell (CLI, REST API, benchmark) calls `run_query`, so a parameter is checked and bound the
same way wherever it comes from.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from cancerkg.errors import InputError, ParameterError
from cancerkg.named_queries.binding import bind_arguments
from cancerkg.named_queries.catalog import NamedQuery, catalogue, named_query, parse_named_query
from cancerkg.named_queries.paging import Page, page_query
from cancerkg.rdf.terms import QueryResult
from cancerkg.store.protocol import Rows, Store, select


def query_file(path: Path) -> NamedQuery:
    """A .rq file read with the named queries' header rules (a header is optional).

    Only the CLI reads files: the web reaches queries by name through the catalogue, so no
    request can make the service open a path.
    """
    if not path.is_file():
        raise InputError(f"{path}: no such query file (or not a regular file)")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read the query file ({error})") from None
    if "#+" not in text:
        return NamedQuery(path.stem, path.stem, "", "", (), text)
    return parse_named_query(path.stem, text)


def run_query(
    store: Store,
    query: str | NamedQuery,
    arguments: Mapping[str, str] | None = None,
    page: Page | None = None,
) -> QueryResult:
    """Run a named query (by name, or one read by `query_file`) with its parameters bound as
    typed RDF terms, the whole answer or one page of it."""
    return store.query(bound_query(store, query, arguments, page))


def select_named(
    store: Store, query: str | NamedQuery, arguments: Mapping[str, str] | None = None
) -> Rows:
    """Run a named SELECT query with its parameters bound; its rows, read whole."""
    return select(store, bound_query(store, query, arguments))


def bound_query(
    store: Store,
    query: str | NamedQuery,
    arguments: Mapping[str, str] | None = None,
    page: Page | None = None,
) -> str:
    """The text of a named query (a name in the catalogue, or a NamedQuery) with its parameters
    bound as typed RDF terms, cut to `page` if one is asked: what the service hands to a query
    worker."""
    named = named_query(query) if isinstance(query, str) else query
    text = bind_arguments(named, arguments or {}, store)
    return page_query(text, page) if page is not None else text


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

"""A named query asked over HTTP, answered whole by a query worker: its parameters bound, the
query run, and the answer rendered in the shape the client asked for.

Everything happens in the worker, so the server process only moves bytes: binding may itself
query the store (an entity that must exist, label-search's index candidates), and the API's JSON
shape is written straight from the solutions instead of through SPARQL JSON read back. The job is
a plain value, so the release's result cache (endpoint/cache.py) keeps the rendered answer: a
named query asked again is bytes from memory. Measured in bench/RESULTS.md.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from cancerkg.endpoint.jobs import Advice
from cancerkg.endpoint.protocol import QueryAnswer, QueryJob, execute
from cancerkg.named_queries.catalog import named_query
from cancerkg.named_queries.paging import Page
from cancerkg.named_queries.run import bound_query
from cancerkg.rdf.formats import API_JSON, RESULT_FORMATS, by_name
from cancerkg.store.protocol import Store

# Not the runner's advice for hand-written SPARQL (add LIMIT): a named query's text is fixed.
NARROW = "narrow its parameters (a shorter period, one network or one country)"
API = "api"  # the format of /api/queries' own JSON document


@dataclass(frozen=True)
class NamedQueryJob:
    """A named query with its arguments, in `format`: API (the /api/queries JSON document) or a
    SPARQL results format by name (json, csv, tsv)."""

    name: str
    arguments: tuple[tuple[str, str], ...]
    format: str = API
    page: Page | None = None
    max_rows: int = 10_000
    next_url: str | None = None  # the following page's URL, given when this page comes out full
    timeout: float | None = None  # None: the service's query time limit

    @property
    def advice(self) -> Advice:
        return (f"the named query {self.name}", NARROW)

    def compute(self, store: Store) -> QueryAnswer:
        query = named_query(self.name)
        text = bound_query(store, query, dict(self.arguments), self.page)
        if self.format != API:
            accept = by_name(self.format, RESULT_FORMATS).media_type
            return execute(store, QueryJob(text, accept=accept, max_rows=self.max_rows))
        return self._document(query.title, store.query(text))

    def _document(self, title: str, result: Any) -> QueryAnswer:
        """The API's JSON: query, title, parameters, columns, rows of plain JSON values."""
        if isinstance(result, ox.QueryBoolean):  # an ASK: one row, one column
            columns, rows, truncated = ["answer"], [{"answer": bool(result)}], False
        else:
            columns = [v.value for v in result.variables]
            solutions = list(itertools.islice(result, self.max_rows + 1))
            truncated = len(solutions) > self.max_rows
            rows = [{c: json_value(s[c]) for c in columns} for s in solutions[: self.max_rows]]
        full = self.page is not None and len(rows) >= self.page.limit
        document = {
            "query": self.name,
            "title": title,
            "parameters": dict(self.arguments),
            "columns": columns,
            "rows": rows,
            "truncated": truncated and self.page is None,
            **(
                {
                    "limit": self.page.limit,
                    "offset": self.page.offset,
                    "next": self.next_url if full else None,
                }
                if self.page
                else {}
            ),
        }
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
        return QueryAnswer(body, API_JSON.media_type, truncated, len(rows))


def json_value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> Any:
    """Plain JSON: IRIs and strings as text, numbers and booleans as JSON numbers/booleans."""
    if term is None or isinstance(term, ox.Triple):
        return None
    if isinstance(term, ox.Literal):
        kind = term.datatype.value.rsplit("#", 1)[-1]
        if kind == "integer":
            return int(term.value)
        if kind == "boolean":
            return term.value in ("true", "1")  # both lexical forms of xsd:boolean true
    return term.value

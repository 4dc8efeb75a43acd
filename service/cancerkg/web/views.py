"""HTML views of the graph's documents that more than one router serves: an entity's page, the
ontology, a whole RDF document, the dataset, a named query's page with its results."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from cancerkg.errors import CancerKGError
from cancerkg.graph import coverage, describe
from cancerkg.graph.completeness import completeness
from cancerkg.internal_queries import internal_query
from cancerkg.named_queries.catalog import NamedQuery
from cancerkg.rdf.iris import DATASET, ONTOLOGY_IRI
from cancerkg.rdf.results import serialize
from cancerkg.rdf.terms import term_text
from cancerkg.store.protocol import Rows, Store, select
from cancerkg.web.named import run_named, solutions
from cancerkg.web.render import (
    alternates,
    render,
    script_json,
)

MAX_TABLE_ROWS = 1000


def entity_page(request: Request, store: Store, iri: str) -> HTMLResponse:
    """The page of one resource: facts, memberships, relations, provenance, map, JSON-LD."""
    view = describe.resource_view(store, iri)
    coverage_svg = None
    if coverage.applies(store, iri):
        counts = coverage.member_counts(store, iri)
        svg = coverage.render_svg(counts, title=f"Current members of {view.label} per country")
        coverage_svg = Markup(svg)  # noqa: S704 - ElementTree escaped every text in the SVG
    figures = completeness(store, iri)
    return render(
        request,
        "entity.html",
        view=view,
        coverage=coverage_svg,
        completeness=figures[0] if figures else None,
        json_ld=script_json(serialize(describe.schema_org(store, iri), "json-ld")),
        alternates=alternates(iri),
    )


def ontology_page(request: Request, store: Store) -> HTMLResponse:
    result = select(store, internal_query("page-ontology"))
    terms: dict[str, list[dict[str, str]]] = {}
    for row in result:
        kind = row["kind"].value if row["kind"] is not None else ""
        terms.setdefault(kind, []).append(
            {
                name: term_text(row[name])
                for name in ("term", "label", "definition", "parents", "domain", "range")
            }
        )
    header = describe.resource_view(store, ONTOLOGY_IRI)
    return render(
        request, "ontology.html", terms=terms, header=header, alternates=alternates(ONTOLOGY_IRI)
    )


def triples_page(request: Request, iri: str, title: str, triples: list[ox.Triple]) -> HTMLResponse:
    """A whole RDF document as a readable page (shapes, dataset description)."""
    turtle = serialize(triples, "turtle").decode("utf-8")
    return render(
        request, "document.html", title=title, iri=iri, turtle=turtle, alternates=alternates(iri)
    )


def dataset_page(request: Request, store: Store, triples: list[ox.Triple]) -> HTMLResponse:
    turtle = serialize(triples, "turtle").decode("utf-8")
    return render(request, "dataset.html", turtle=turtle, alternates=alternates(DATASET))


@dataclass(frozen=True)
class QueryRun:
    """What a query page shows below its form: the results, or why there are none."""

    table: Table | None = None
    error: str | None = None


async def run_for_page(request: Request, query: NamedQuery) -> QueryRun:
    """With ?run=1, the named query's results for its page (errors shown on the page)."""
    if not request.query_params.get("run"):
        return QueryRun()
    try:
        answer = await run_named(request, query, form_arguments(request, query))
    except CancerKGError as failure:
        return QueryRun(error=failure.message)
    return QueryRun(results_table(solutions(answer), truncated=answer.truncated))


def query_page(request: Request, query: NamedQuery, run: QueryRun) -> HTMLResponse:
    """A named query's form, and the results of `run_for_page` when it was run."""
    arguments = form_arguments(request, query)
    csv_link = f"/queries/{query.name}/results.csv?" + "&".join(
        f"{quote(k)}={quote(v)}" for k, v in arguments.items()
    )
    return render(
        request,
        "query.html",
        query=query,
        arguments=arguments,
        table=run.table,
        error=run.error,
        csv_link=csv_link,
        alternates=alternates(query.iri),
    )


def form_arguments(request: Request, query: NamedQuery) -> dict[str, str]:
    """The query's parameters filled in on the form (empty fields left out)."""
    return {
        p.name: request.query_params[p.name]
        for p in query.parameters
        if request.query_params.get(p.name)
    }


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[ox.NamedNode | ox.BlankNode | ox.Literal | None]]
    truncated: bool

    def shown(self) -> list[tuple[int, int | None]]:
        """The columns a page shows, each with the index of its `<name>Label` companion, whose
        text then names the IRI (the companion is not shown twice; the CSV keeps both)."""
        index = {name: i for i, name in enumerate(self.columns)}
        return [
            (i, index.get(name + "Label"))
            for i, name in enumerate(self.columns)
            if not (name.endswith("Label") and name[: -len("Label")] in index)
        ]


def results_table(result: Rows | bool, *, truncated: bool = False) -> Table:
    """Rows for an HTML table, at most MAX_TABLE_ROWS; `truncated` if the runner's cap cut
    the answer already."""
    if isinstance(result, bool):
        return Table(["answer"], [[ox.Literal(str(result).lower())]], False)
    columns = list(result.variables)
    rows = [[row[c] for c in columns] for row in result.rows[:MAX_TABLE_ROWS]]
    return Table(columns, rows, truncated or len(result) > MAX_TABLE_ROWS)

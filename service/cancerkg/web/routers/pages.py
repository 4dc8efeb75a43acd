"""Server-rendered pages for people: home, browse, entity pages with the coverage map, the
ontology documentation, the named-query gallery, the SPARQL editor and the validation form.

Templates are files in web/templates/ rendered by Jinja2 with autoescaping on, so every label
and literal reaches the browser as text; assets come from web/static/ (no CDN).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import pyoxigraph as ox
from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from cancerkg import __version__
from cancerkg.errors import CancerKGError
from cancerkg.graph import coverage, describe
from cancerkg.graph.describe import Link, is_canonical
from cancerkg.graph.stats import compute_stats
from cancerkg.internal_queries import internal_query
from cancerkg.named_queries.catalog import NamedQuery, catalogue, named_query
from cancerkg.rdf.iris import BASE, DATASET, ONTOLOGY_IRI
from cancerkg.rdf.results import compact, serialize
from cancerkg.rdf.terms import term_text
from cancerkg.store.protocol import Rows, Store, select
from cancerkg.web.caching import Validators, current_release
from cancerkg.web.deps import get_store
from cancerkg.web.named import run_named, solutions
from cancerkg.web.routers.sparql import truncation_headers

router = APIRouter(tags=["pages"], include_in_schema=False)
StoreDep = Annotated[Store, Depends(get_store)]
STATIC = Path(__file__).parents[1] / "static"
YASGUI_FILES = ("yasgui/yasgui.min.js", "yasgui/yasgui.min.css")
MAX_UPLOAD = 5 * 1024 * 1024
MAX_TABLE_ROWS = 1000

templates = Environment(
    loader=PackageLoader("cancerkg", "web/templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def href(term: Link | ox.NamedNode | str) -> str:
    """Where a link goes: the local page for our own IRIs, /resource for other IRIs the graph
    describes (countries, roles), else the IRI itself."""
    described = isinstance(term, Link) and term.described
    if isinstance(term, Link):
        iri = term.term.value
    elif isinstance(term, ox.NamedNode):
        iri = term.value
    else:
        iri = term
    if is_canonical(iri):
        return "/" + iri[len(BASE) :]
    if described:
        return "/resource?iri=" + quote(iri, safe="")
    return iri


templates.filters["href"] = href
templates.filters["compact"] = lambda term: compact(term) if term is not None else ""
templates.filters["compact_iri"] = lambda iri: compact(ox.NamedNode(iri)) if iri else ""
templates.globals["version"] = __version__


def base_url(request: Request) -> str:
    """The address the canonical base maps to: --base-url, else the one the request used."""
    configured: str | None = request.app.state.settings.base_url
    return configured or str(request.base_url)


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    release = current_release(request)
    html = templates.get_template(name).render(
        request=request, release=release, base=base_url(request), **context
    )
    return HTMLResponse(html, status_code=status_code)


def error_page(request: Request, status_code: int, title: str, message: str) -> HTMLResponse:
    return render(request, "error.html", status_code, title=title, message=message)


@dataclass(frozen=True)
class CountRow:
    iri: str
    label: str
    count: int


@router.get("/")
def home(request: Request, store: StoreDep) -> Response:
    validators = Validators.of(request)
    if (cached := validators.not_modified(request)) is not None:
        return cached
    counts = _class_counts(store)
    triples = compute_stats(store).triples
    queries = _gallery_entries()
    return validators.apply(
        render(
            request,
            "home.html",
            counts=counts,
            triples=triples,
            queries=queries[:6],
            query_count=len(queries),
        )
    )


@router.get("/browse")
def browse(
    request: Request,
    store: StoreDep,
    class_iri: Annotated[str | None, Query(alias="class")] = None,
) -> Response:
    validators = Validators.of(request)
    if (cached := validators.not_modified(request)) is not None:
        return cached
    counts = _class_counts(store)
    entities: list[Link] = []
    title = "Browse"
    if class_iri:
        title = describe.label_of(store, class_iri)
        result = select(
            store, internal_query("page-browse"), substitutions={"class": ox.NamedNode(class_iri)}
        )
        for row in result:
            entity, label = row["entity"], row["label"]
            if entity is not None:
                text = label.value if label is not None else describe.local_name(entity.value)
                entities.append(Link(entity, text, True))
    return validators.apply(
        render(
            request,
            "browse.html",
            counts=counts,
            entities=entities,
            title=title,
            selected=class_iri,
        )
    )


def entity_page(request: Request, store: Store, iri: str) -> HTMLResponse:
    """The page of one resource: facts, memberships, relations, provenance, map, JSON-LD."""
    view = describe.resource_view(store, iri)
    coverage_svg = None
    if coverage.applies(store, iri):
        counts = coverage.member_counts(store, iri)
        svg = coverage.render_svg(counts, title=f"Current members of {view.label} per country")
        coverage_svg = Markup(svg)  # noqa: S704 - ElementTree escaped every text in the SVG
    return render(
        request,
        "entity.html",
        view=view,
        coverage=coverage_svg,
        json_ld=script_json(serialize(describe.schema_org(store, iri), "json-ld")),
        alternates=_alternates(iri),
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
        request, "ontology.html", terms=terms, header=header, alternates=_alternates(ONTOLOGY_IRI)
    )


def triples_page(request: Request, iri: str, title: str, triples: list[ox.Triple]) -> HTMLResponse:
    """A whole RDF document as a readable page (shapes, dataset description)."""
    turtle = serialize(triples, "turtle").decode("utf-8")
    return render(
        request, "document.html", title=title, iri=iri, turtle=turtle, alternates=_alternates(iri)
    )


def dataset_page(request: Request, store: Store, triples: list[ox.Triple]) -> HTMLResponse:
    turtle = serialize(triples, "turtle").decode("utf-8")
    return render(request, "dataset.html", turtle=turtle, alternates=_alternates(DATASET))


@router.get("/queries")
def gallery(request: Request) -> Response:
    validators = Validators.of(request)
    if (cached := validators.not_modified(request)) is not None:
        return cached
    return validators.apply(render(request, "gallery.html", queries=_gallery_entries()))


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
        answer = await run_named(request, query.name, _arguments(request, query))
    except CancerKGError as failure:
        return QueryRun(error=failure.message)
    return QueryRun(_table(solutions(answer), truncated=answer.truncated))


def query_page(request: Request, query: NamedQuery, run: QueryRun) -> HTMLResponse:
    """A named query's form, and the results of `run_for_page` when it was run."""
    arguments = _arguments(request, query)
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
        alternates=_alternates(query.iri),
    )


@router.get("/queries/{name}/results.csv")
async def query_csv(name: str, request: Request) -> Response:
    query = named_query(name)
    answer = await run_named(request, name, _arguments(request, query), "csv")
    headers = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
    headers |= truncation_headers(answer, request.app.state.settings.max_rows)
    return Response(answer.body, media_type="text/csv; charset=utf-8", headers=headers)


def _arguments(request: Request, query: NamedQuery) -> dict[str, str]:
    """The query's parameters filled in on the form (empty fields left out)."""
    return {
        p.name: request.query_params[p.name]
        for p in query.parameters
        if request.query_params.get(p.name)
    }


@router.get("/editor")
def editor(request: Request) -> Response:
    installed = all((STATIC / f).is_file() for f in YASGUI_FILES)
    examples = [{"name": q.name, "title": q.title, "query": q.text} for q in catalogue().values()]
    return render(
        request,
        "editor.html",
        installed=installed,
        examples=script_json(json.dumps(examples).encode("utf-8")),
    )


@router.get("/validation")
def validation_form(request: Request) -> Response:
    return render(request, "validation.html", report=None, error=None, text="")


@router.post("/validation")
async def validation_submit(
    request: Request,
    store: StoreDep,
    text: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
    fmt: Annotated[str, Form(alias="format")] = "auto",
) -> Response:
    """Validate a pasted or uploaded submission and show the report grouped by focus node."""
    from cancerkg.validation.engine import validate_submission
    from cancerkg.validation.submission import format_for_name, parse_submission

    data, name, path = text.encode("utf-8"), "pasted text", None
    if file is not None and file.filename:
        data, name, path = await file.read(MAX_UPLOAD + 1), file.filename, Path(file.filename)
        if len(data) > MAX_UPLOAD:
            return error_page(request, 413, "Too large", "submissions are limited to 5 MiB")
    try:
        chosen = format_for_name("turtle" if fmt == "auto" and path is None else fmt, path)
        report = validate_submission(parse_submission(data, chosen, name=name), store)
    except CancerKGError as failure:
        return render(
            request,
            "validation.html",
            status_code=failure.http_status,
            report=None,
            error=failure.message,
            text=text,
        )
    return render(request, "validation.html", report=report, error=None, text=text)


def script_json(data: bytes) -> Markup:
    """JSON safe inside a <script> element: '<', '>' and '&' escaped so no string can close it."""
    text = data.decode("utf-8")
    for raw, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(raw, escaped)
    return Markup(text)  # noqa: S704 - escaped just above


def _alternates(iri: str) -> list[tuple[str, str]]:
    path = href(iri)
    return [
        ("Turtle", path + ".ttl"),
        ("JSON-LD", path + ".jsonld"),
        ("N-Triples", path + ".nt"),
        ("RDF/XML", path + ".rdf"),
    ]


def _class_counts(store: Store) -> list[CountRow]:
    result = select(store, internal_query("page-home"))
    rows = []
    for row in result:
        cls, label, count = row["class"], row["label"], row["instances"]
        assert cls is not None and count is not None
        rows.append(
            CountRow(
                cls.value,
                label.value if label is not None else describe.local_name(cls.value),
                int(count.value),
            )
        )
    return rows


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[ox.NamedNode | ox.BlankNode | ox.Literal | None]]
    truncated: bool


def _table(result: Rows | bool, *, truncated: bool = False) -> Table:
    """Rows for an HTML table, at most MAX_TABLE_ROWS; `truncated` if the runner's cap cut
    the answer already."""
    if isinstance(result, bool):
        return Table(["answer"], [[ox.Literal(str(result).lower())]], False)
    columns = list(result.variables)
    rows = [[row[c] for c in columns] for row in result.rows[:MAX_TABLE_ROWS]]
    return Table(columns, rows, truncated or len(result) > MAX_TABLE_ROWS)


def _gallery_entries() -> list[NamedQuery]:
    return sorted(catalogue().values(), key=lambda q: q.title.lower())

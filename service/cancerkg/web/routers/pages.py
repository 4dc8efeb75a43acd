"""Server-rendered pages for people: home, browse, entity pages with the coverage map, the
ontology documentation, the named-query gallery, the SPARQL editor and the validation form.

Templates are files in web/templates/ rendered by Jinja2 with autoescaping on, so every label
and literal reaches the browser as text; assets come from web/static/ (no CDN).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Annotated

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Query, Request, Response

from cancerkg.errors import CancerKGError, InputError
from cancerkg.graph import describe, vocabulary
from cancerkg.graph.completeness import completeness
from cancerkg.graph.coverage import render_svg
from cancerkg.graph.describe import Link
from cancerkg.graph.stats import compute_stats
from cancerkg.internal_queries import internal_query
from cancerkg.named_queries.catalog import NamedQuery, catalogue, named_query
from cancerkg.rdf.iris import COUNTRY, checked_iri
from cancerkg.sheets.workbook import is_spreadsheet
from cancerkg.store.protocol import Store, select
from cancerkg.validation.submission import parse_submission
from cancerkg.web.bodies import read_form
from cancerkg.web.browser_assets import FALLBACKS, FETCH_COMMAND, pins
from cancerkg.web.caching import conditional
from cancerkg.web.deps import get_store
from cancerkg.web.headers import truncation_headers
from cancerkg.web.named import run_named
from cancerkg.web.render import render, script_json
from cancerkg.web.search import search
from cancerkg.web.validating import form_document, validate_in_worker, validate_sheet_in_worker
from cancerkg.web.views import form_arguments

router = APIRouter(tags=["pages"], include_in_schema=False)
SEARCH_PAGE_LIMIT = 50


StoreDep = Annotated[Store, Depends(get_store)]


MAP_COUNT = re.compile(r"([A-Z]{3}):(\d{1,9})")


@dataclass(frozen=True)
class CountRow:
    iri: str
    label: str
    count: int


@router.get("/")
def home(request: Request, store: StoreDep) -> Response:
    return conditional(request, lambda: _home_page(request, store))


def _home_page(request: Request, store: StoreDep) -> Response:
    counts = _class_counts(store)
    stats = compute_stats(store)
    queries = _gallery_entries()
    return render(
        request,
        "home.html",
        counts=counts,
        triples=stats.triples,
        stats=stats,
        queries=queries[:6],
        query_count=len(queries),
    )


@router.get("/search")
async def search_page(request: Request, q: str = "") -> Response:
    """Results of the search box."""
    text = q.strip()[:200]
    results = await search(request, text, limit=SEARCH_PAGE_LIMIT) if text else []
    return render(
        request, "search.html", search_text=text, results=results, limit=SEARCH_PAGE_LIMIT
    )


@router.get("/browse")
def browse(
    request: Request,
    store: StoreDep,
    class_iri: Annotated[str | None, Query(alias="class")] = None,
) -> Response:
    if class_iri:
        checked_iri(class_iri, "class")
    return conditional(request, lambda: _browse_page(request, store, class_iri))


def _browse_page(request: Request, store: Store, class_iri: str | None) -> Response:
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
    return render(
        request, "browse.html", counts=counts, entities=entities, title=title, selected=class_iri
    )


@router.get("/completeness")
def completeness_page(request: Request, store: StoreDep) -> Response:
    """Every network, project or organisation with a reported member count: listed of reported."""
    return conditional(
        request, lambda: render(request, "completeness.html", rows=completeness(store))
    )


@router.get("/queries")
def gallery(request: Request) -> Response:
    return conditional(request, lambda: _gallery_page(request))


def _gallery_page(request: Request) -> Response:
    return render(request, "gallery.html", queries=_gallery_entries())


@router.get("/queries/{name}/results.csv")
async def query_csv(name: str, request: Request) -> Response:
    query = named_query(name)
    answer = await run_named(request, query, form_arguments(request, query), "csv")
    headers = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
    headers |= truncation_headers(answer, request.app.state.settings.max_rows)
    return Response(answer.body, media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/editor")
def editor(request: Request, store: StoreDep) -> Response:
    """YASGUI over our endpoint, completing from our own prefixes and terms, opening on an
    example that shows every result view; a plain form where YASGUI is not installed."""
    # The page differs with and without YASGUI: a restart after `cancerkg assets` is a new page.
    flavour = "yasgui" if request.app.state.assets.get("yasgui") is not None else "plain"
    return conditional(request, lambda: _editor_page(request, store), flavour)


def _editor_page(request: Request, store: Store) -> Response:
    terms = vocabulary.terms(store)
    config = {
        "prefixes": vocabulary.prefixes(),
        "classes": [t.iri for t in terms if t.kind == "class"],
        "properties": [t.iri for t in terms if t.kind == "property"],
        "example": internal_query("editor-example"),
        "examples": [
            {"name": q.name, "title": q.title, "query": q.text} for q in _gallery_entries()
        ],
    }
    return render(
        request,
        "editor.html",
        installed=request.app.state.assets.get("yasgui") is not None,
        pin=pins()["yasgui"],
        fallback=FALLBACKS["yasgui"],
        command=FETCH_COMMAND,
        example=config["example"],
        config=script_json(json.dumps(config).encode("utf-8")),
    )


@router.get("/editor/map.svg")
def editor_map(
    counts: Annotated[str, Query(max_length=4000)] = "",
    unit: Annotated[str, Query(max_length=40)] = "rows",
) -> Response:
    """The entity pages' tile map of Europe for the editor's Map view: `counts` is
    ISO3:number,... (the view sums a result per country), drawn by the same code."""
    tallies: dict[str, int] = {}
    for item in filter(None, counts.split(",")):
        match = MAP_COUNT.fullmatch(item)
        if match is None:
            raise InputError(
                f"counts: {item[:20]!r} is not ISO3:number",
                detail="e.g. counts=FRA:4,ITA:14 (ISO 3166-1 alpha-3 codes)",
            )
        tallies[COUNTRY + match[1]] = int(match[2])
    svg = render_svg(tallies, title=f"{unit} per country", unit=unit)
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "max-age=3600"})


@router.get("/validation")
def validation_form(request: Request) -> Response:
    return render(request, "validation.html", report=None, error=None, text="")


@router.post("/validation")
async def validation_submit(request: Request) -> Response:
    """Validate a pasted or uploaded submission and show the report grouped by focus node: the
    same path as POST /validate (body read with its size limit, SHACL off the event loop)."""
    form = await read_form(request)
    text = form.fields.get("text", "")
    try:
        if form.name and is_spreadsheet(form.name, form.media_type):
            sheet, _ = await validate_sheet_in_worker(
                request, form.data, form.name, form.media_type, False
            )
            return render(request, "validation.html", report=None, sheet=sheet, error=None, text="")
        data, chosen, name = form_document(form)
        submission = parse_submission(data, chosen, name=name)
        report = await validate_in_worker(request, submission)
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


def _gallery_entries() -> list[NamedQuery]:
    return sorted(catalogue().values(), key=lambda q: q.title.lower())

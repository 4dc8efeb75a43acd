"""/api/queries (named queries as REST operations) and the relationship API (/api/entities,
/api/paths, /api/coverage). A thin shell: parse the request, hand the work to the query runner
(a bound named query, or a cancerkg.graph.relations answer), render JSON or CSV/TSV."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from cancerkg.endpoint.jobs import Call
from cancerkg.endpoint.named import API
from cancerkg.endpoint.workers import QueryRunner
from cancerkg.errors import InputError, ParameterError
from cancerkg.graph import relations
from cancerkg.named_queries.catalog import NamedQuery, catalogue, named_query
from cancerkg.named_queries.paging import Page
from cancerkg.rdf import formats
from cancerkg.rdf.formats import API_FORMATS, API_JSON
from cancerkg.web.deps import get_runner
from cancerkg.web.headers import TRUNCATED, cache_header, truncation_headers
from cancerkg.web.named import next_page_link, run_named
from cancerkg.web.search import search as search_entities

RESERVED = {"format", "limit", "offset"}
Runner = Annotated[QueryRunner, Depends(get_runner)]


def build_router() -> APIRouter:
    """The router with one documented operation per named query, made when the app is."""
    router = APIRouter(prefix="/api", tags=["named queries"])
    router.add_api_route(
        "/queries",
        list_queries,
        methods=["GET"],
        summary="The catalogue of named queries and their parameters",
    )
    for query in catalogue().values():
        router.add_api_route(
            f"/queries/{query.name}",
            _endpoint(query),
            methods=["GET"],
            summary=query.title,
            description=f"{query.description}\n\nAnswers: *{query.question}*",
            operation_id=f"query_{query.name.replace('-', '_')}",
            openapi_extra={"parameters": parameters(query)},
            responses={
                200: {
                    "content": {
                        "application/json": {},
                        "text/csv": {},
                        "text/tab-separated-values": {},
                    }
                }
            },
        )
    router.add_api_route("/queries/{name}", run_unknown, methods=["GET"], include_in_schema=False)
    relation_routes = APIRouter(tags=["relationships"])
    relation_routes.add_api_route(
        "/entities",
        search,
        methods=["GET"],
        summary="Search things by label (case and accents ignored)",
    )
    relation_routes.add_api_route(
        "/entities/{kind}/{slug}/relations",
        neighbours,
        methods=["GET"],
        summary="Neighbours grouped by relation",
    )
    relation_routes.add_api_route(
        "/paths", paths, methods=["GET"], summary="Shortest relationship paths between two things"
    )
    relation_routes.add_api_route(
        "/coverage",
        coverage,
        methods=["GET"],
        summary="Members per country of a network or domain, zeros too",
    )
    router.include_router(relation_routes)
    return router


def describe(query: NamedQuery) -> dict[str, Any]:
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "question": query.question,
        "url": f"/api/queries/{query.name}",
        "iri": query.iri,
        "parameters": [
            {
                "name": p.name,
                "type": p.type_label,
                "required": p.required,
                "default": p.default,
                "example": p.example,
                "description": p.description,
            }
            for p in query.parameters
        ],
    }


def list_queries() -> dict[str, Any]:
    return {"queries": [describe(q) for q in catalogue().values()]}


def _endpoint(query: NamedQuery) -> Callable[[Request], Awaitable[Response]]:
    """The endpoint of one named query. Its parameters are read by the query's own checks (a
    missing one gets our 400 listing the valid ones, not FastAPI's generic 422), so they are
    documented (`parameters`), not declared: FastAPI's parsing of declared ones cost every
    request a tenth of the server's time (bench/RESULTS.md)."""

    async def endpoint(request: Request) -> Response:
        return await _answer(request, query)

    endpoint.__name__ = f"query_{query.name.replace('-', '_')}"
    return endpoint


def parameters(query: NamedQuery) -> list[dict[str, Any]]:
    """The OpenAPI parameters of a named query's endpoint: its own, then format and paging."""
    own = [
        _parameter(
            p.name,
            f"{p.description} Type: {p.type_label}"
            + (f"; default {p.default}" if p.default else ""),
            required=p.required,
            example=p.example,
        )
        for p in query.parameters
    ]
    return [
        *own,
        _parameter("format", "json (default), csv or tsv; or use Accept"),
        _parameter(
            "limit",
            "Rows per page; the answer then carries Link: rel=next",
            kind={"type": "integer", "minimum": 1},
        ),
        _parameter("offset", "Rows to skip (with limit)", kind={"type": "integer", "minimum": 0}),
    ]


def _parameter(
    name: str,
    description: str,
    *,
    required: bool = False,
    example: str | None = None,
    kind: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": kind or {"type": "string"},
        **({"example": example} if example else {}),
    }


def run_unknown(name: str) -> Response:
    named_query(name)  # raises UnknownQueryError (404) listing the known names
    raise InputError(f"no route for {name}")  # unreachable: known names have their own route


async def _answer(request: Request, query: NamedQuery) -> Response:
    arguments = {k: v for k, v in request.query_params.items() if k not in RESERVED}
    repeated = [k for k in arguments if len(request.query_params.getlist(k)) > 1]
    if repeated:
        raise ParameterError(f"parameter given more than once: {', '.join(repeated)}")
    fmt = _format(request)
    page = Page.parse(
        request.query_params.get("limit"),
        request.query_params.get("offset"),
        request.app.state.settings.max_rows,
    )
    shape = API if fmt == API_JSON.name else fmt
    answer = await run_named(request, query, arguments, shape, page)
    headers = truncation_headers(answer, request.app.state.settings.max_rows) | cache_header(answer)
    following = next_page_link(request, page, answer)
    if following:
        headers["Link"] = f'<{following}>; rel="next"'
    if page is not None:
        headers.pop(TRUNCATED, None)  # a full page is not a cut answer: its Link says what follows
    media_type = formats.by_name(fmt, API_FORMATS).content_type
    return Response(answer.body, media_type=media_type, headers=headers)


def _format(request: Request) -> str:
    """`format` (json, csv, tsv) wins; else Accept, negotiated (text/csv;q=0 is not CSV)."""
    asked = request.query_params.get("format")
    if asked:
        return formats.by_name(asked, API_FORMATS).name
    accept = request.headers.get("accept")
    return formats.negotiate(accept, API_FORMATS, fallback=True)[0].name


async def search(
    request: Request,
    q: Annotated[
        str,
        Query(
            description="Text to find in labels", min_length=1, max_length=200, examples=["roussy"]
        ),
    ],
    lang: Annotated[str | None, Query(description="Only labels in this language")] = None,
) -> dict[str, Any]:
    return {"query": q, "results": await search_entities(request, q, lang)}


async def neighbours(kind: str, slug: str, runner: Runner) -> dict[str, Any]:
    answer: dict[str, Any] = await runner.run(Call(relations.relations_answer, (kind, slug)))
    return answer


async def paths(
    runner: Runner,
    source: Annotated[
        str,
        Query(
            alias="from",
            description="IRI, kind/slug or slug",
            examples=["oslo-university-hospital"],
        ),
    ],
    target: Annotated[
        str,
        Query(
            alias="to",
            description="IRI, kind/slug or slug",
            examples=["network/noe-palliative-care"],
        ),
    ],
    max_steps: Annotated[
        int,
        Query(alias="max", ge=1, le=relations.MAX_PATH_STEPS, description="Longest path searched"),
    ] = 4,
) -> dict[str, Any]:
    answer: dict[str, Any] = await runner.run(
        Call(relations.paths_answer, (source, target, max_steps))
    )
    return answer


async def coverage(
    runner: Runner,
    network: Annotated[str | None, Query(examples=["ithaca"])] = None,
    domain: Annotated[str | None, Query(examples=["noe-palliative-care"])] = None,
) -> dict[str, Any]:
    answer: dict[str, Any] = await runner.run(Call(relations.coverage_answer, (network, domain)))
    return answer

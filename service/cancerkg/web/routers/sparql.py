"""/sparql: the SPARQL 1.1 Protocol query operation (GET, form POST, direct POST).

The protocol's rules live in cancerkg.endpoint.protocol and evaluation in the query workers; this
router moves bytes between HTTP and them.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from cancerkg.endpoint.protocol import (
    QueryJob,
    check_query,
    parse_request,
    service_description,
)
from cancerkg.endpoint.workers import QueryRunner
from cancerkg.errors import MethodNotAllowedError
from cancerkg.settings import Settings
from cancerkg.web.bodies import read_body
from cancerkg.web.headers import cache_header, truncation_headers
from cancerkg.web.negotiation import prefers_html

router = APIRouter(tags=["sparql"])
RESULT_HEADERS = {"Vary": "Accept", "Cache-Control": "no-cache"}
QUERY_DOC = "A SPARQL 1.1 query; without one, GET answers the Service Description."
DEFAULT_DOC = "Default graph IRIs (repeatable); without them the default graph is the union."
NAMED_DOC = "Named graph IRIs (repeatable)."
FORMAT_DOC = (
    "json, xml, csv, tsv, turtle, nt, json-ld, nquads, trig or a media type; wins over Accept."
)


def _documented(name: str, description: str, *, repeated: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "array", "items": schema} if repeated else schema,
    }


# The parameters are documented, not declared: the protocol reads them from the raw query string
# (it cares about repeats), and FastAPI's parsing and validation of declared ones cost every
# request a tenth of the server's time for values nobody used (py-spy, bench/RESULTS.md).
GET_PARAMETERS = [
    _documented("query", QUERY_DOC),
    _documented("default-graph-uri", DEFAULT_DOC, repeated=True),
    _documented("named-graph-uri", NAMED_DOC, repeated=True),
    _documented("format", FORMAT_DOC),
]


@router.get(
    "/sparql",
    summary="SPARQL query (GET) or Service Description",
    openapi_extra={"parameters": GET_PARAMETERS},
)
async def sparql_get(request: Request) -> Response:
    """Parameters are read from the raw query string: the protocol cares about repeats."""
    state = request.app.state
    return await _respond(request, state.runner, state.settings, b"")


@router.post(
    "/sparql",
    summary="SPARQL query (POST form-encoded or application/sparql-query)",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "properties": {"query": {"type": "string"}}}
                },
                "application/sparql-query": {"schema": {"type": "string"}},
            }
        }
    },
)
async def sparql_post(request: Request) -> Response:
    runner: QueryRunner = request.app.state.runner
    settings: Settings = request.app.state.settings
    limit = 4 * settings.max_query_length + 8192  # URL-encoding and UTF-8 make bodies longer
    return await _respond(request, runner, settings, await read_body(request, limit))


@router.api_route("/sparql", methods=["PUT", "DELETE", "PATCH"], include_in_schema=False)
async def sparql_other(request: Request) -> Response:
    raise MethodNotAllowedError(
        f"{request.method} is not a SPARQL query operation; use GET or POST"
    )


async def _respond(
    request: Request, runner: QueryRunner, settings: Settings, body: bytes
) -> Response:
    asked = parse_request(
        request.method,
        request.query_params.multi_items(),
        request.headers.get("content-type"),
        body,
    )
    accept = request.headers.get("accept")
    # The endpoint IRI (base IRI of queries, Service Description) is the URL asked, without
    # its query string: GET and POST share the path, and url_for would walk every route.
    endpoint = str(request.url.replace(query=""))
    if asked.query is None and asked.format is None and prefers_html(accept):
        # A person at /sparql wants to write a query: the editor, not the service's RDF.
        return RedirectResponse("/editor", status_code=303, headers={"Vary": "Accept"})
    if asked.query is None:
        answer = service_description(
            endpoint, accept, asked.format, federated=bool(settings.service_allow)
        )
        return Response(answer.body, media_type=answer.media_type, headers=RESULT_HEADERS)
    federated = check_query(
        asked.query, max_length=settings.max_query_length, service_allow=settings.service_allow
    )
    job = QueryJob(
        asked.query,
        asked.default_graphs,
        asked.named_graphs,
        accept,
        asked.format,
        settings.max_rows,
        base_iri=endpoint,
        federated=federated,
    )
    answer = await runner.run(job)
    headers = RESULT_HEADERS | truncation_headers(answer, settings.max_rows) | cache_header(answer)
    return Response(answer.body, media_type=answer.media_type, headers=headers)

"""Every error a request can meet, answered in one shape, in one place: JSON
`{"error": kind, "detail": message}` with the error's status, or the HTML error page for a
browser (a client whose Accept prefers text/html). Our typed errors, FastAPI's own 404, 405 and
422, and bugs (a 500 that names no file or line) all go through `respond`."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from jinja2 import TemplateError
from starlette.exceptions import HTTPException

from cancerkg.errors import CancerKGError, MethodNotAllowedError, NotAcceptableError
from cancerkg.web.negotiation import prefers_html
from cancerkg.web.render import error_page

logger = logging.getLogger("cancerkg.web")
KINDS = {404: "not found", 405: "method not allowed", 413: "payload too large"}


def install(app: FastAPI) -> None:
    """Route every error of `app` through `respond`."""
    app.add_exception_handler(CancerKGError, _typed)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _crash)


def respond(
    request: Request,
    status: int,
    kind: str,
    detail: str,
    headers: dict[str, str] | None = None,
) -> Response:
    """The error as the client reads it: an HTML page for browsers, JSON for every other."""
    if prefers_html(request.headers.get("accept")):
        try:
            page = error_page(request, status, kind[:1].upper() + kind[1:], detail)
        except (OSError, ValueError, TypeError, KeyError, TemplateError):
            # the page reads the release's manifest and renders a template; JSON needs neither
            logger.exception("the error page could not be rendered")
        else:
            page.headers.update(headers or {})
            return page
    return JSONResponse({"error": kind, "detail": detail}, status_code=status, headers=headers)


async def _typed(request: Request, error: CancerKGError) -> Response:
    headers = {"Allow": "GET, POST, OPTIONS"} if isinstance(error, MethodNotAllowedError) else {}
    if isinstance(error, NotAcceptableError):  # the answer depended on Accept: caches must know
        headers["Vary"] = "Accept"
    return respond(request, error.http_status, error.kind, error.message, headers or None)


async def _http(request: Request, error: HTTPException) -> Response:
    kind = KINDS.get(error.status_code, "error")
    detail = (
        f"no page or resource at {request.url.path}"
        if error.status_code == 404
        else str(error.detail)
    )
    return respond(request, error.status_code, kind, detail, dict(error.headers or {}))


async def _invalid(request: Request, error: RequestValidationError) -> Response:
    """FastAPI's 422 for a parameter of the wrong type or range, with a one-line detail."""
    problems = []
    for item in error.errors():
        where = [str(part) for part in item.get("loc", ())]
        place = f"{where[0]} parameter {'.'.join(where[1:])}" if len(where) > 1 else "request"
        problems.append(f"{place}: {item.get('msg', 'invalid')}")
    return respond(request, 422, "bad input", "; ".join(problems) or "invalid request")


async def _crash(request: Request, error: Exception) -> Response:
    """A bug must not leak a traceback (paths, code) to the client; the log keeps it."""
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return respond(request, 500, "internal error", "see the server log")

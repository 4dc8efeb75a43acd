"""The OpenAPI documentation pages, /docs (Swagger UI) and /redoc (Redoc), with their code
served from this host (FastAPI's documented self-hosting: get_swagger_ui_html/get_redoc_html
pointed at our own URLs): no CDN, no Google Fonts, no validator badge, no favicon from
elsewhere, so they work offline and tell no third party who reads them.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html

from cancerkg.web import browser_assets
from cancerkg.web.render import render

router = APIRouter(include_in_schema=False)
VENDOR = "/static/vendor"
FAVICON = "/static/favicon.svg"
# Redoc 2 shows its vendor's logo from cdn.redoc.ly, with no option to turn it off: this policy
# lets the browser fetch from this host only, so that request is never sent (the logo's own
# error handler then hides it). Inline script and style: FastAPI's pages and both viewers use them;
# blob: workers: Redoc's search.
OTHER_ASSET = {"/docs": "swagger-ui", "/redoc": "redoc"}
ONLY_THIS_HOST = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    "worker-src 'self' blob:; connect-src 'self'"
}


@router.get("/docs")
def swagger_ui(request: Request) -> Response:
    if request.app.state.assets.get("swagger-ui") is None:
        return _missing(request, "swagger-ui", "Swagger UI", other="/redoc")
    page = get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="cancerkg API",
        swagger_js_url=f"{VENDOR}/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url=f"{VENDOR}/swagger-ui/swagger-ui.css",
        swagger_favicon_url=FAVICON,
        # validatorUrl None: Swagger UI would otherwise load a badge from validator.swagger.io.
        swagger_ui_parameters={"validatorUrl": None, "deepLinking": True},
    )
    page.headers.update(ONLY_THIS_HOST)
    return page


@router.get("/redoc")
def redoc(request: Request) -> Response:
    if request.app.state.assets.get("redoc") is None:
        return _missing(request, "redoc", "Redoc", other="/docs")
    page = get_redoc_html(
        openapi_url="/openapi.json",
        title="cancerkg API",
        redoc_js_url=f"{VENDOR}/redoc/redoc.standalone.js",
        redoc_favicon_url=FAVICON,
        with_google_fonts=False,
    )
    page.headers.update(ONLY_THIS_HOST)
    return page


def _missing(request: Request, asset: str, title: str, *, other: str) -> Response:
    """The page without its viewer: says why, how to get it, and where the description is."""
    pin = browser_assets.pins()[asset]
    return render(
        request,
        "asset-missing.html",
        title=f"API documentation ({title} not installed)",
        pin=pin,
        command=browser_assets.FETCH_COMMAND,
        other=other if request.app.state.assets.get(OTHER_ASSET[other]) is not None else None,
    )

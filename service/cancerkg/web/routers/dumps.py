"""/dumps/: the served release's dump files with size and SHA-256, and the files themselves
(sent by cancerkg.web.downloads, as every release's dumps are)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from cancerkg.graph.void import DumpFile
from cancerkg.web import render
from cancerkg.web.caching import conditional, current_release
from cancerkg.web.downloads import dump_entry, dump_response
from cancerkg.web.negotiation import prefers_html

router = APIRouter(tags=["dumps"])


@router.api_route(
    "/dumps/",
    methods=["GET"],
    summary="The release's dumps with size and SHA-256 (HTML or JSON)",
)
@router.api_route("/dumps/", methods=["HEAD"], include_in_schema=False)
def listing(request: Request) -> Response:
    release = current_release(request)
    if prefers_html(request.headers.get("accept")):
        return conditional(
            request, lambda: render.render(request, "dumps.html", dumps=release.dumps)
        )
    base = render.base_url(request)
    listed = {
        "version": release.version,
        "built_at": release.built_at,
        "dumps": [_entry(dump, base) for dump in release.dumps],
    }
    return conditional(request, lambda: JSONResponse(listed))


@router.api_route(
    "/dumps/{name}", methods=["GET"], summary="One dump file (or its .sha256), streamed"
)
@router.api_route("/dumps/{name}", methods=["HEAD"], include_in_schema=False)
def download(name: str, request: Request) -> Response:
    return dump_response(request, current_release(request), name, "/dumps/")


def _entry(dump: DumpFile, base: str) -> dict[str, object]:
    return dump_entry(dump, f"{base}dumps/")

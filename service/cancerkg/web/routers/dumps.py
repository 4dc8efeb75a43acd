"""/dumps/: the release's dump files with size and SHA-256, and the files themselves.

Files are streamed from the release's dist/ folder in chunks (FileResponse), never built in
memory per request; each file's ETag is its SHA-256, so a client can check a download against
the tag and the listing alike. Gzip dumps go out as application/gzip, byte for byte.
"""

from __future__ import annotations

import base64

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, JSONResponse

from cancerkg.errors import NotFoundError
from cancerkg.graph.void import DumpFile
from cancerkg.web import render
from cancerkg.web.caching import Validators, conditional, current_release, http_date
from cancerkg.web.negotiation import prefers_html

router = APIRouter(tags=["dumps"])
GZIP = "application/gzip"


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
    release = current_release(request)
    dump_name = name.removesuffix(".sha256")
    dump = release.dump(dump_name)
    if dump is None or release.dist is None:
        raise NotFoundError(f"no dump {name!r}; see /dumps/")
    path = release.dist / name
    etag = f'"{dump.sha256}"' if name == dump_name else Validators.of(request).etag
    validators = Validators(etag, http_date(release.built_at))
    if (cached := validators.not_modified(request)) is not None:
        return cached
    media_type = (
        "text/plain; charset=utf-8"
        if name != dump_name
        else (GZIP if dump.compressed else f"{dump.media_type}; charset=utf-8")
    )
    response: Response = FileResponse(
        path,
        media_type=media_type,
        filename=name if name == dump_name else None,
        content_disposition_type="attachment",
    )
    response = validators.apply(response)
    response.headers["Vary"] = "Accept-Encoding"
    if name == dump_name:  # RFC 9530: the digest of the representation, base64 in colons
        digest = base64.b64encode(bytes.fromhex(dump.sha256)).decode("ascii")
        response.headers["Repr-Digest"] = f"sha-256=:{digest}:"
        response.headers["Digest"] = f"sha-256={digest}"  # RFC 3230, for older harvesters
    return response


def _entry(dump: DumpFile, base: str) -> dict[str, object]:
    return {
        "file": dump.name,
        "url": f"{base}dumps/{dump.name}",
        "media_type": dump.media_type,
        "compression": "gzip" if dump.compressed else None,
        "size": dump.size,
        "sha256": dump.sha256,
        "sha256_url": f"{base}dumps/{dump.name}.sha256",
    }

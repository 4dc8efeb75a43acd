"""Sending one dump file of a release (the current one at /dumps/, any at /releases/{version}/
dumps/): streamed from the release's dist/ folder (FileResponse, never built in memory), its
ETag the SHA-256 the manifest lists, so a client can check a download against the tag and the
listing alike. Gzip dumps go out as application/gzip, byte for byte."""

from __future__ import annotations

import base64

from fastapi import Request, Response
from fastapi.responses import FileResponse

from cancerkg.errors import NotFoundError
from cancerkg.graph.void import DumpFile, ReleaseInfo
from cancerkg.web.caching import Validators, etag_for, http_date

GZIP = "application/gzip"


def dump_response(request: Request, release: ReleaseInfo, name: str, listing: str) -> Response:
    """The dump `name` (or its .sha256 file) of `release`; 404 naming `listing` otherwise."""
    dump_name = name.removesuffix(".sha256")
    dump = release.dump(dump_name)
    if dump is None or release.dist is None:
        raise NotFoundError(f"no dump {name!r}; see {listing}")
    path = release.dist / name
    etag = f'"{dump.sha256}"' if name == dump_name else etag_for(release.version, name)
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


def dump_entry(dump: DumpFile, folder: str) -> dict[str, object]:
    """One dump as the JSON listings show it; `folder` is the URL its files are under."""
    return {
        "file": dump.name,
        "url": f"{folder}{dump.name}",
        "media_type": dump.media_type,
        "compression": "gzip" if dump.compressed else None,
        "size": dump.size,
        "sha256": dump.sha256,
        "sha256_url": f"{folder}{dump.name}.sha256",
    }

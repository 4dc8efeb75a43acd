"""HTTP caching for everything that only changes when a new release is built: ETag and
Last-Modified validators, Cache-Control, 304 Not Modified, and response compression.

A response depends on the release, the URL and the Accept header it was negotiated for, so the
ETag is a digest of exactly those (plus anything a caller adds, e.g. a SPARQL query text sent in
a POST body). That lets a conditional request be answered *before* any query runs.

Use from a route: `return conditional(request, lambda: build_the_response())`; the response is
built only when the client's copy is stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import FastAPI, Request, Response
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cancerkg.graph.void import ReleaseInfo, release_info

CACHE_CONTROL = "public, max-age=300"
VARY = "Accept"
GZIP_SUFFIX = "-gzip"  # on the entity tag of a gzip-coded copy
COMPRESS_FROM_BYTES = 1024


@dataclass(frozen=True)
class Validators:
    """The ETag and Last-Modified of one representation."""

    etag: str
    last_modified: str | None
    cache_control: str = CACHE_CONTROL

    @classmethod
    def of(cls, request: Request, *parts: str, negotiated: bool = True) -> Validators:
        """Validators for the resource at the request's URL in the served release; `parts` add
        whatever else the response depends on. `negotiated`: the Accept header chooses the
        representation, so it is part of the tag (and of Vary)."""
        release = current_release(request)
        accept = request.headers.get("accept", "") if negotiated else ""
        return cls(
            etag=etag_for(
                release.version, str(request.url.path), str(request.url.query), accept, *parts
            ),
            last_modified=http_date(release.built_at),
        )

    def not_modified(self, request: Request) -> Response | None:
        """A 304 when the client's copy is current (If-None-Match first, else
        If-Modified-Since, as RFC 9110 §13.2.2 orders them), otherwise None."""
        if request.method not in ("GET", "HEAD"):
            return None
        if_none_match = request.headers.get("if-none-match")
        if if_none_match is not None:
            fresh = etag_matches(if_none_match, self.etag)
        else:
            fresh = not_modified_since(request.headers.get("if-modified-since"), self.last_modified)
        return self.apply(Response(status_code=304)) if fresh else None

    def apply(self, response: Response) -> Response:
        """Put the validators and caching headers on a response."""
        response.headers["ETag"] = self.etag
        if self.last_modified:
            response.headers["Last-Modified"] = self.last_modified
        response.headers["Cache-Control"] = self.cache_control
        response.headers["Vary"] = VARY
        return response


def conditional(
    request: Request, build: Callable[[], Response], *parts: str, negotiated: bool = True
) -> Response:
    """A conditional GET: 304 when the client holds this release's representation (nothing is
    built), else the built response with its validators. `parts` and `negotiated` as in
    Validators.of."""
    validators = Validators.of(request, *parts, negotiated=negotiated)
    if (cached := validators.not_modified(request)) is not None:
        return cached
    return validators.apply(build())


def current_release(request: Request) -> ReleaseInfo:
    """The release the app serves, read once: a release is never modified after it is
    published, and the app keeps the store it opened at start-up."""
    cached: ReleaseInfo | None = getattr(request.app.state, "release", None)
    if cached is None:
        cached = release_info(request.app.state.settings.store_dir)
        request.app.state.release = cached
    return cached


def etag_for(*parts: str) -> str:
    """A weak entity tag over the parts: weak because a compressed and an identity copy of
    the same representation are equivalent, not byte-identical."""
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:32]
    return f'W/"{digest}"'


def etag_matches(header: str, etag: str) -> bool:
    """Weak comparison of an If-None-Match list against our tag ('*' matches anything)."""
    ours = etag.removeprefix("W/")
    for candidate in header.split(","):
        candidate = candidate.strip().removeprefix("W/").replace(GZIP_SUFFIX + '"', '"')
        if candidate == "*" or candidate == ours:
            return True
    return False


def not_modified_since(header: str | None, last_modified: str | None) -> bool:
    if not header or not last_modified:
        return False
    try:
        since = parsedate_to_datetime(header)
        modified = parsedate_to_datetime(last_modified)
    except (TypeError, ValueError):
        return False  # an unparseable date is ignored, as RFC 9110 says
    return modified <= since


def http_date(iso: str) -> str | None:
    """An ISO 8601 UTC timestamp (the manifest's built_at) as an HTTP date."""
    if not iso:
        return None
    try:
        moment = datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None
    return format_datetime(moment, usegmt=True)


def add_compression(app: FastAPI) -> None:
    """gzip for clients that accept it; already-compressed dumps (application/gzip) are sent
    as they are, so their bytes still match the published SHA-256. Outside it, the entity tag
    names the coding and Vary lists each header once."""
    app.add_middleware(GZipMiddleware, minimum_size=COMPRESS_FROM_BYTES)
    app.add_middleware(EncodedRepresentations)


class EncodedRepresentations:
    """A gzip copy is another representation (RFC 9110 §8.8.3): its entity tag gets a '-gzip'
    suffix, which etag_matches accepts for either copy, and a Vary built by several layers
    keeps each header once."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        asked = Headers(scope=scope)

        async def relabel(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                etag = headers.get("etag")
                if etag and etag.endswith('"'):
                    gzip_tag = etag[:-1] + GZIP_SUFFIX + '"'
                    # A 304 names the copy the client holds (it has no body to compress).
                    held = message["status"] == 304 and gzip_tag in asked.get("if-none-match", "")
                    if headers.get("content-encoding") == "gzip" or held:
                        headers["etag"] = gzip_tag
                varied = [p.strip() for v in headers.getlist("vary") for p in v.split(",")]
                if varied:
                    del headers["vary"]
                    headers["vary"] = ", ".join(dict.fromkeys(p for p in varied if p))
            await send(message)

        await self.app(scope, receive, relabel)

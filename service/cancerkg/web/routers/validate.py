"""POST /validate: a steward's submission checked against the shapes, with the published graph
as context. The body is RDF (format from Content-Type); the answer is a JSON report, or the
standard sh:ValidationReport in Turtle or JSON-LD when Accept asks for it."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from pathlib import PurePath
from typing import Annotated

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import Headers, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from cancerkg.errors import InputError, PayloadTooLargeError
from cancerkg.rdf.formats import (
    API_JSON,
    GRAPH_FORMATS,
    JSON_LD,
    TURTLE,
    by_extension,
    by_media_type,
    negotiate,
)
from cancerkg.store.protocol import Store
from cancerkg.validation.engine import validate_submission
from cancerkg.validation.report import as_json, render
from cancerkg.validation.submission import format_for_media_type, parse_submission
from cancerkg.web.deps import get_store

MAX_BYTES = 5 * 1024 * 1024
# The report as JSON (ours, the default), or as a SHACL report graph in Turtle or JSON-LD.
REPORT_FORMATS = (API_JSON, TURTLE, JSON_LD)

router = APIRouter(tags=["validation"])


@router.post(
    "/validate",
    summary="Validate a submission",
    description="Send RDF (text/turtle, application/ld+json, application/n-triples, "
    "application/rdf+xml, application/trig) as the body, or upload a file as "
    "multipart/form-data (field `file`; its format from its media type or extension). "
    "Answers a JSON report (conforms, counts by severity, results by focus node), "
    "or a sh:ValidationReport in Turtle / JSON-LD "
    "by Accept. `fail_on=warning` also blocks on warnings.",
)
async def validate(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    fail_on: str = "violation",
) -> Response:
    body = await _read_limited(request)
    data, fmt, name = await _submission(request.headers, body)
    submission = parse_submission(data, fmt, name=name)
    # pyshacl is CPU-bound: keep the event loop free for other requests (/health, /sparql)
    report = await run_in_threadpool(validate_submission, submission, store)
    chosen = negotiate(request.headers.get("accept"), REPORT_FORMATS, fallback=True)[0]
    if chosen != API_JSON:
        return Response(render(report, chosen.name), media_type=chosen.media_type)
    return JSONResponse(as_json(report, fail_on=fail_on))


async def _submission(headers: Headers, body: bytes) -> tuple[bytes, ox.RdfFormat, str]:
    """The submitted document, its format and a name for messages: the body itself, or the
    file of a multipart upload."""
    content_type = headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        return body, format_for_media_type(content_type), "body"

    async def replay() -> AsyncGenerator[bytes, None]:
        yield body

    try:
        form = await MultiPartParser(headers, replay(), max_part_size=MAX_BYTES).parse()
    except MultiPartException as error:
        raise InputError(f"malformed multipart body: {error.message}") from None
    upload = next((v for v in form.values() if isinstance(v, UploadFile)), None)
    if upload is None:
        raise InputError("the multipart form has no file; send the submission in a field `file`")
    name = upload.filename or "upload"
    return await upload.read(), _upload_format(upload, name), name


def _upload_format(upload: UploadFile, name: str) -> ox.RdfFormat:
    """A browser often sends .ttl as application/octet-stream: trust a known media type, else
    the file extension."""
    known = by_media_type(upload.content_type, GRAPH_FORMATS)
    if known is not None and known.rdf is not None:
        return known.rdf
    by_suffix = by_extension(PurePath(name).suffix.lstrip("."), GRAPH_FORMATS)
    if by_suffix is not None and by_suffix.rdf is not None:
        return by_suffix.rdf
    return format_for_media_type(upload.content_type)


async def _read_limited(request: Request) -> bytes:
    """The body, refused as soon as it passes MAX_BYTES (not after reading it all)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BYTES:
        raise PayloadTooLargeError(f"the body is over the limit of {MAX_BYTES // 1024 // 1024} MiB")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BYTES:
            raise PayloadTooLargeError(
                f"the body is over the limit of {MAX_BYTES // 1024 // 1024} MiB"
            )
        chunks.append(chunk)
    return b"".join(chunks)

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
from cancerkg.rdf.parsing import RDF_FORMAT_BY_SUFFIX
from cancerkg.store.protocol import Store
from cancerkg.validation.engine import validate_submission
from cancerkg.validation.report import as_json, render
from cancerkg.validation.submission import MEDIA_TYPES, format_for_media_type, parse_submission
from cancerkg.web.deps import get_store

MAX_BYTES = 5 * 1024 * 1024
REPORT_MEDIA_TYPES = {"text/turtle": "turtle", "application/ld+json": "json-ld"}

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
    accept = request.headers.get("accept", "")
    for media_type, name in REPORT_MEDIA_TYPES.items():
        if media_type in accept:
            return Response(render(report, name), media_type=media_type)
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
    media = (upload.content_type or "").split(";", 1)[0].strip().lower()
    if media in MEDIA_TYPES:
        return MEDIA_TYPES[media]
    suffix = PurePath(name).suffix.lower()
    if suffix in RDF_FORMAT_BY_SUFFIX:
        return RDF_FORMAT_BY_SUFFIX[suffix]
    return format_for_media_type(media)


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

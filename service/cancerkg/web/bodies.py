"""Request bodies, read with a size limit while they stream in: the SPARQL protocol's POST, a
submission to /validate, and the validation form's upload all go through `read_body`, so none
receives a 200 MB upload before answering 413."""

from __future__ import annotations

import urllib.parse
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from pathlib import PurePath

import pyoxigraph as ox
from fastapi import Request
from starlette.datastructures import Headers, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from cancerkg.errors import InputError, PayloadTooLargeError
from cancerkg.rdf.formats import GRAPH_FORMATS, by_extension, by_media_type
from cancerkg.sheets.workbook import is_spreadsheet
from cancerkg.validation.submission import MAX_BODY_BYTES, format_for_media_type

SUBMISSION_LIMIT = MAX_BODY_BYTES


@dataclass(frozen=True)
class Submission:
    """A submitted document: its bytes, its RDF format (None: not said, the caller decides), a
    name for messages, and the other fields of a form."""

    data: bytes
    format: ox.RdfFormat | None
    name: str
    fields: dict[str, str] = field(default_factory=dict)
    media_type: str | None = None  # as sent, for spreadsheets (which have no RDF format)


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it passes `limit` bytes (never read whole first;
    a Content-Length over the limit is refused before reading)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLargeError(_too_large(limit))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLargeError(_too_large(limit))
        chunks.append(chunk)
    return b"".join(chunks)


async def read_submission(request: Request, limit: int = SUBMISSION_LIMIT) -> Submission:
    """A submission: the body itself (format from Content-Type), or the file of a multipart
    form (format from its media type, else its extension) with the form's other fields."""
    body = await read_body(request, limit)
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        if is_spreadsheet("", content_type):
            suffix = ".csv" if "csv" in content_type.lower() else ".xlsx"
            return Submission(body, None, "body" + suffix, media_type=content_type)
        return Submission(body, format_for_media_type(content_type), "body")
    return await _multipart(request.headers, body, limit)


async def read_form(request: Request, limit: int = SUBMISSION_LIMIT) -> Submission:
    """An HTML form (multipart or URL-encoded), read with the same limit: its uploaded file, if
    any, and its other fields."""
    body = await read_body(request, limit)
    content_type = request.headers.get("content-type", "")
    if content_type.lower().startswith("multipart/form-data"):
        return await _multipart(request.headers, body, limit)
    fields = dict(urllib.parse.parse_qsl(body.decode("utf-8", errors="replace")))
    return Submission(b"", None, "", fields)


async def _multipart(headers: Headers, body: bytes, limit: int) -> Submission:
    async def replay() -> AsyncGenerator[bytes, None]:
        yield body

    try:
        form = await MultiPartParser(headers, replay(), max_part_size=limit).parse()
    except MultiPartException as error:
        raise InputError(f"malformed multipart body: {error.message}") from None
    fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    upload = next((v for v in form.values() if isinstance(v, UploadFile) and v.filename), None)
    if upload is None:
        return Submission(b"", None, "", fields)
    name = upload.filename or "upload"
    return Submission(
        await upload.read(), _upload_format(upload, name), name, fields, upload.content_type
    )


def _upload_format(upload: UploadFile, name: str) -> ox.RdfFormat | None:
    """A browser often sends .ttl as application/octet-stream: trust a known media type, else
    the file extension, else let the caller decide."""
    known = by_media_type(upload.content_type, GRAPH_FORMATS)
    if known is not None and known.rdf is not None:
        return known.rdf
    by_suffix = by_extension(PurePath(name).suffix.lstrip("."), GRAPH_FORMATS)
    return by_suffix.rdf if by_suffix is not None else None


def _too_large(limit: int) -> str:
    size = f"{limit // 1024 // 1024} MiB" if limit >= 1024 * 1024 else f"{limit:,} bytes"
    return f"the request body is over the limit of {size}"

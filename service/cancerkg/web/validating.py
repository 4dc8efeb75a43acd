"""Validation of a submission for the web: in a query worker, under its own time limit, so a
slow SHACL run is stopped (its CPU freed) and /health and queries keep answering."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from fastapi import Request

from cancerkg.endpoint.jobs import VALIDATION_ADVICE, Call
from cancerkg.endpoint.workers import QueryRunner
from cancerkg.errors import InputError, UnsupportedMediaTypeError
from cancerkg.settings import Settings
from cancerkg.sheets.annotation import annotated_copy
from cancerkg.sheets.checking import SheetReport, validate_spreadsheet
from cancerkg.store.protocol import Store
from cancerkg.validation.engine import validate_submission
from cancerkg.validation.report import Report
from cancerkg.validation.submission import format_for_name, parse_submission
from cancerkg.web.bodies import Submission


def body_document(received: Submission) -> tuple[list[ox.Triple], ox.RdfFormat]:
    """The triples of a request body or uploaded file (POST /validate, POST /submissions)."""
    if received.format is None:
        if not received.data and not received.name:
            raise InputError(
                "the multipart form has no file; send the submission in a field `file`"
            )
        raise UnsupportedMediaTypeError(
            f"{received.name}: cannot tell its RDF format; name the file .ttl, .jsonld, .nt, .rdf,"
            " .trig or .nq, or send it with its media type"
        )
    triples = parse_submission(received.data, received.format, name=received.name)
    return triples, received.format


def form_document(form: Submission) -> tuple[bytes, ox.RdfFormat, str]:
    """The document of a page's form: an uploaded file (it wins) or pasted text, in the format
    chosen (`auto`: from the file name, Turtle for text)."""
    text, fmt = form.fields.get("text", ""), form.fields.get("format", "auto")
    if form.name:
        chosen = form.format if fmt == "auto" and form.format else None
        return form.data, chosen or format_for_name(fmt, Path(form.name)), form.name
    chosen = format_for_name("turtle" if fmt == "auto" else fmt, None)
    return text.encode("utf-8"), chosen, "pasted text"


async def validate_in_worker(request: Request, submission: list[ox.Triple]) -> Report:
    """The report of `submission` in the context of the published graph, computed by a query
    worker within CANCERKG_VALIDATION_TIMEOUT (503 with advice past it)."""
    return await validate_with(request.app.state.runner, request.app.state.settings, submission)


async def validate_with(
    runner: QueryRunner, settings: Settings, submission: list[ox.Triple]
) -> Report:
    """validate_in_worker for callers outside a request (the inbox's background validation)."""
    job = Call(validate_in_context, (submission,), VALIDATION_ADVICE, settings.validation_timeout)
    report: Report = await runner.run(job)
    return report


def validate_in_context(store: Store, submission: list[ox.Triple]) -> Report:
    """validate_submission with the store first, as a job's function takes it."""
    return validate_submission(submission, store)


async def validate_sheet_in_worker(
    request: Request, data: bytes, filename: str, media_type: str | None, annotate: bool
) -> tuple[SheetReport, bytes | None]:
    """A spreadsheet mapped and validated by a query worker (same time limit); with `annotate`,
    also the annotated XLSX copy."""
    state = request.app.state
    return await validate_sheet_with(
        state.runner, state.settings, data, filename, media_type, annotate
    )


async def validate_sheet_with(
    runner: QueryRunner,
    settings: Settings,
    data: bytes,
    filename: str,
    media_type: str | None,
    annotate: bool,
) -> tuple[SheetReport, bytes | None]:
    """validate_sheet_in_worker for callers outside a request (the inbox's validation)."""
    arguments = (data, filename, media_type, annotate)
    job = Call(check_sheet, arguments, VALIDATION_ADVICE, settings.validation_timeout)
    answer: tuple[SheetReport, bytes | None] = await runner.run(job)
    return answer


def check_sheet(
    store: Store, data: bytes, filename: str, media_type: str | None, annotate: bool
) -> tuple[SheetReport, bytes | None]:
    """validate_spreadsheet (and the annotated copy) with the store first, as a job takes it."""
    report = validate_spreadsheet(data, filename, media_type, store)
    return report, annotated_copy(data, filename, media_type, report) if annotate else None

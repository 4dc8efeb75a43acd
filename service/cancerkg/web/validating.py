"""Validation of a submission for the web: in a query worker, under its own time limit, so a
slow SHACL run is stopped (its CPU freed) and /health and queries keep answering."""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import Request

from cancerkg.endpoint.jobs import VALIDATION_ADVICE, Call
from cancerkg.endpoint.workers import QueryRunner
from cancerkg.settings import Settings
from cancerkg.sheets.annotation import annotated_copy
from cancerkg.sheets.checking import SheetReport, validate_spreadsheet
from cancerkg.store.protocol import Store
from cancerkg.validation.engine import validate_submission
from cancerkg.validation.report import Report


async def validate_in_worker(request: Request, submission: list[ox.Triple]) -> Report:
    """The report of `submission` in the context of the published graph, computed by a query
    worker within CANCERKG_VALIDATION_TIMEOUT (503 with advice past it)."""
    runner: QueryRunner = request.app.state.runner
    settings: Settings = request.app.state.settings
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
    runner: QueryRunner = request.app.state.runner
    settings: Settings = request.app.state.settings
    job = Call(
        check_sheet,
        (data, filename, media_type, annotate),
        VALIDATION_ADVICE,
        settings.validation_timeout,
    )
    answer: tuple[SheetReport, bytes | None] = await runner.run(job)
    return answer


def check_sheet(
    store: Store, data: bytes, filename: str, media_type: str | None, annotate: bool
) -> tuple[SheetReport, bytes | None]:
    """validate_spreadsheet (and the annotated copy) with the store first, as a job takes it."""
    report = validate_spreadsheet(data, filename, media_type, store)
    return report, annotated_copy(data, filename, media_type, report) if annotate else None

"""POST /validate: a steward's submission checked against the shapes, with the published graph
as context. The body is RDF (format from Content-Type); the answer is a JSON report, or the
standard sh:ValidationReport in Turtle or JSON-LD when Accept asks for it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from cancerkg.errors import MethodNotAllowedError
from cancerkg.rdf.formats import (
    API_JSON,
    JSON_LD,
    TURTLE,
    Format,
    negotiate,
)
from cancerkg.sheets.checking import sheet_report_json
from cancerkg.sheets.workbook import XLSX_TYPE, is_spreadsheet
from cancerkg.validation.report import as_json, render
from cancerkg.web.bodies import Submission, read_submission
from cancerkg.web.negotiation import prefers_html
from cancerkg.web.validating import body_document, validate_in_worker, validate_sheet_in_worker

# The report as JSON (ours, the default), or as a SHACL report graph in Turtle or JSON-LD.
REPORT_FORMATS = (API_JSON, TURTLE, JSON_LD)
# For a spreadsheet: the JSON report by sheet, row and column, or the annotated copy.
ANNOTATED = Format("xlsx", XLSX_TYPE, "xlsx", frozenset({"sheet"}))
SHEET_REPORT_FORMATS = (API_JSON, TURTLE, JSON_LD, ANNOTATED)

router = APIRouter(tags=["validation"])


@router.get("/validate", include_in_schema=False)
def validate_page(request: Request) -> Response:
    """A person who types /validate gets the form (/validation); a program learns to POST."""
    if prefers_html(request.headers.get("accept")):
        return RedirectResponse("/validation", status_code=303, headers={"Vary": "Accept"})
    raise MethodNotAllowedError(
        "GET /validate: POST a submission to validate it; the form for people is at /validation"
    )


@router.post(
    "/validate",
    summary="Validate a submission",
    description="Send RDF (text/turtle, application/ld+json, application/n-triples, "
    "application/rdf+xml, application/trig) as the body, or upload a file as "
    "multipart/form-data (field `file`; its format from its media type or extension). "
    "A spreadsheet (text/csv, or XLSX as "
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet; uploads named .csv or "
    ".xlsx) is mapped with the templates' mappings and reported by sheet, row and column; "
    "Accept: the XLSX media type answers the annotated copy with the bad cells marked. "
    "Answers a JSON report (conforms, counts by severity, results by focus node), "
    "or a sh:ValidationReport in Turtle / JSON-LD "
    "by Accept. `fail_on=warning` also blocks on warnings.",
)
async def validate(request: Request, fail_on: str = "violation") -> Response:
    received = await read_submission(request)
    if received.format is None and is_spreadsheet(received.name, received.media_type):
        return await _validate_sheet(request, received, fail_on)
    submission, _ = body_document(received)
    # pyshacl is CPU-bound: keep the event loop free for other requests (/health, /sparql)
    report = await validate_in_worker(request, submission)
    chosen = negotiate(request.headers.get("accept"), REPORT_FORMATS, fallback=True)[0]
    if chosen != API_JSON:
        return Response(render(report, chosen.name), media_type=chosen.media_type)
    return JSONResponse(as_json(report, fail_on=fail_on))


async def _validate_sheet(request: Request, received: Submission, fail_on: str) -> Response:
    chosen = negotiate(request.headers.get("accept"), SHEET_REPORT_FORMATS, fallback=True)[0]
    report, annotated = await validate_sheet_in_worker(
        request, received.data, received.name, received.media_type, chosen == ANNOTATED
    )
    if annotated is not None:
        stem = received.name.rsplit(".", 1)[0]
        disposition = f'attachment; filename="{stem}-annotated.xlsx"'
        return Response(
            annotated, media_type=XLSX_TYPE, headers={"Content-Disposition": disposition}
        )
    if chosen != API_JSON:
        return Response(render(report.report, chosen.name), media_type=chosen.media_type)
    return JSONResponse(sheet_report_json(report, fail_on=fail_on))

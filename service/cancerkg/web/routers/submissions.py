"""The inbox over HTTP: stewards send submissions (POST /submissions, or the /inbox page) and
follow them; reviewers list, read the changes each would make, accept or reject.

Every write needs a token (web/auth.py); the public read side is unchanged. A submission is
committed to the inbox database before the 202 is sent; its validation runs afterwards in the
background (web/inbox_worker.py), and the status URL shows its report when it is ready.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from cancerkg.errors import CancerKGError, InputError
from cancerkg.sheets.mapping import map_spreadsheet
from cancerkg.sheets.workbook import XLSX_TYPE, is_spreadsheet
from cancerkg.store.protocol import Store
from cancerkg.submissions import inbox
from cancerkg.submissions.inbox import ACCEPTED, Submission
from cancerkg.submissions.review import accept, reject, submission_changes
from cancerkg.submissions.scope import check_scope
from cancerkg.submissions.tokens import Principal, authenticate
from cancerkg.validation.submission import parse_submission
from cancerkg.web.auth import COOKIE, principal, reader
from cancerkg.web.bodies import Submission as Received
from cancerkg.web.bodies import read_body, read_form, read_submission
from cancerkg.web.deps import get_store, store_dir_of
from cancerkg.web.negotiation import prefers_html
from cancerkg.web.render import render
from cancerkg.web.validating import body_document, form_document

REASON_LIMIT = 64 * 1024
router = APIRouter(tags=["submissions"])
pages = APIRouter(include_in_schema=False)

Sender = Annotated[Principal, Depends(principal)]
Reader = Annotated[Principal | None, Depends(reader)]
StoreDep = Annotated[Store, Depends(get_store)]


@router.post(
    "/submissions",
    status_code=202,
    summary="Send a submission",
    description="RDF as the body (its media type as Content-Type) or a multipart upload "
    "(field `file`), with `Authorization: Bearer <token>`. Optional `note` (query or form "
    "field). Answers 202 with the submission's id and status URL once it is stored on disk; "
    "it is validated in the background. 401 without a valid token, 403 when it describes "
    "networks or organisations outside the token's scope.",
)
async def send(request: Request, sender: Sender, store: StoreDep, note: str = "") -> Response:
    received = await read_submission(request)
    note = note or received.fields.get("note", "")
    document = await _document(received, store)
    submission = await _receive(request, sender, store, document, received.data, note)
    body = _summary(request, submission)
    return JSONResponse(body, status_code=202, headers={"Location": body["url"]})


@router.get("/submissions", summary="List submissions (a steward's own; all for a reviewer)")
async def list_all(request: Request, signed_in: Reader, status: str = "") -> Response:
    viewer = _signed_in(request, signed_in)
    if isinstance(viewer, Response):
        return viewer
    wanted = tuple(s for s in status.split(",") if s)
    if unknown := [s for s in wanted if s not in inbox.STATUSES]:
        raise InputError(f"unknown status {', '.join(unknown)}; use: {', '.join(inbox.STATUSES)}")
    found = await run_in_threadpool(inbox.list_submissions, store_dir_of(request), viewer, wanted)
    if prefers_html(request.headers.get("accept")):
        return _inbox_page(request, viewer, found)
    return JSONResponse({"submissions": [_summary(request, s) for s in found]})


@router.get("/submissions/{identifier}", summary="A submission: status, report, history")
async def show(request: Request, identifier: str, signed_in: Reader) -> Response:
    viewer = _signed_in(request, signed_in)
    if isinstance(viewer, Response):
        return viewer
    details = await run_in_threadpool(_details, request, identifier, viewer)
    if prefers_html(request.headers.get("accept")):
        submission: Submission = details["submission"]
        said: list[str] = []
        if submission.status != inbox.PUBLISHED:
            found = await run_in_threadpool(submission_changes, store_dir_of(request), submission)
            said = [s.text for s in found.sentences()]
        return render(request, "submission.html", viewer=viewer, changes=said, **details)
    return JSONResponse(_as_json(request, details))


@router.get("/submissions/{identifier}/file", summary="The bytes a steward sent")
async def file(request: Request, identifier: str, viewer: Sender) -> Response:
    submission = await run_in_threadpool(
        inbox.visible_submission, store_dir_of(request), identifier, viewer
    )
    body = await run_in_threadpool(inbox.submission_body, store_dir_of(request), identifier)
    disposition = f'attachment; filename="{identifier}"'
    return Response(
        body, media_type=submission.media_type, headers={"Content-Disposition": disposition}
    )


@router.get(
    "/submissions/{identifier}/changes",
    summary="What the submission changes in the current release, in words",
)
async def changes(request: Request, identifier: str, viewer: Sender) -> Response:
    submission = await run_in_threadpool(
        inbox.visible_submission, store_dir_of(request), identifier, viewer
    )
    found = await run_in_threadpool(submission_changes, store_dir_of(request), submission)
    if "text/plain" in request.headers.get("accept", ""):
        title = f"Submission {identifier} against the current release"
        return Response(found.text(title), media_type="text/plain; charset=utf-8")
    return JSONResponse({"id": identifier, **found.as_json()})


@router.post("/submissions/{identifier}/accept", summary="Accept a valid submission (reviewer)")
async def accept_one(request: Request, identifier: str, reviewer: Sender) -> Response:
    reason = await _reason(request)
    decided = await run_in_threadpool(accept, store_dir_of(request), identifier, reviewer, reason)
    request.app.state.inbox.wake_publisher()
    return _decided(request, decided)


@router.post("/submissions/{identifier}/reject", summary="Reject a submission with a reason")
async def reject_one(request: Request, identifier: str, reviewer: Sender) -> Response:
    reason = await _reason(request)
    decided = await run_in_threadpool(reject, store_dir_of(request), identifier, reviewer, reason)
    return _decided(request, decided)


@pages.get("/inbox")
async def inbox_page(request: Request) -> Response:
    """The steward's page (sign in, send, follow) and the reviewer's queue."""
    token = request.cookies.get(COOKIE)
    if not token:
        return render(request, "inbox.html", viewer=None, submissions=[], error=None)
    try:
        viewer = authenticate(store_dir_of(request), token)
    except CancerKGError as failure:
        response = render(request, "inbox.html", viewer=None, submissions=[], error=failure.message)
        response.delete_cookie(COOKIE)
        return response
    found = await run_in_threadpool(inbox.list_submissions, store_dir_of(request), viewer, ())
    return _inbox_page(request, viewer, found)


@pages.post("/inbox/sign-in")
async def sign_in(request: Request) -> Response:
    form = await read_form(request, limit=4096)
    token = form.fields.get("token", "").strip()
    try:
        authenticate(store_dir_of(request), token)
    except CancerKGError as failure:
        page = render(
            request, "inbox.html", 401, viewer=None, submissions=[], error=failure.message
        )
        return page
    response = RedirectResponse("/inbox", status_code=303)
    secure = request.url.scheme == "https"
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=secure)
    return response


@pages.post("/inbox/sign-out")
async def sign_out() -> Response:
    response = RedirectResponse("/inbox", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@pages.post("/inbox")
async def send_from_page(request: Request, store: StoreDep) -> Response:
    sender = await principal(request)
    form = await read_form(request)
    try:
        if form.name and is_spreadsheet(form.name, form.media_type):
            document = await _document(form, store)
            data = form.data
        else:
            data, fmt, name = form_document(form)
            document = Document(parse_submission(data, fmt, name=name), fmt.media_type, name)
        note = form.fields.get("note", "")
        submission = await _receive(request, sender, store, document, data, note)
    except CancerKGError as failure:
        found = await run_in_threadpool(inbox.list_submissions, store_dir_of(request), sender, ())
        return _inbox_page(request, sender, found, failure.message, failure.http_status)
    return RedirectResponse(f"/submissions/{submission.id}", status_code=303)


@dataclass(frozen=True)
class Document:
    """What a submission says: its triples, its media type and name, and for a spreadsheet the
    N-Triples it was mapped to (kept beside the sheet itself)."""

    triples: list[ox.Triple]
    media_type: str
    name: str
    mapped: bytes | None = None


async def _document(received: Received, store: Store) -> Document:
    """RDF parsed, or a spreadsheet read and mapped against the published graph (its file
    refused with the same messages as /validate when it cannot be read)."""
    if received.format is None and is_spreadsheet(received.name, received.media_type):
        mapped = await run_in_threadpool(
            map_spreadsheet, received.data, received.name, received.media_type, store
        )
        media = received.media_type or XLSX_TYPE
        rdf = ox.serialize(mapped.triples, format=ox.RdfFormat.N_TRIPLES)
        return Document(mapped.triples, media, received.name, rdf)
    triples, fmt = body_document(received)
    return Document(triples, fmt.media_type, received.name)


async def _receive(
    request: Request, sender: Principal, store: Store, document: Document, data: bytes, note: str
) -> Submission:
    """Check the scope, store the submission durably, start its validation."""
    if not document.triples:
        raise InputError(f"{document.name}: the submission holds no triples")
    await run_in_threadpool(check_scope, sender, document.triples, store)
    scopes = sender.scopes if not sender.is_reviewer else ("*",)
    submission = await run_in_threadpool(
        lambda: inbox.receive(
            store_dir_of(request),
            sender,
            filename=document.name,
            media_type=document.media_type,
            body=data,
            scopes=scopes,
            note=note,
            rdf=document.mapped,
        )
    )
    request.app.state.inbox.wake_validation()
    return submission


def _signed_in(request: Request, viewer: Principal | None) -> Principal | Response:
    """The reader, or for a browser without a token the sign-in page (401 for programs)."""
    if viewer is not None:
        return viewer
    if prefers_html(request.headers.get("accept")):
        return RedirectResponse("/inbox", status_code=303)
    return authenticate(store_dir_of(request), None)  # raises the 401 with its advice


def _details(request: Request, identifier: str, viewer: Principal) -> dict[str, Any]:
    store_dir = store_dir_of(request)
    submission = inbox.visible_submission(store_dir, identifier, viewer)
    waiting = submission.status == ACCEPTED
    return {
        "submission": submission,
        "report": inbox.submission_report(store_dir, identifier),
        "events": inbox.events(store_dir, identifier),
        "publication": inbox.last_publication(store_dir) if waiting else None,
    }


def _as_json(request: Request, details: dict[str, Any]) -> dict[str, Any]:
    submission: Submission = details["submission"]
    publication = details["publication"]
    return _summary(request, submission) | {
        "report": details["report"],
        "events": [vars(e) for e in details["events"]],
        "publication": vars(publication) if publication else None,
    }


def _summary(request: Request, submission: Submission) -> dict[str, Any]:
    url = str(request.url_for("show", identifier=submission.id))
    return submission.as_dict() | {
        "url": url,
        "file": url + "/file",
        "changes": url + "/changes",
    }


def _decided(request: Request, submission: Submission) -> Response:
    if prefers_html(request.headers.get("accept")):
        return RedirectResponse(f"/submissions/{submission.id}", status_code=303)
    return JSONResponse(_summary(request, submission))


async def _reason(request: Request) -> str:
    """The reviewer's reason: a JSON body {"reason": ...}, a form field, or ?reason=."""
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            body = json.loads(await read_body(request, REASON_LIMIT))
        except ValueError:
            raise InputError('the body is not JSON; send {"reason": "..."}') from None
        return str(body.get("reason", "")) if isinstance(body, dict) else ""
    form = await read_form(request, limit=REASON_LIMIT)
    return form.fields.get("reason", "") or request.query_params.get("reason", "")


def _inbox_page(
    request: Request,
    viewer: Principal,
    found: list[Submission],
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(request, "inbox.html", status_code, viewer=viewer, submissions=found, error=error)

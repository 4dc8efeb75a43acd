"""Submissions in the inbox: received, validated, reviewed, published; every step one committed
transaction, so a crash at any point leaves each submission in the state of its last step.

    received -> validating -> valid | invalid | failed -> accepted | rejected -> published
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cancerkg.errors import ConflictError, InputError, NotFoundError
from cancerkg.submissions.database import connect, write
from cancerkg.submissions.tokens import Principal, now

RECEIVED, VALIDATING = "received", "validating"
VALID, INVALID, FAILED = "valid", "invalid", "failed"
ACCEPTED, REJECTED, PUBLISHED = "accepted", "rejected", "published"
STATUSES = (RECEIVED, VALIDATING, VALID, INVALID, FAILED, ACCEPTED, REJECTED, PUBLISHED)
PENDING_REVIEW = (VALID, INVALID, FAILED)
REVIEWABLE = {ACCEPTED: (VALID,), REJECTED: (VALID, INVALID, FAILED)}
MAX_REASON = 2000


@dataclass(frozen=True)
class Submission:
    """One submission as the inbox holds it (the bytes are read separately: `submission_body`)."""

    id: str
    steward: str
    token_id: str
    organisation: str | None
    scopes: tuple[str, ...]
    filename: str
    media_type: str
    sha256: str
    size: int
    note: str
    received_at: str
    status: str
    conforms: bool | None
    counts: dict[str, int] | None
    error: str | None
    reviewer: str | None
    reviewed_at: str | None
    reason: str | None
    release: str | None
    published_at: str | None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["scopes"] = list(self.scopes)
        return data


@dataclass(frozen=True)
class Event:
    at: str
    status: str
    actor: str
    detail: str


def new_id() -> str:
    """Sortable by arrival and unguessable: 20261203-161502-9f3a1c."""
    return f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def receive(
    store_dir: Path,
    sender: Principal,
    *,
    filename: str,
    media_type: str,
    body: bytes,
    scopes: tuple[str, ...],
    note: str = "",
    rdf: bytes | None = None,
) -> Submission:
    """Store a submission; when this returns, it is on disk (the commit fsyncs the WAL). `rdf`
    is what a spreadsheet was mapped to on receipt (N-Triples); the sheet is kept as `body`."""
    identifier, at = new_id(), now()
    with connect(store_dir) as db, write(db):
        db.execute(
            "INSERT INTO submissions (id, token_id, steward, organisation, scopes, filename,"
            " media_type, body, rdf, sha256, note, received_at, status, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                identifier,
                sender.token_id,
                sender.name,
                sender.organisation,
                json.dumps(list(scopes)),
                filename,
                media_type,
                body,
                rdf,
                hashlib.sha256(body).hexdigest(),
                note[:MAX_REASON],
                at,
                RECEIVED,
                at,
            ),
        )
        _event(db, identifier, RECEIVED, sender.name, f"{filename}, {len(body)} bytes")
    return get_submission(store_dir, identifier)


def get_submission(store_dir: Path, identifier: str) -> Submission:
    with connect(store_dir) as db:
        row = db.execute(_SELECT + " WHERE id = ?", (identifier,)).fetchone()
    if row is None:
        raise NotFoundError(f"no submission {identifier!r}")
    return _submission(row)


def visible_submission(store_dir: Path, identifier: str, viewer: Principal) -> Submission:
    """A submission its sender or a reviewer may see; to anyone else it does not exist (404,
    so ids of other stewards' submissions cannot be probed)."""
    submission = get_submission(store_dir, identifier)
    if not viewer.is_reviewer and submission.steward != viewer.name:
        raise NotFoundError(f"no submission {identifier!r}")
    return submission


def submission_body(store_dir: Path, identifier: str) -> bytes:
    with connect(store_dir) as db:
        row = db.execute("SELECT body FROM submissions WHERE id = ?", (identifier,)).fetchone()
    if row is None:
        raise NotFoundError(f"no submission {identifier!r}")
    return bytes(row["body"])


def submission_rdf(store_dir: Path, identifier: str) -> bytes | None:
    """The N-Triples a spreadsheet submission was mapped to (None for an RDF submission)."""
    with connect(store_dir) as db:
        row = db.execute("SELECT rdf FROM submissions WHERE id = ?", (identifier,)).fetchone()
    if row is None:
        raise NotFoundError(f"no submission {identifier!r}")
    return bytes(row["rdf"]) if row["rdf"] is not None else None


def submission_report(store_dir: Path, identifier: str) -> dict[str, Any] | None:
    with connect(store_dir) as db:
        row = db.execute("SELECT report FROM submissions WHERE id = ?", (identifier,)).fetchone()
    if row is None:
        raise NotFoundError(f"no submission {identifier!r}")
    report: dict[str, Any] | None = json.loads(row["report"]) if row["report"] else None
    return report


def list_submissions(
    store_dir: Path, viewer: Principal | None = None, status: tuple[str, ...] = ()
) -> list[Submission]:
    """Newest first: a steward's own, or every one for a reviewer (or the maintainer's CLI)."""
    clauses, values = [], []
    if viewer is not None and not viewer.is_reviewer:
        clauses.append("steward = ?")
        values.append(viewer.name)
    if status:
        clauses.append(f"status IN ({', '.join('?' * len(status))})")
        values.extend(status)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    with connect(store_dir) as db:
        rows = db.execute(_SELECT + where + " ORDER BY received_at DESC, id DESC", values)
        return [_submission(row) for row in rows.fetchall()]


def events(store_dir: Path, identifier: str) -> list[Event]:
    with connect(store_dir) as db:
        rows = db.execute(
            "SELECT at, status, actor, detail FROM events WHERE submission = ? ORDER BY seq",
            (identifier,),
        ).fetchall()
    return [Event(r["at"], r["status"], r["actor"], r["detail"]) for r in rows]


def claim_for_validation(store_dir: Path) -> list[str]:
    """Every submission waiting for its report (received, or validating when a crash stopped
    the run), marked validating."""
    with connect(store_dir) as db, write(db):
        rows = db.execute(
            "SELECT id FROM submissions WHERE status IN (?, ?) ORDER BY received_at, id",
            (RECEIVED, VALIDATING),
        ).fetchall()
        ids = [row["id"] for row in rows]
        for identifier in ids:
            _set(db, identifier, VALIDATING, "cancerkg", "validation started")
    return ids


def record_report(
    store_dir: Path, identifier: str, conforms: bool, report: dict[str, Any]
) -> Submission:
    status = VALID if conforms else INVALID
    counts = report.get("counts", {})
    with connect(store_dir) as db, write(db):
        db.execute(
            "UPDATE submissions SET conforms = ?, counts = ?, report = ?, error = NULL"
            " WHERE id = ?",
            (int(conforms), json.dumps(counts), json.dumps(report), identifier),
        )
        _set(db, identifier, status, "cancerkg", _counts_text(counts))
    return get_submission(store_dir, identifier)


def record_failure(store_dir: Path, identifier: str, message: str) -> Submission:
    with connect(store_dir) as db, write(db):
        db.execute("UPDATE submissions SET error = ? WHERE id = ?", (message, identifier))
        _set(db, identifier, FAILED, "cancerkg", message)
    return get_submission(store_dir, identifier)


def decide(
    store_dir: Path, identifier: str, reviewer: Principal, decision: str, reason: str
) -> Submission:
    """Accept or reject, once: the check and the update are one transaction, so two reviewers
    acting at the same moment cannot both decide (the second gets 409)."""
    reviewer.require_reviewer()
    if decision not in REVIEWABLE:
        raise InputError(f"unknown decision {decision!r}; use accepted or rejected")
    reason = reason.strip()
    if decision == REJECTED and not reason:
        raise InputError("a rejection needs a reason the steward can act on")
    with connect(store_dir) as db, write(db):
        row = db.execute("SELECT status FROM submissions WHERE id = ?", (identifier,)).fetchone()
        if row is None:
            raise NotFoundError(f"no submission {identifier!r}")
        if row["status"] not in REVIEWABLE[decision]:
            raise ConflictError(_cannot(identifier, row["status"], decision))
        db.execute(
            "UPDATE submissions SET reviewer = ?, reviewed_at = ?, reason = ? WHERE id = ?",
            (reviewer.name, now(), reason[:MAX_REASON], identifier),
        )
        _set(db, identifier, decision, reviewer.name, reason[:MAX_REASON])
    return get_submission(store_dir, identifier)


@dataclass(frozen=True)
class PublicationRun:
    """One run of `cancerkg publish`, as the inbox recorded it."""

    started_at: str
    finished_at: str | None
    outcome: str  # running, published, up to date, failed
    release: str | None
    detail: str


def last_publication(store_dir: Path) -> PublicationRun | None:
    """The latest publishing run: an accepted submission waiting for a release shows why."""
    with connect(store_dir) as db:
        row = db.execute(
            "SELECT started_at, finished_at, outcome, release, detail FROM publications"
            " ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    return PublicationRun(*row) if row else None


def accepted_unpublished(store_dir: Path) -> list[Submission]:
    return sorted(list_submissions(store_dir, status=(ACCEPTED,)), key=lambda s: s.id)


def mark_published(store_dir: Path, identifiers: list[str], release: str) -> None:
    with connect(store_dir) as db, write(db):
        for identifier in identifiers:
            db.execute(
                "UPDATE submissions SET release = ?, published_at = ? WHERE id = ? AND status = ?",
                (release, now(), identifier, ACCEPTED),
            )
            _set(db, identifier, PUBLISHED, "cancerkg", f"in release {release}")


def _cannot(identifier: str, status: str, decision: str) -> str:
    if decision == ACCEPTED and status == INVALID:
        return f"submission {identifier} does not conform to the shapes; it can only be rejected"
    if status in (RECEIVED, VALIDATING):
        return f"submission {identifier} is still being validated; review it when it has a report"
    return f"submission {identifier} is already {status}"


def _counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in counts.items() if n)


def _set(db: sqlite3.Connection, identifier: str, status: str, actor: str, detail: str) -> None:
    db.execute(
        "UPDATE submissions SET status = ?, updated_at = ? WHERE id = ?",
        (status, now(), identifier),
    )
    _event(db, identifier, status, actor, detail)


def _event(db: sqlite3.Connection, identifier: str, status: str, actor: str, detail: str) -> None:
    db.execute(
        "INSERT INTO events (submission, at, status, actor, detail) VALUES (?, ?, ?, ?, ?)",
        (identifier, now(), status, actor, detail),
    )


_SELECT = (
    "SELECT id, steward, token_id, organisation, scopes, filename, media_type, sha256,"
    " length(body) AS size, note, received_at, status, conforms, counts, error, reviewer,"
    " reviewed_at, reason, release, published_at FROM submissions"
)


def _submission(row: sqlite3.Row) -> Submission:
    return Submission(
        id=row["id"],
        steward=row["steward"],
        token_id=row["token_id"],
        organisation=row["organisation"],
        scopes=tuple(json.loads(row["scopes"])),
        filename=row["filename"],
        media_type=row["media_type"],
        sha256=row["sha256"],
        size=row["size"],
        note=row["note"],
        received_at=row["received_at"],
        status=row["status"],
        conforms=None if row["conforms"] is None else bool(row["conforms"]),
        counts=json.loads(row["counts"]) if row["counts"] else None,
        error=row["error"],
        reviewer=row["reviewer"],
        reviewed_at=row["reviewed_at"],
        reason=row["reason"],
        release=row["release"],
        published_at=row["published_at"],
    )

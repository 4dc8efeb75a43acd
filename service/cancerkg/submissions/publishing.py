"""`cancerkg publish`: the next release, built from the knowledge folders and every accepted
submission, one publisher at a time.

The build publishes atomically (a failed or killed build leaves the current release serving),
and the inbox learns which submissions made it in from the release's own manifest, so a crash
between the two is mended by the next run: it finds the release up to date and only records it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cancerkg.build.pipeline import Reporter, build
from cancerkg.errors import CancerKGError
from cancerkg.store.durable import exclusive_lock
from cancerkg.store.releases import Release, published_releases
from cancerkg.submissions.accepted import restore_accepted, submission_graph
from cancerkg.submissions.database import INBOX, connect, write
from cancerkg.submissions.inbox import accepted_unpublished, mark_published
from cancerkg.submissions.tokens import now
from cancerkg.validation.release import release_gate

LOCK = "publish.lock"


@dataclass(frozen=True)
class Publication:
    release: Release
    version: str
    rebuilt: bool
    published: tuple[str, ...]


def publish(store_dir: Path, *, report: Reporter | None = None) -> Publication:
    """Build and publish the next release if anything changed; mark the accepted submissions
    it holds as published. Waits for a publisher already running."""
    with exclusive_lock(store_dir / INBOX / LOCK):
        restore_accepted(store_dir)
        pending = accepted_unpublished(store_dir)
        seq = _start(store_dir)
        try:
            # the same shapes gate as `cancerkg build`: a release that breaks them is refused
            result = build(store_dir, report=report, check=release_gate())
        except CancerKGError as error:
            _finish(store_dir, seq, "failed", None, error.message)
            raise
        version = _version(store_dir, result.release)
        held = {source.graph for source in result.release.manifest().sources}
        published = [s.id for s in pending if submission_graph(s.id) in held]
        mark_published(store_dir, published, version)
        outcome = "published" if result.rebuilt else "up to date"
        _finish(store_dir, seq, outcome, version, f"{len(published)} submission(s)")
        return Publication(result.release, version, result.rebuilt, tuple(published))


def _version(store_dir: Path, release: Release) -> str:
    """The version a release is known by, as /releases lists it (derived from its build time
    for a release built before versions existed)."""
    path = release.path.resolve()
    known = next((p for p in published_releases(store_dir) if p.release.path == path), None)
    return known.version if known is not None else release.fingerprint


def _start(store_dir: Path) -> int:
    with connect(store_dir) as db, write(db):
        cursor = db.execute(
            "INSERT INTO publications (started_at, outcome) VALUES (?, 'running')", (now(),)
        )
        return int(cursor.lastrowid or 0)


def _finish(store_dir: Path, seq: int, outcome: str, version: str | None, detail: str) -> None:
    with connect(store_dir) as db, write(db):
        db.execute(
            "UPDATE publications SET finished_at = ?, outcome = ?, release = ?, detail = ?"
            " WHERE seq = ?",
            (now(), outcome, version, detail, seq),
        )

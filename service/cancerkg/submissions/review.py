"""A reviewer's decisions, and the changes a submission makes to the current release in words.

Accepting commits the decision first and then writes the source file; a crash in between is
mended by `restore_accepted` (the bytes are in the inbox database), never lost.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from cancerkg.errors import StoreNotFoundError
from cancerkg.graph.changes import Changes, changes_between
from cancerkg.store.open import release_quads
from cancerkg.store.releases import Release, current_release
from cancerkg.submissions.accepted import submission_graph, submission_triples, write_accepted
from cancerkg.submissions.inbox import ACCEPTED, REJECTED, Submission, decide
from cancerkg.submissions.tokens import Principal


def accept(store_dir: Path, identifier: str, reviewer: Principal, reason: str) -> Submission:
    decided = decide(store_dir, identifier, reviewer, ACCEPTED, reason)
    write_accepted(store_dir, decided)
    return decided


def reject(store_dir: Path, identifier: str, reviewer: Principal, reason: str) -> Submission:
    return decide(store_dir, identifier, reviewer, REJECTED, reason)


def submission_changes(store_dir: Path, submission: Submission) -> Changes:
    """What publishing the submission would change in the current release: its statements in
    its own named graph, told in words ("X joins EURACAN as full member")."""
    release = current_release(store_dir)
    if release is None:
        raise StoreNotFoundError(f"no built store at {store_dir}; run `cancerkg build` first")
    old = _quads(release.path)
    graph = ox.NamedNode(submission_graph(submission.id))
    added = [
        ox.Quad(t.subject, t.predicate, t.object, graph)
        for t in submission_triples(store_dir, submission)
    ]
    return changes_between(old, [*old, *added])


@lru_cache(maxsize=2)
def _quads(release_path: Path) -> tuple[ox.Quad, ...]:
    """A release's statements, read once per release (releases never change)."""
    return tuple(release_quads(Release(release_path)))

"""A reviewer's decisions, and the changes a submission makes to the current release in words.

Accepting commits the decision first and then writes the source file; a crash in between is
mended by `restore_accepted` (the bytes are in the inbox database), never lost.
"""

from __future__ import annotations

from pathlib import Path

from cancerkg.store.protocol import Store
from cancerkg.submissions.accepted import submission_graph, submission_triples, write_accepted
from cancerkg.submissions.inbox import ACCEPTED, REJECTED, Submission, decide
from cancerkg.submissions.tokens import Principal


def accept(store_dir: Path, identifier: str, reviewer: Principal, reason: str) -> Submission:
    decided = decide(store_dir, identifier, reviewer, ACCEPTED, reason)
    write_accepted(store_dir, decided)
    return decided


def reject(store_dir: Path, identifier: str, reviewer: Principal, reason: str) -> Submission:
    return decide(store_dir, identifier, reviewer, REJECTED, reason)


def describe_changes(store_dir: Path, submission: Submission, published: Store) -> list[str]:
    """Sentences saying what the submission adds to the current release."""
    triples = submission_triples(store_dir, submission)
    graph = submission_graph(submission.id)
    return [f"{len(triples)} triples into {graph}"]

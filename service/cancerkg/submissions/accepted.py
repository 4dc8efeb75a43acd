"""Accepted submissions as source files of the build: STORE/accepted/<id>.ttl, one named graph
each (graph/submissions/<id>), with its provenance: who sent it for which organisation, when,
and the review that accepted it.

The file is written from the bytes in the inbox database (tmp file, fsync, rename, fsync the
folder), so it is either whole or absent, and `restore_accepted` rewrites any file a crash kept
from being written.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

from cancerkg.build.sources import ACCEPTED_FOLDER, SUBMISSIONS
from cancerkg.rdf.iris import DCTERMS, ID, PREFIXES, PROV, RDF_TYPE, RDFS, XSD, graph_iri
from cancerkg.store.durable import fsync_folder
from cancerkg.submissions.inbox import (
    ACCEPTED,
    PUBLISHED,
    Submission,
    list_submissions,
    submission_body,
    submission_rdf,
)
from cancerkg.validation.submission import parse_submission


def accepted_folder(store_dir: Path) -> Path:
    return store_dir / ACCEPTED_FOLDER


def submission_iri(identifier: str) -> str:
    return f"{ID}submission/{identifier}"


def submission_graph(identifier: str) -> str:
    return graph_iri(SUBMISSIONS, identifier)


def write_accepted(store_dir: Path, submission: Submission) -> Path:
    """The source file of an accepted submission, written atomically."""
    folder = accepted_folder(store_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{submission.id}.ttl"
    triples = submission_triples(store_dir, submission) + provenance(submission)
    tmp = folder / f".{submission.id}.ttl.tmp"
    with tmp.open("wb") as handle:
        ox.serialize(triples, handle, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(target)
    fsync_folder(folder)
    return target


def submission_triples(store_dir: Path, submission: Submission) -> list[ox.Triple]:
    """The triples a submission holds: its RDF as sent, or what its spreadsheet was mapped to
    when it was received (both parsed when it arrived)."""
    mapped = submission_rdf(store_dir, submission.id)
    if mapped is not None:
        return parse_submission(mapped, ox.RdfFormat.N_TRIPLES, name=submission.filename)
    fmt = ox.RdfFormat.from_media_type(submission.media_type) or ox.RdfFormat.TURTLE
    body = submission_body(store_dir, submission.id)
    return parse_submission(body, fmt, name=submission.filename)


def restore_accepted(store_dir: Path) -> list[str]:
    """Write the file of every accepted or published submission that has none (a crash between
    the review's commit and the file's rename); the ids written."""
    written = []
    for submission in list_submissions(store_dir, status=(ACCEPTED, PUBLISHED)):
        if not (accepted_folder(store_dir) / f"{submission.id}.ttl").is_file():
            write_accepted(store_dir, submission)
            written.append(submission.id)
    return written


def provenance(submission: Submission) -> list[ox.Triple]:
    """Who said it, for whom, when, and who accepted it: on the graph, the submission and the
    review (prov: and dcterms: terms, so any PROV reader follows it)."""
    graph = ox.NamedNode(submission_graph(submission.id))
    sent = ox.NamedNode(submission_iri(submission.id))
    review = ox.NamedNode(f"{submission_iri(submission.id)}/review")
    attributed = [ox.NamedNode(submission.organisation)] if submission.organisation else []
    title = f"Submission {submission.id} ({submission.filename}) from {submission.steward}"
    facts: list[tuple[ox.NamedNode, str, ox.NamedNode | ox.Literal]] = [
        (graph, RDF_TYPE, ox.NamedNode(PROV + "Entity")),
        (graph, DCTERMS + "title", ox.Literal(title, language="en")),
        (graph, DCTERMS + "source", sent),
        (graph, PROV + "wasDerivedFrom", sent),
        (graph, PROV + "wasGeneratedBy", review),
        (sent, RDF_TYPE, ox.NamedNode(PROV + "Entity")),
        (sent, RDFS + "label", ox.Literal(f"Submission {submission.id}", language="en")),
        (sent, DCTERMS + "identifier", ox.Literal(submission.id)),
        (sent, DCTERMS + "created", _datetime(submission.received_at)),
        (sent, DCTERMS + "creator", ox.Literal(submission.steward)),
        (review, RDF_TYPE, ox.NamedNode(PROV + "Activity")),
        (review, RDFS + "label", ox.Literal(f"Review of {submission.id}", language="en")),
        (review, PROV + "used", sent),
    ]
    if submission.reviewed_at:
        facts.append((review, PROV + "endedAtTime", _datetime(submission.reviewed_at)))
    if submission.reviewer:
        facts.append((review, DCTERMS + "creator", ox.Literal(submission.reviewer)))
    if submission.reason:
        facts.append((review, RDFS + "comment", ox.Literal(submission.reason, language="en")))
    if submission.note:
        facts.append((sent, RDFS + "comment", ox.Literal(submission.note, language="en")))
    for organisation in attributed:
        facts += [(graph, PROV + "wasAttributedTo", organisation)]
        facts += [(sent, PROV + "wasAttributedTo", organisation)]
    return [ox.Triple(s, ox.NamedNode(p), o) for s, p, o in facts]


def _datetime(text: str) -> ox.Literal:
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "dateTime"))

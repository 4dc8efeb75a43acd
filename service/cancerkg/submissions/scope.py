"""What a steward may speak for: a submission may only describe the networks and organisations
of its sender's token, their memberships and count observations, and new entities.

A subject of the submission is in scope when
- it is one of the token's scopes, or
- it is a membership or count observation (in the submission or the published graph) whose
  network, member or observed entity is one of the scopes, or
- the published graph does not describe it yet and it is not such a record (a new hospital
  the submission introduces; its membership must still be in scope).
So a EURACAN steward can add EURACAN members and describe new hospitals, but cannot change
ERN-Skin's memberships or rename an existing hospital of another network. Reviewers may send
anything.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from cancerkg.errors import ForbiddenError, InputError
from cancerkg.internal_queries import internal_query
from cancerkg.named_queries.binding import entity_exists, filled_internal_query
from cancerkg.rdf.iris import ID, ID_PREFIXES, checked_iri, compact_iri
from cancerkg.rdf.terms import Term
from cancerkg.store.protocol import Store, select
from cancerkg.submissions.tokens import Principal

SHOWN = 10


def check_scope(sender: Principal, triples: Sequence[ox.Triple], published: Store) -> None:
    """ForbiddenError (403) listing what the submission says outside the sender's scopes."""
    if sender.is_reviewer:
        return
    outside = out_of_scope(triples, set(sender.scopes), published)
    if outside:
        shown = ", ".join(compact_iri(iri, ID_PREFIXES) or iri for iri in outside[:SHOWN])
        more = f" and {len(outside) - SHOWN} more" if len(outside) > SHOWN else ""
        scopes = ", ".join(compact_iri(s, ID_PREFIXES) or s for s in sender.scopes)
        raise ForbiddenError(
            f"this submission describes {shown}{more}, outside what token {sender.token_id} "
            f"may speak for ({scopes}); send those to their own network's steward, or ask a "
            "reviewer"
        )


def out_of_scope(triples: Sequence[ox.Triple], scopes: set[str], published: Store) -> list[str]:
    """The subjects (IRIs, sorted) of `triples` that are not in scope."""
    owners: dict[str, set[str]] = {}
    records: set[str] = set()
    for row in _submission_subjects(triples):
        subject = row["subject"].value
        owners.setdefault(subject, set())
        if row["owner"] is not None:
            owners[subject].add(row["owner"].value)
        if row["record"] is not None and row["record"].value == "true":
            records.add(subject)
    existing: set[str] = set()
    subjects = [ox.NamedNode(s) for s in owners]
    for start in range(0, len(subjects), 500):
        query = filled_internal_query("scope-published", {"subject": subjects[start : start + 500]})
        for found in select(published, query):
            subject = found["subject"].value  # type: ignore[union-attr]
            if found["owner"] is not None:
                owners[subject].add(found["owner"].value)
                records.add(subject)
            if found["existing"] is not None and found["existing"].value == "true":
                existing.add(subject)
    return sorted(
        s
        for s, own in owners.items()
        if s not in scopes and not own & scopes and (s in records or s in existing)
    )


def _submission_subjects(triples: Sequence[ox.Triple]) -> list[dict[str, Term]]:
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    solutions = store.query(internal_query("scope-submission"))
    assert isinstance(solutions, ox.QuerySolutions)
    return [{v.value: s[v] for v in solutions.variables} for s in solutions]


SCOPE_KINDS = ("network", "organisation", "project", "initiative")


def resolve_scope(text: str, published: Store | None) -> str:
    """The IRI a --scope names: an IRI, `kind/slug`, or a bare slug of a network, organisation,
    project or initiative the published graph describes."""
    text = text.strip()
    if text.startswith(("https://", "http://")):
        return checked_iri(text, "--scope")
    candidates = [ID + text] if "/" in text else [f"{ID}{kind}/{text}" for kind in SCOPE_KINDS]
    if published is None:
        if "/" not in text:
            raise InputError(
                f"--scope {text}: without a built store, name it as kind/slug "
                "(e.g. network/euracan) or a full IRI"
            )
        return candidates[0]
    for iri in candidates:
        if entity_exists(published, ox.NamedNode(iri)):
            return iri
    raise InputError(
        f"--scope {text}: the published graph has no network, organisation, project or "
        "initiative of that name; use the slug of its /id/ page (e.g. euracan)"
    )

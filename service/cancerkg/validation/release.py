"""The whole release validated against the shapes: the build's gate, and `validate --release`.

A release is checked as SHACL sees the sources: the asserted graphs (data/ and the ontology)
merged into one data graph, the shapes of shapes/. The compiled engine (sparql_engine) makes this
take seconds, so every build can afford it before the new release becomes current.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from cancerkg.errors import ReleaseInvalidError
from cancerkg.store.oxigraph import OxigraphStore
from cancerkg.store.protocol import Store, construct
from cancerkg.validation.engine import PUBLISHED_GRAPHS, load_shapes
from cancerkg.validation.report import render
from cancerkg.validation.sparql_engine import Outcome, dataset_of, validate_store


def validate_release(store: Store, *, root: Path | None = None) -> Outcome:
    """Validate the published release of `store` whole (any backend)."""
    graphs = [g for g in store.named_graphs() if g.startswith(PUBLISHED_GRAPHS)]
    if isinstance(store, OxigraphStore):
        return validate_sources(store.native, root=root)
    everything = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    triples = construct(store, everything, default_graphs=graphs)
    data = dataset_of(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return validate_store(data, load_shapes(root))


def validate_sources(store: ox.Store, *, root: Path | None = None) -> Outcome:
    """Validate the asserted graphs of a pyoxigraph store (a release, or a build in progress)."""
    graphs = [
        g
        for g in store.named_graphs()
        if isinstance(g, ox.NamedNode) and g.value.startswith(PUBLISHED_GRAPHS)
    ]
    quads = (q for g in graphs for q in store.quads_for_pattern(None, None, None, g))
    return validate_store(dataset_of(quads), load_shapes(root))


def release_gate(
    fail_on: str = "violation", *, root: Path | None = None
) -> Callable[[ox.Store], str]:
    """The check `cancerkg build` runs before publishing: it refuses a release with a result at
    or above `fail_on` (ReleaseInvalidError, the text report as detail) and otherwise returns a
    one-line summary for the release's manifest."""

    def check(store: ox.Store) -> str:
        outcome = validate_sources(store, root=root)
        report = outcome.report
        if not report.conforms(fail_on):
            counts = report.counts()
            raise ReleaseInvalidError(
                f"the new release breaks the shapes ({counts['Violation']} violations, "
                f"{counts['Warning']} warnings) and was not published; the previous release "
                "is still current. Fix the sources, or see `cancerkg build --help`",
                detail=render(report, "text", fail_on=fail_on),
            )
        return summary(outcome)

    return check


def summary(outcome: Outcome) -> str:
    """How a release was validated, in one line: counts, time, shapes left to pyshacl."""
    counts = ", ".join(
        f"{n} {s.lower()}{'s' if n != 1 else ''}" for s, n in outcome.report.counts().items()
    )
    line = f"{counts} ({outcome.checks} SPARQL checks, {outcome.seconds:.1f} s)"
    if outcome.uncompiled:
        line += f"; by pyshacl: {', '.join(sorted(outcome.uncompiled))}"
    return line

"""Validation benchmark: `python bench/bench_validation.py` writes its section of bench/RESULTS.md.

Ours = cancerkg.validation.engine
(submission + context slice from the store; prepared SPARQL). Plain =
pyshacl.validate on the same data as one graph (the submission merged into the whole graph).
Synthetic data is shaped like data/: institutions with labels, countries, ROR ids and sources,
and one membership per institution in a network.
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from rdflib import Graph

from cancerkg.build.pipeline import build
from cancerkg.settings import Settings
from cancerkg.store.open import open_store
from cancerkg.store.oxigraph import OxigraphStore
from cancerkg.validation.engine import load_shapes, to_graph, validate_graph, validate_submission

RESULTS = Path(__file__).parent / "RESULTS.md"
START, END = "<!-- validation:start -->", "<!-- validation:end -->"
ID = "https://w3id.org/cancerkg/id/"
CKG = "https://w3id.org/cancerkg/ontology#"
# Beyond this size plain pyshacl is run once, on the whole graph with the submission merged in:
# that one run is both its submission figure and its whole-graph figure (it has no other mode),
# which saves ~15 minutes at 1M triples.
SEPARATE_PLAIN_RUNS_UP_TO = 120_000


def synthetic(n_institutions: int, offset: int = 0) -> list[ox.Triple]:
    """About 14 triples per institution + membership, like data/members-*.ttl."""
    nn, lit = ox.NamedNode, ox.Literal
    rdf_type = nn("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    label = nn("http://www.w3.org/2000/01/rdf-schema#label")
    source = nn("http://purl.org/dc/terms/source")
    org = "http://www.w3.org/ns/org#"
    out: list[ox.Triple] = []
    for i in range(offset, offset + n_institutions):
        inst = nn(f"{ID}organisation/synthetic-{i}")
        mem = nn(f"{ID}membership/noe-aya--synthetic-{i}")
        out += [
            ox.Triple(inst, rdf_type, nn(CKG + "HealthcareProvider")),
            ox.Triple(inst, label, lit(f"Synthetic hospital {i}", language="en")),
            ox.Triple(inst, nn("https://schema.org/addressLocality"), lit(f"City {i % 500}")),
            ox.Triple(
                inst,
                nn(CKG + "country"),
                nn("http://publications.europa.eu/resource/authority/country/ITA"),
            ),
            ox.Triple(inst, nn(CKG + "rorId"), lit(f"0{i:06d}"[-7:].replace("0", "a", 1) + "00")),
            ox.Triple(inst, source, nn(f"https://example.org/h/{i}")),
            ox.Triple(mem, rdf_type, nn(org + "Membership")),
            ox.Triple(mem, nn(org + "member"), inst),
            ox.Triple(mem, nn(org + "organization"), nn(f"{ID}network/noe-aya")),
            ox.Triple(mem, nn(org + "role"), nn(f"{ID}role/participant")),
            ox.Triple(mem, source, nn(f"https://example.org/m/{i}")),
        ]
    return out


def timed(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def plain(data: Graph, shapes: Graph) -> None:
    pyshacl.validate(data, shacl_graph=shapes, inference="none")


def union_triples(store: OxigraphStore) -> list[ox.Triple]:
    result = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    return [t for t in result if isinstance(t, ox.Triple)]  # type: ignore[union-attr]


def main() -> None:
    shapes = load_shapes()
    rows: list[tuple[str, str, str, str]] = []
    submission = synthetic(25, offset=10_000_000)  # 50 nodes: 25 institutions + 25 memberships
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp))
        store = open_store(Settings(Path(tmp)))
        assert isinstance(store, OxigraphStore)
        published = union_triples(store)
        ours = timed(lambda: validate_submission(submission, store), 7)
        plain_s = _plain_seconds([*published, *submission], shapes)
        rows.append(
            (
                "50-node submission, real graph",
                f"{len(published):,}",
                f"{ours * 1000:.0f} ms (median of 7)",
                f"{plain_s * 1000:.0f} ms",
            )
        )
        two = synthetic(1, offset=10_000_000)
        ours = timed(lambda: validate_submission(two, store), 7)
        rows.append(
            (
                "2-node submission (hospital + membership), real graph",
                f"{len(published):,}",
                f"{ours * 1000:.0f} ms (median of 7)",
                "-",
            )
        )
        for target in (100_000, 1_000_000):
            big = ox.Store()
            base = published + synthetic(max(0, (target - len(published)) // 11))
            big.extend(
                ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(ID + "g")) for t in base
            )
            context = OxigraphStore(big)
            ours = timed(partial(validate_submission, submission, context), 5)
            separate = len(base) <= SEPARATE_PLAIN_RUNS_UP_TO
            plain_sub = _plain_seconds([*base, *submission], shapes)
            rows.append(
                (
                    "50-node submission, synthetic graph",
                    f"{len(base):,}",
                    f"{ours * 1000:.0f} ms (median of 5)",
                    f"{plain_sub:.1f} s" + ("" if separate else " (whole graph + submission)"),
                )
            )
            whole = to_graph(base)
            ours_whole = timed(partial(validate_graph, whole, shapes), 1)
            del whole
            plain_whole = _plain_seconds(base, shapes) if separate else plain_sub
            rows.append(
                (
                    "whole graph" + ("" if separate else " (plain: same run as above)"),
                    f"{len(base):,}",
                    f"{ours_whole:.1f} s",
                    f"{plain_whole:.1f} s",
                )
            )
            print(rows[-2], rows[-1], file=sys.stderr, flush=True)
        store.close()
    write(rows)


def _plain_seconds(triples: list[ox.Triple], shapes: Graph) -> float:
    graph = to_graph(triples)
    started = time.perf_counter()
    plain(graph, shapes)
    return time.perf_counter() - started


def write(rows: list[tuple[str, str, str, str]]) -> None:
    table = [
        "| case | triples | ours (cancerkg.validation.engine) | plain pyshacl |",
        "|---|---:|---:|---:|",
    ]
    table += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    note = (
        "\n\nOne run of `python bench/bench_validation.py` on this 2-core machine, pyshacl "
        f"{pyshacl.__version__}. Plain pyshacl validates the submission merged into the whole "
        "graph (what a naive service would do); ours validates the submission plus the context "
        "slice the shapes need (shapes/context*.rq) and reports only the submission's nodes, so "
        "its time does not grow with the published graph. Whole-graph validation is pyshacl in "
        "both columns (ours adds only prepared SPARQL, and reports through our own reader). "
        "Plain times exclude building the rdflib graph; ours whole-graph likewise. Above "
        f"{SEPARATE_PLAIN_RUNS_UP_TO:,} triples plain pyshacl runs once, on the whole graph with "
        "the submission merged in, and that run fills both of its cells.\n"
    )
    section = f"{START}\n## Validation\n\n" + "\n".join(table) + note + END
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmarks\n"
    if START in text:
        text = re.sub(
            re.escape(START) + ".*?" + re.escape(END), lambda _: section, text, flags=re.S
        )
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text, encoding="utf-8")
    print(section)


if __name__ == "__main__":
    main()

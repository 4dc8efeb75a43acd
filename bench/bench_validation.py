"""Validation benchmark: `python bench/bench_validation.py [--million]` writes its section of
bench/RESULTS.md.

Two questions, one run:
- a submission (50 and 2 nodes) validated in the context of the published graph
  (cancerkg.validation.engine: pyshacl on the submission plus the slice of context it needs);
- a whole graph validated by the compiled engine (cancerkg.validation.sparql_engine: the shapes as
  SPARQL on pyoxigraph, what `cancerkg build` runs before publishing) side by side with plain
  pyshacl on the same triples, with a check that both report the same results.

Synthetic data (bench/synthetic.py) is shaped like data/: institutions with labels, countries, ROR
ids and sources, and one membership each; whole graphs also carry seeded errors of every kind.
1M triples (`--million`) costs about 15 minutes of pyshacl.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
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
from cancerkg.validation.report import Report
from cancerkg.validation.sparql_engine import dataset_of, validate_store

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import ID, seeded_errors, synthetic

RESULTS = Path(__file__).parent / "RESULTS.md"
START, END = "<!-- validation:start -->", "<!-- validation:end -->"
MILLION = " --million"
SEEDS = 3  # copies of the broken records in each whole graph (about 80 triples each)


def timed(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def union_triples(store: OxigraphStore) -> list[ox.Triple]:
    result = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    return [t for t in result if isinstance(t, ox.Triple)]  # type: ignore[union-attr]


def keys(report: Report) -> Counter[tuple[str | None, ...]]:
    return Counter(
        (r.focus, r.path, r.value, r.component, r.severity, r.shape) for r in report.results
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--million", action="store_true", help="also 1M triples (slow: pyshacl)")
    sizes = [10_000, 100_000] + ([1_000_000] if parser.parse_args().million else [])
    shapes = load_shapes()
    load_start = os.getloadavg()[0]
    started = time.monotonic()
    submissions: list[tuple[str, str, str]] = []
    whole: list[tuple[str, str, str, str, str, str]] = []
    submission = synthetic(25, offset=10_000_000)  # 50 nodes: 25 institutions + 25 memberships
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp))
        store = open_store(Settings(Path(tmp)))
        assert isinstance(store, OxigraphStore)
        published = union_triples(store)
        ours = timed(lambda: validate_submission(submission, store), 7)
        submissions.append(("50 nodes", f"{len(published):,}", f"{ours * 1000:.0f} ms"))
        two = synthetic(1, offset=10_000_000)
        ours = timed(lambda: validate_submission(two, store), 7)
        submissions.append(
            ("2 nodes (hospital + membership)", f"{len(published):,}", f"{ours * 1000:.0f} ms")
        )
        for target in sizes:
            base = published + seeded_errors(SEEDS)
            base += synthetic(max(0, (target - len(base)) // 11))
            big = ox.Store()
            big.bulk_extend(
                ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(ID + "g")) for t in base
            )
            ours = timed(partial(validate_submission, submission, OxigraphStore(big)), 5)
            submissions.append(("50 nodes", f"{len(base):,}", f"{ours * 1000:.0f} ms"))
            del big
            whole.append(_whole(base, shapes))
            print(submissions[-1], whole[-1], file=sys.stderr, flush=True)
        store.close()
    load_end = os.getloadavg()[0]
    write(submissions, whole, (load_start, load_end), time.monotonic() - started)


def _whole(triples: list[ox.Triple], shapes: Graph) -> tuple[str, str, str, str, str, str]:
    """(triples, copy, compiled, pyshacl, speed-up, results) for one whole graph."""
    started = time.perf_counter()
    data = dataset_of(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    copy = time.perf_counter() - started
    started = time.perf_counter()
    compiled = validate_store(data, shapes)
    ours = time.perf_counter() - started
    assert not compiled.uncompiled, compiled.uncompiled
    del data
    graph = to_graph(triples)
    started = time.perf_counter()
    reference = validate_graph(graph, shapes)
    plain = time.perf_counter() - started
    del graph
    same = keys(compiled.report) == keys(reference)
    return (
        f"{len(triples):,}",
        f"{copy:.1f} s",
        f"{ours:.1f} s",
        f"{plain:.1f} s",
        f"{plain / ours:.0f}x",
        f"{len(reference.results):,} ({'identical' if same else 'DIFFERENT'})",
    )


def write(
    submissions: list[tuple[str, str, str]],
    whole: list[tuple[str, str, str, str, str, str]],
    load: tuple[float, float],
    seconds: float,
) -> None:
    table = [
        "### Whole graph: compiled engine against pyshacl",
        "",
        "| triples | copy into the dataset | compiled (SPARQL on pyoxigraph) | pyshacl | speed-up "
        "| results (both engines) |",
        "|---:|---:|---:|---:|---:|---:|",
        *(f"| {' | '.join(row)} |" for row in whole),
        "",
        "### A submission in the context of the published graph",
        "",
        "| submission | published graph (triples) | cancerkg.validation.engine (median) |",
        "|---|---:|---:|",
        *(f"| {' | '.join(row)} |" for row in submissions),
    ]
    note = (
        f"\n\nOne run of `python bench/bench_validation.py{MILLION if len(whole) > 2 else ''}` "
        f"({seconds / 60:.0f} min) on this 2-core machine shared with other work (load average "
        f"{load[0]:.1f} at the start, {load[1]:.1f} at the end), pyshacl {pyshacl.__version__}, "
        f"pyoxigraph {ox.__version__}. Whole graphs are the real graph's union (inferred "
        f"shortcuts included, so org:memberOf is reported as hand-written everywhere) plus "
        f"{SEEDS} copies of records breaking every rule (bench/synthetic.py) plus synthetic "
        "institutions. *compiled* is `validate_store` (plan, every SPARQL check, the results); "
        "*copy* is putting the triples into the in-memory dataset it reads, which the build "
        "gate also pays; *pyshacl* is `pyshacl.validate` on an rdflib graph of the same "
        "triples, not counting building that graph. *results* counts both engines' results and "
        "says whether they are the same (focus node, path, value, component, severity, shape).\n"
    )
    section = (
        f"{START}\n## Validation (`bench/bench_validation.py`)\n\n" + "\n".join(table) + note + END
    )
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

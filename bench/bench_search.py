"""Benchmark search at ~1M triples: the release's SQLite FTS5 index (what cancerkg ships),
tantivy over the same entries (the alternative the issue named), and the SPARQL label-search
named query that search used before. Writes the "search" section of bench/RESULTS.md.

    python bench/bench_search.py [--triples 1000000] [--runs 51]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

import pyoxigraph as ox
from bench_queries import write_synthetic_store

from cancerkg.build.pipeline import build
from cancerkg.build.search_index import _rows, words, write_search_index
from cancerkg.graph.search import search_index
from cancerkg.named_queries.run import select_named
from cancerkg.store.oxigraph import OxigraphStore
from cancerkg.testing import write_results_section

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
SEARCHES = [
    ("karolinsk", "a word's start"),
    ("gustav rousy", "prefix + a missing letter"),
    ("sklodowska", "folded ł"),
    ("EURACAN", "exact acronym"),
    ("klinikum lyon", "two words, synthetic"),
    ("03a07kg34", "ROR id"),
    ("uni", "a short, common prefix"),
    ("a", "one letter"),
]


def timed(run: Callable[[], object], runs: int) -> tuple[float, float, int]:
    """Median and 95th percentile in ms after one warm-up, and the rows of the last run."""
    rows = len(run())  # type: ignore[arg-type]
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        rows = len(run())  # type: ignore[arg-type]
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], rows


def tantivy_index(store: ox.Store, folder: Path) -> tuple[object, float]:
    """The same entries in a tantivy index (folded text, default tokenizer)."""
    import tantivy  # bench-only: the alternative measured, not a dependency of cancerkg

    started = time.perf_counter()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("text", stored=False)
    builder.add_text_field("entity", stored=True, tokenizer_name="raw")
    schema = builder.build()
    index = tantivy.Index(schema, path=str(folder))
    writer = index.writer()
    for iri, _kind, text, _lang, _label, _type in _rows(store):
        writer.add_document(tantivy.Document(text=" ".join(words(text)), entity=iri))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index, time.perf_counter() - started


def tantivy_search(index: object, text: str) -> list[str]:
    import tantivy

    searcher = index.searcher()  # type: ignore[attr-defined]
    schema = index.schema  # type: ignore[attr-defined]
    parts = []
    for word in words(text):
        prefix = tantivy.Query.fuzzy_term_query(schema, "text", word, distance=1, prefix=True)
        parts.append((tantivy.Occur.Must, prefix))
    if not parts:
        return []
    hits = searcher.search(tantivy.Query.boolean_query(parts), 200).hits
    return [searcher.doc(address)["entity"][0] for _score, address in hits]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=51)
    parser.add_argument(
        "--store", type=Path, default=Path(tempfile.gettempdir()) / "cancerkg-bench-store"
    )
    parser.add_argument("--no-write", action="store_true", help="Print only.")
    options = parser.parse_args()
    build(options.store)
    folder = Path(tempfile.mkdtemp(prefix="cancerkg-bench-search-"))
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=spawn) as writer:
        writer.submit(
            write_synthetic_store, folder / "oxigraph", options.store, options.triples
        ).result()
    disk = OxigraphStore.open(folder / "oxigraph")
    total = sum(1 for _ in disk.native.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    started = time.perf_counter()
    entries = write_search_index(disk.native, folder / "search.sqlite3")
    fts_seconds = time.perf_counter() - started
    fts_size = (folder / "search.sqlite3").stat().st_size
    # label-search as served: narrowed by the release's trigram index (`#+ narrow`)
    indexed = OxigraphStore(disk.native, materialised=True, text_index=folder / "search.sqlite3")
    tantivy_folder = folder / "tantivy"
    tantivy_folder.mkdir()
    index, tantivy_seconds = tantivy_index(disk.native, tantivy_folder)
    tantivy_size = sum(p.stat().st_size for p in tantivy_folder.iterdir())
    load = os.getloadavg()[0]
    lines = [
        "## Search (`bench/bench_search.py`)",
        "",
        f"{total:,} triples (the real graph plus the synthetic institutions of bench_queries), "
        f"{entries:,} names and identifiers indexed. Median and 95th percentile of "
        f"{options.runs} runs after one warm-up, in process; load average {load:.1f} on "
        f"{os.cpu_count()} cores when measured.",
        "",
        f"- SQLite FTS5 (shipped): built in {fts_seconds:.1f} s, {fts_size / 2**20:.1f} MiB.",
        f"- tantivy {getattr(sys.modules.get('tantivy'), '__version__', '')}: built in "
        f"{tantivy_seconds:.1f} s, {tantivy_size / 2**20:.1f} MiB (fuzzy prefix term queries, "
        "distance 1).",
        "",
        "| search | what | FTS5 p50 ms | FTS5 p95 ms | rows | tantivy p50 ms | rows | "
        "label-search, scanning every key, p50 ms | label-search narrowed by the index p50 ms | "
        "rows |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for text, what in SEARCHES:
        fts = timed(partial(search_index, folder / "search.sqlite3", text), options.runs)
        tan = timed(partial(tantivy_search, index, text), options.runs)
        sparql = timed(
            partial(select_named, disk, "label-search", {"text": text}),
            max(3, options.runs // 10),
        )
        narrowed = timed(
            partial(select_named, indexed, "label-search", {"text": text}),
            max(3, options.runs // 10),
        )
        assert narrowed[2] == sparql[2], f"label-search {text!r}: the index changed the answer"
        lines.append(
            f"| `{text}` | {what} | {fts[0]:.2f} | {fts[1]:.2f} | {fts[2]} | {tan[0]:.2f} | "
            f"{tan[2]} | {sparql[0]:.1f} | {narrowed[0]:.1f} | {sparql[2]} |"
        )
        print(lines[-1], file=sys.stderr)
    lines += [
        "",
        "cancerkg ships SQLite FTS5: it is in Python's standard library (no new dependency), "
        "the index is one immutable file beside the release, and the searches people type "
        "(a word's start, a name, an acronym, an identifier) answer in about a millisecond. "
        "tantivy answers most searches here faster still (all but the one-letter one), but adds "
        "a native wheel to the service for a difference users do not see at this size; it "
        "stays the way forward if the index grows past this. Common prefixes (`uni`, `a`) are the "
        "slow case for FTS5: thousands of matches, taken in the index's static order (shorter "
        "names first) rather than scored; typo tolerance is a table of one-letter deletions "
        "(SymSpell). The `label-search` named query keeps its substring meaning on every "
        "backend; served from a release it is narrowed by the same file's trigram table of "
        "search keys (entities whose key contains the text, a superset of what its CONTAINS "
        "keeps; none for texts under three characters or over 2,000 candidates).",
    ]
    print("\n".join(lines))
    if not options.no_write:
        write_results_section(RESULTS, "search", "\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark every named query on the real graph and on synthetic data at ~1M triples.

    /work/venv/bin/python bench/bench_queries.py [--triples 1000000] [--runs 7] [--no-write]

The synthetic graph is shaped like ours and merged with the real one (so the example arguments
of each query still name real things, but now among many more): networks of every type,
institutions with accented names in the real countries, memberships with time intervals (some
ended, some low confidence), the shortcuts and superclass types the build infers; then the
build's own summary stage counts it (ontology/summaries/). Each query runs
once to warm up, then `--runs` times in-process on pyoxigraph; the median is written to
bench/RESULTS.md between the `queries` markers. Bounded: about four minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

import pyoxigraph as ox

from cancerkg.build.pipeline import build
from cancerkg.build.sources import summary_files
from cancerkg.build.summaries import summarise
from cancerkg.named_queries.catalog import catalogue
from cancerkg.named_queries.paging import Page
from cancerkg.named_queries.run import run_query
from cancerkg.rdf.iris import SUMMARY_GRAPH
from cancerkg.rdf.text import fold
from cancerkg.store import releases
from cancerkg.store.open import release_quads
from cancerkg.store.oxigraph import OxigraphStore, materialise_union

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
START, END = "<!-- queries:start -->", "<!-- queries:end -->"
TARGET_MS = 50.0

ID = "https://w3id.org/cancerkg/id/"
CKG = "https://w3id.org/cancerkg/ontology#"
ORG = "http://www.w3.org/ns/org#"
TIME = "http://www.w3.org/2006/time#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
COUNTRY = "http://publications.europa.eu/resource/authority/country/"
CODES = [
    "AUT",
    "BEL",
    "BGR",
    "HRV",
    "CYP",
    "CZE",
    "DNK",
    "EST",
    "FIN",
    "FRA",
    "DEU",
    "GRC",
    "HUN",
    "IRL",
    "ITA",
    "LVA",
    "LTU",
    "LUX",
    "MLT",
    "NLD",
    "POL",
    "PRT",
    "ROU",
    "SVK",
    "SVN",
    "ESP",
    "SWE",
    "ISL",
    "LIE",
    "NOR",
    "GBR",
]
NAMES = [
    "Hôpital",
    "Université",
    "Klinikum",
    "Szpital",
    "Nemocnice",
    "Ospedale",
    "Hospital",
    "Kórház",
    "Sjúkrahús",
    "Centre",
    "Instituto",
    "Zentrum",
    "Ośrodek",
    "Clínica",
    "Sygehus",
    "Ziekenhuis",
]
CITIES = [
    "Łódź",
    "Köln",
    "Lyon",
    "Praha",
    "Sevilla",
    "Kraków",
    "Göteborg",
    "Aarhus",
    "Brno",
    "Cluj",
    "Zürich",
    "Münster",
]
NETWORK_TYPES = (
    "CancerReferenceNetwork",
    "EuropeanReferenceNetwork",
    "NetworkOfExpertise",
    "NationalNetwork",
)
SUPER = {
    "CancerReferenceNetwork": ["EuropeanReferenceNetwork", "Network"],
    "EuropeanReferenceNetwork": ["Network"],
    "NetworkOfExpertise": ["Network"],
    "NationalNetwork": ["Network"],
}
REAL_NETWORKS = ("euracan", "ithaca", "cranio", "genturis", "paedcan", "eurobloodnet")
DOMAINS = ("noe-palliative-care", "noe-omics", "noe-aya", "noe-survivorship")


def iri(text: str) -> ox.NamedNode:
    return ox.NamedNode(text)


def synthetic(triples: int, seed: int = 7) -> Iterator[ox.Quad]:
    """About `triples` quads in one graph, as the build would have left them (inferred too:
    types, shortcuts, search keys)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    graph = iri("https://w3id.org/cancerkg/graph/data/synthetic")
    source = iri("https://example.org/synthetic-source")

    def quad(
        s: ox.NamedNode | ox.BlankNode,
        p: str | ox.NamedNode,
        o: ox.NamedNode | ox.BlankNode | ox.Literal,
    ) -> ox.Quad:
        return ox.Quad(s, p if isinstance(p, ox.NamedNode) else iri(p), o, graph)

    networks = [iri(f"{ID}network/{slug}") for slug in REAL_NETWORKS]
    for n in range(200):
        network = iri(f"{ID}network/synthetic-{n}")
        kind = NETWORK_TYPES[n % len(NETWORK_TYPES)]
        for cls in [
            kind,
            *SUPER[kind],
        ]:
            yield quad(network, RDF_TYPE, iri(CKG + cls))
        yield quad(network, RDF_TYPE, iri(ORG + "Organization"))
        yield quad(network, LABEL, ox.Literal(f"Réseau synthétique {n}", language="en"))
        yield quad(
            network, CKG + "searchKey", ox.Literal(fold(f"Réseau synthétique {n}"), language="en")
        )
        yield quad(network, CKG + "coversDomain", iri(f"{ID}domain/{DOMAINS[n % 4]}"))
        networks.append(network)
    emitted, n = 0, 0
    per_institution = 32  # average quads an institution and its memberships add
    while emitted < triples:
        n += 1
        org = iri(f"{ID}organisation/synthetic-{n}")
        country = iri(COUNTRY + rng.choice(CODES))
        name = f"{rng.choice(NAMES)} {rng.choice(CITIES)} {n}"
        for cls in ("HealthcareProvider", "Institution"):
            yield quad(org, RDF_TYPE, iri(CKG + cls))
        for cls in ("FormalOrganization", "Organization"):
            yield quad(org, RDF_TYPE, iri(ORG + cls))
        yield quad(org, LABEL, ox.Literal(name, language="en"))
        yield quad(org, CKG + "searchKey", ox.Literal(fold(name), language="en"))
        yield quad(org, CKG + "country", country)
        yield quad(org, "http://purl.org/dc/terms/spatial", country)
        yield quad(org, "https://schema.org/addressLocality", ox.Literal(rng.choice(CITIES)))
        yield quad(org, "http://purl.org/dc/terms/source", source)
        for network in rng.sample(networks, rng.choice((1, 2, 3))):
            membership = iri(f"{ID}membership/{network.value.rsplit('/', 1)[1]}--synthetic-{n}")
            interval, begin = ox.BlankNode(), ox.BlankNode()
            yield quad(membership, RDF_TYPE, iri(ORG + "Membership"))
            yield quad(membership, ORG + "member", org)
            yield quad(membership, ORG + "organization", network)
            yield quad(membership, ORG + "role", iri(f"{ID}role/full-member"))
            yield quad(membership, ORG + "memberDuring", interval)
            yield quad(interval, RDF_TYPE, iri(TIME + "Interval"))
            yield quad(interval, TIME + "hasBeginning", begin)
            yield quad(
                begin,
                TIME + "inXSDDate",
                ox.Literal(f"{rng.randint(2017, 2024)}-0{rng.randint(1, 9)}-01", datatype=XSD_DATE),
            )
            yield quad(membership, "http://purl.org/dc/terms/source", source)
            ended, low = rng.random() < 0.08, rng.random() < 0.03
            if ended:
                end = ox.BlankNode()
                yield quad(interval, TIME + "hasEnd", end)
                yield quad(end, TIME + "inXSDDate", ox.Literal("2021-01-01", datatype=XSD_DATE))
            if low:
                yield quad(membership, CKG + "confidence", iri(CKG + "LowConfidence"))
            if not ended and not low:
                yield quad(org, ORG + "memberOf", network)
                yield quad(network, ORG + "hasMember", org)
        emitted += per_institution


PAGE_ROWS = 100


def median_ms(
    store: OxigraphStore, name: str, arguments: dict[str, str], runs: int
) -> tuple[float, int]:
    """Median wall time of a full run (bind + evaluate + read every row), and the row count."""
    return _median(lambda: run_query(store, name, arguments), runs)


def page_lines(
    disk: OxigraphStore, large: list[tuple[str, dict[str, str], float, int]], runs: int
) -> list[str]:
    """The first page (PAGE_ROWS rows) of every query whose answer at 1M is larger, beside the
    whole answer: what `?limit=` saves, and where the order makes the engine read everything."""
    lines = [
        "",
        f"### Pages (first {PAGE_ROWS} rows, `limit={PAGE_ROWS}`, 1M disk)",
        "",
        "| query | whole answer ms | rows | first page ms | under target |",
        "|---|---:|---:|---:|:---:|",
    ]
    for name, arguments, whole_ms, rows in large:
        page_ms, _ = _median(partial(run_query, disk, name, arguments, Page(PAGE_ROWS)), runs)
        lines.append(
            f"| {name} | {whole_ms:.1f} | {rows} | {page_ms:.1f} | "
            f"{'yes' if page_ms < TARGET_MS else '**no**'} |"
        )
        print(lines[-1], file=sys.stderr)
    return lines


def median_sparql_ms(store: OxigraphStore, text: str, runs: int) -> tuple[float, int]:
    """The same for a plain SPARQL text (the floor probes of bench/floor/)."""
    return _median(lambda: store.query(text), runs)


def _median(run: Callable[[], object], runs: int) -> tuple[float, int]:
    def once() -> int:
        result = run()
        return sum(1 for _ in result) if isinstance(result, ox.QuerySolutions) else 1

    rows = once()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        once()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), rows


def floor_lines(disk: OxigraphStore, memory: OxigraphStore, runs: int) -> list[str]:
    """What the engine itself costs at 1M for the shapes the slowest queries cannot avoid."""
    lines = [
        "",
        "Engine floor at 1M (`bench/floor/*.rq`, same stores): what reading rows, sorting them "
        "by label and scanning every search key cost with nothing else in the query. On disk "
        "each string pyoxigraph decodes (an output label or IRI, a label compared in ORDER BY, a "
        "key tested by CONTAINS) is a RocksDB read; in memory it is a hash lookup.",
        "",
        "| probe | what it measures | 1M disk ms | 1M memory ms | rows |",
        "|---|---|---:|---:|---:|",
    ]
    for path in sorted((HERE / "floor").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        what = " ".join(
            line.removeprefix("#").strip() for line in text.splitlines() if line.startswith("#")
        )
        disk_ms, rows = median_sparql_ms(disk, text, runs)
        memory_ms, _ = median_sparql_ms(memory, text, runs)
        lines.append(f"| {path.stem} | {what} | {disk_ms:.1f} | {memory_ms:.1f} | {rows} |")
        print(lines[-1], file=sys.stderr)
    return lines


def write_synthetic_store(path: Path, real_store: Path, triples: int) -> float:
    """The real release (without its summaries) plus `triples` synthetic ones at `path`, its
    default graph materialised and its summaries counted as the build does; returns the seconds
    the summary stage took."""
    release = releases.current_release(real_store)
    assert release is not None
    writer = ox.Store(str(path))
    summary_graph = ox.NamedNode(SUMMARY_GRAPH)
    writer.bulk_extend(q for q in release_quads(release) if q.graph_name != summary_graph)
    writer.bulk_extend(synthetic(triples))
    materialise_union(writer)
    counted = time.perf_counter()
    summarise(writer, summary_files())  # the build's own summary stage, over real + synthetic
    seconds = time.perf_counter() - counted
    writer.flush()
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    default_store = Path(tempfile.gettempdir()) / "cancerkg-bench-store"
    parser.add_argument("--store", type=Path, default=default_store)
    parser.add_argument("--no-write", action="store_true", help="Print only.")
    options = parser.parse_args()

    build(options.store)
    release = releases.current_release(options.store)
    assert release is not None
    real_quads = release_quads(release)
    real = OxigraphStore.in_memory()
    real.load(real_quads)
    real.materialise_union()
    started = time.perf_counter()
    disk_path = Path(tempfile.mkdtemp(prefix="cancerkg-bench-1m-"))
    # Written by another process, as `cancerkg build` writes the release that `cancerkg serve`
    # and `cancerkg query` read.
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=spawn) as writer:
        summary_seconds = writer.submit(
            write_synthetic_store, disk_path, options.store, options.triples
        ).result()
    disk = OxigraphStore.open(disk_path)  # read-only, as the service and the CLI open a release
    memory = ox.Store()
    memory.bulk_extend(disk.native.quads_for_pattern(None, None, None, None))
    big = OxigraphStore(memory, materialised=True)  # the merged default graph came along
    total = sum(1 for _ in disk.native.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    print(
        f"real graph {len(real.native):,} quads; synthetic graph {total:,} triples in the "
        f"default graph (generated and loaded in {time.perf_counter() - started:.0f} s, "
        f"summaries {summary_seconds:.1f} s)",
        file=sys.stderr,
    )

    lines = [
        START,
        "",
        "## Named queries (`bench/bench_queries.py`)",
        "",
        f"In-process pyoxigraph {ox.__version__}, median of {options.runs} runs after one "
        "warm-up, each query with the example arguments of its header (bind + evaluate + "
        f"read all rows). Real graph: {len(real.native):,} quads. Synthetic: {total:,} triples "
        "(the real graph plus 200 networks, institutions with 1-3 dated memberships each, "
        "8 % ended, 3 % low confidence, inferred shortcuts and types), its summary counts "
        f"computed by the build's own stage ({summary_seconds:.1f} s) and its default graph "
        "materialised as the build does. *1M disk* is the read-only on-disk (RocksDB) store "
        "that `cancerkg serve` and `cancerkg query` use; *1M memory* the same data in an "
        "in-memory pyoxigraph store. "
        f"Target: under {TARGET_MS:.0f} ms at 1M, judged on the disk store. Load average at "
        "the start "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: other work inflates every figure.",
        "",
        "| query | arguments | real ms | rows | 1M disk ms | 1M memory ms | rows | under target |",
        "|---|---|---:|---:|---:|---:|---:|:---:|",
    ]
    slow = []
    large: list[tuple[str, dict[str, str], float, int]] = []
    for name, query in catalogue().items():
        arguments = query.example_arguments()
        real_ms, real_rows = median_ms(real, name, arguments, options.runs)
        disk_ms, big_rows = median_ms(disk, name, arguments, options.runs)
        big_ms, _ = median_ms(big, name, arguments, options.runs)
        ok = disk_ms < TARGET_MS
        slow += [] if ok else [name]
        if big_rows > PAGE_ROWS * 2:
            large.append((name, arguments, disk_ms, big_rows))
        shown = ", ".join(f"{k}={v}" for k, v in arguments.items())
        lines.append(
            f"| {name} | {shown} | {real_ms:.1f} | {real_rows} | {disk_ms:.1f} | {big_ms:.1f} | "
            f"{big_rows} | {'yes' if ok else '**no**'} |"
        )
        print(lines[-1], file=sys.stderr)
    lines += ["", f"Over target: {', '.join(slow) if slow else 'none'}."]
    lines += page_lines(disk, large, options.runs)
    lines += floor_lines(disk, big, options.runs)
    lines += ["", END]
    disk.close()
    shutil.rmtree(disk_path, ignore_errors=True)
    if not options.no_write:
        write_section("\n".join(lines))
    return 0


def write_section(section: str) -> None:
    """Replace our section of bench/RESULTS.md (or append it), leaving the others alone."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmarks\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())

"""Our SPARQL endpoint over HTTP next to its peers, same data: `python bench/bench_service.py`.

Builds the knowledge graph, then serves it three ways on loopback ports:
- ours: the real `cancerkg serve` (worker processes over the read-only pyoxigraph store);
- rdflib-endpoint (the closest Python peer; `pip install -e '.[bench]'`) over an rdflib
  Dataset parsed from the build's N-Quads dump;
- Virtuoso where installed (tests/virtuoso.py's throwaway instance, loaded with `cancerkg load`).

Load comes from wrk (Debian's `wrk`, C, so the client is not the limit as a Python one was): each
query is sent with GET and an explicit Accept (Virtuoso mishandles direct POSTs) over 8 keep-alive
connections for SECONDS seconds after a warm-up at the same concurrency; the answers are checked
(with httpx) to agree across servers. Writes the table into bench/RESULTS.md between
<!-- service:start --> and <!-- service:end -->.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gzip
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
from bench_queries import synthetic

from cancerkg.build.sources import ENV_SOURCES, knowledge_root
from cancerkg.named_queries.run import bound_query
from cancerkg.settings import Settings
from cancerkg.store.open import open_store
from cancerkg.testing import (
    free_port,
    load_graph,
    running_virtuoso,
    serve_command,
    stop_process,
    wait_until_up,
)

ROOT = Path(__file__).resolve().parents[1]

CONCURRENCY = 8
THREADS = 2  # wrk threads: one per core
SECONDS = 10  # measured seconds per query and server
WARM_UP_SECONDS = 3  # per query, at full concurrency, before any measurement
SETTLE = 3.0  # seconds of rest after the warm-up
RESULTS = ROOT / "bench" / "RESULTS.md"
START, END = "<!-- service:start -->", "<!-- service:end -->"
CLIENT_NOTE = (
    "wrk shares the 2 cores with the server it loads (and our service with its query worker "
    "processes), so every figure is for client and server together on this machine."
)
PREFIXES = """PREFIX ckg: <https://w3id.org/cancerkg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
EURACAN = "<https://w3id.org/cancerkg/id/network/euracan>"
JSON = "application/sparql-results+json"
TURTLE = "text/turtle"


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    accept: str
    # A named query: ours answers it at /api/queries/NAME (its JSON), the peers get its bound
    # SPARQL text at /sparql (filled in by `bind_named`).
    named: tuple[str, tuple[tuple[str, str], ...]] | None = None


QUERIES = [
    Query(
        "members of EURACAN (SELECT)",
        PREFIXES
        + f"""SELECT DISTINCT ?member ?label WHERE {{
  ?membership org:organization {EURACAN} ; org:member ?member .
  OPTIONAL {{ ?member rdfs:label ?label FILTER(lang(?label) = "en") }}
}} ORDER BY ?label ?member""",
        JSON,
    ),
    Query(
        "ERN members per country (GROUP BY)",
        PREFIXES
        + """SELECT ?country
  (COUNT(DISTINCT ?member) AS ?members) WHERE {
  ?network a ckg:EuropeanReferenceNetwork .
  ?membership org:organization ?network ; org:member ?member .
  ?member ckg:country ?country .
} GROUP BY ?country ORDER BY DESC(?members) ?country""",
        JSON,
    ),
    Query(
        "EURACAN has a coordinator (ASK)",
        PREFIXES + f"ASK {{ {EURACAN} ckg:coordinatedBy ?coordinator }}",
        JSON,
    ),
    Query(
        "EURACAN members' names and countries (CONSTRUCT)",
        PREFIXES
        + f"""CONSTRUCT {{
  ?member rdfs:label ?label ; ckg:country ?country }} WHERE {{
  ?membership org:organization {EURACAN} ; org:member ?member .
  ?member rdfs:label ?label ; ckg:country ?country .
}}""",
        TURTLE,
    ),
]

NAMED = [
    ("network-members", (("network", "euracan"),)),
    ("member-counts-by-country", (("network", "euracan"),)),
]


def bind_named(store: Path) -> list[Query]:
    """The named queries of NAMED with their arguments bound, as the service binds them."""
    opened = open_store(Settings(store, "oxigraph"))
    try:
        return [
            Query(
                f"{name} (named query)",
                bound_query(opened, name, dict(arguments)),
                JSON,
                (name, arguments),
            )
            for name, arguments in NAMED
        ]
    finally:
        opened.close()


RDFLIB_ENDPOINT = """
import sys, rdflib, uvicorn
from rdflib_endpoint import SparqlEndpoint
data = rdflib.Dataset(default_union=True)
data.parse(sys.argv[1], format="nquads")
app = SparqlEndpoint(graph=data, path="/sparql")
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


@dataclass
class Measure:
    server: str
    query: str
    size: int  # rows, triples, or 1/0 for ASK
    done: int
    errors: int
    p50: float
    p99: float
    rate: float


OURS = "cancerkg serve"
OURS_CACHED = "cancerkg serve, cache on"
PEERS = ("rdflib-endpoint", "Virtuoso")


@dataclass
class Size:
    """One graph the servers are measured on."""

    label: str
    quads: int
    measures: list[Measure]
    notes: list[str]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--triples",
        type=int,
        default=1_000_000,
        help="synthetic triples added for the large release (0: the real graph only)",
    )
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: `apt-get install wrk` (Debian), then run again")
    started = time.monotonic()
    sizes = []
    with tempfile.TemporaryDirectory(prefix="cancerkg-bench-") as tmp:
        folder = Path(tmp)
        real = folder / "real"
        run([sys.executable, "-m", "cancerkg", "build", "--store", str(real / "store")])
        sizes.append(measure_size("the built graph", real))
        if options.triples:
            large = folder / "large"
            sources = build_large(large, options.triples)
            # `cancerkg serve` and `cancerkg load` rebuild a store whose sources changed: they
            # must see the same sources the large release was built from.
            os.environ[ENV_SOURCES] = str(sources)
            try:
                label = f"the built graph plus {options.triples:,} synthetic triples"
                sizes.append(measure_size(label, large))
            finally:
                del os.environ[ENV_SOURCES]
    write_results(sizes, time.monotonic() - started)


def build_large(folder: Path, triples: int) -> Path:
    """A real release folder of the graph plus synthetic institutions (bench_queries' generator),
    built by `cancerkg build` from a copy of the sources, as `cancerkg serve` would serve it.
    The synthetic data is not meant to pass the shapes, so the release gate is skipped."""
    sources = folder / "sources"
    for name in ("ontology", "shapes", "data", "queries", "mappings"):
        shutil.copytree(knowledge_root() / name, sources / name)
    with (sources / "data" / "synthetic.nt").open("wb") as handle:
        triples_only = (ox.Triple(q.subject, q.predicate, q.object) for q in synthetic(triples))
        ox.serialize(triples_only, handle, format=ox.RdfFormat.N_TRIPLES)
    command = [sys.executable, "-m", "cancerkg", "build", "--no-validate", "--store"]
    subprocess.run(
        [*command, str(folder / "store")],
        check=True,
        env={**os.environ, ENV_SOURCES: str(sources)},
    )
    return sources


def measure_size(label: str, folder: Path) -> Size:
    """Every query on every server over one release."""
    store = folder / "store"
    dump = folder / "cancerkg.nq"
    dump.write_bytes(
        gzip.decompress(next(store.glob("releases/*/dist/cancerkg.nq.gz")).read_bytes())
    )
    quads = sum(1 for _ in ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS))
    queries = QUERIES + bind_named(store)
    measures: list[Measure] = []
    notes: list[str] = []
    # Every request evaluated (the result cache off), then the default: wrk repeats one request,
    # so with the cache on every answer after the first is a hit (its ceiling, not real traffic).
    with ours(store, {"CANCERKG_RESULT_CACHE": "0"}) as url:
        measures += measure_all(OURS, url, queries)
    with ours(store) as url:
        measures += measure_all(OURS_CACHED, url, queries)
    with rdflib_endpoint(dump) as url:
        measures += measure_all("rdflib-endpoint", url, queries)
    if shutil.which("virtuoso-t") and shutil.which("isql-vt"):
        with virtuoso(folder / "virtuoso", store) as url:
            measures += measure_all("Virtuoso", url, queries)
    else:
        notes.append("Virtuoso is not installed here (.ci/install-virtuoso.sh): not run.")
    check_agreement(measures)
    return Size(label, quads, measures, notes)


def _wrk_version() -> str:
    done = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    match = re.search(r"wrk (\S+)", done.stdout + done.stderr)
    return match[1] if match else "(version unknown)"


def run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} failed:\n{done.stderr}")


@contextlib.contextmanager
def server(
    command: list[str], health: str, port: int, env: dict[str, str] | None = None
) -> Iterator[str]:
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}{health}", process)
        yield f"http://127.0.0.1:{port}/sparql"
    finally:
        stop_process(process)


def ours(store: Path, env: dict[str, str] | None = None) -> contextlib.AbstractContextManager[str]:
    port = free_port()
    return server(serve_command(store, port), "/health", port, env)


def rdflib_endpoint(dump: Path) -> contextlib.AbstractContextManager[str]:
    port = free_port()
    command = [sys.executable, "-c", RDFLIB_ENDPOINT, str(dump), str(port)]
    return server(command, "/sparql?query=ASK%7B%7D", port)


@contextlib.contextmanager
def virtuoso(folder: Path, store: Path) -> Iterator[str]:
    with running_virtuoso(folder, free_port(), free_port()) as url:
        loaded = load_graph(url, store, timeout=900)  # 1M triples: one run timed out at 30 s
        if loaded.returncode != 0:
            raise SystemExit(f"cancerkg load into Virtuoso failed:\n{loaded.stderr}")
        yield url


def measure_all(name: str, url: str, queries: list[Query]) -> list[Measure]:
    # Warm up at full concurrency first: our service starts extra workers on demand, and their
    # start-up must not be billed to whichever query happens to be measured first.
    ours_api = name in (OURS, OURS_CACHED)
    for query in queries:
        wrk(target(url, query, ours_api), query, WARM_UP_SECONDS)
    time.sleep(SETTLE)
    results = []
    for query in queries:
        size = answer_size(target(url, query, ours_api), query, ours_api)
        measured = wrk(target(url, query, ours_api), query, SECONDS)
        results.append(Measure(name, query.name, size=size, **measured))
    for m in results:
        print(
            f"{name:16} {m.query:50} {m.done:6} req  p50 {m.p50:8.1f} ms  "
            f"p99 {m.p99:8.1f} ms  {m.rate:8.1f} req/s  size {m.size}",
            flush=True,
        )
    return results


def target(url: str, query: Query, ours_api: bool) -> str:
    """The URL a query is sent to: /api/queries/NAME on ours for a named query, else /sparql."""
    if query.named is not None and ours_api:
        name, arguments = query.named
        base = url.removesuffix("/sparql")
        return f"{base}/api/queries/{name}?" + urllib.parse.urlencode(arguments)
    return url + "?" + urllib.parse.urlencode({"query": query.text})


def wrk(target: str, query: Query, seconds: int) -> dict[str, Any]:
    """One wrk run: completed requests, non-2xx answers, p50/p99 latency (ms), requests/s."""
    command = [
        "wrk", f"-t{THREADS}", f"-c{CONCURRENCY}", f"-d{seconds}s", "--latency", "--timeout", "60s",
        "-H", f"Accept: {query.accept}", target,
    ]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return {
        "done": int(_field(r"(\d+) requests in", out)),
        "errors": int(_field(r"Non-2xx or 3xx responses: (\d+)", out, "0")),
        "p50": _milliseconds(_field(r"(?m)^\s+50%\s+(\S+)", out)),
        "p99": _milliseconds(_field(r"(?m)^\s+99%\s+(\S+)", out)),
        "rate": float(_field(r"Requests/sec:\s+(\S+)", out)),
    }


def _field(pattern: str, text: str, default: str | None = None) -> str:
    match = re.search(pattern, text)
    if match is None:
        if default is None:
            raise SystemExit(f"wrk printed no {pattern!r}:\n{text}")
        return default
    return match[1]


def _milliseconds(value: str) -> float:
    """wrk's latency (`812.00us`, `15.31ms`, `1.02s`) in ms."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def answer_size(target: str, query: Query, ours_api: bool) -> int:
    """Rows, triples, or 1/0 for ASK, of one answer fetched with httpx."""
    response = httpx.get(target, headers={"Accept": query.accept}, timeout=600)
    response.raise_for_status()
    if query.named is not None and ours_api:
        return len(response.json()["rows"])
    if query.accept == TURTLE:
        return len(set(ox.parse(response.content, ox.RdfFormat.TURTLE)))
    result = ox.parse_query_results(response.content, ox.QueryResultsFormat.JSON)
    if isinstance(result, ox.QueryBoolean):
        return int(bool(result))
    return sum(1 for _ in result)


def check_agreement(measures: list[Measure]) -> None:
    """Every server gives answers of the same size (else the comparison means nothing)."""
    for query in {m.query for m in measures}:
        sizes = {m.server: m.size for m in measures if m.query == query}
        if len(set(sizes.values())) > 1:
            raise SystemExit(f"the servers disagree on {query!r}: {sizes}")


def write_results(sizes: list[Size], took: float) -> None:
    lines = [
        START,
        "",
        "## SPARQL endpoint over HTTP (`bench/bench_service.py`)",
        "",
        f"{datetime.date.today().isoformat()}, one run on this {os.cpu_count()}-core machine "
        f"({platform.python_implementation()} {platform.python_version()}; client and servers "
        f"share the cores), loopback. wrk "
        f"{_wrk_version()}, {THREADS} threads, {CONCURRENCY} keep-alive connections, GET with an "
        f"explicit Accept, {SECONDS} s per query and server after a {WARM_UP_SECONDS} s warm-up "
        "per query at the same concurrency. Latency per request in ms (wrk's percentiles); "
        "req/s as wrk reports it. "
        "Our service ran with its defaults (2 warm worker processes, 30 s timeout, 10,000-row "
        "cap) from a release folder built by `cancerkg build`, twice: *cancerkg serve* with its "
        "result cache off (`CANCERKG_RESULT_CACHE=0`: every request evaluated, the figure to "
        "compare), *cache on* with its default cache (wrk repeats one request, so every answer "
        "after the first is a hit: the cache's ceiling, not typical traffic); rdflib-endpoint "
        "over an rdflib "
        "Dataset parsed from that release's N-Quads dump; Virtuoso 7 (Debian) loaded with "
        "`cancerkg load`. The named queries go to `/api/queries/NAME` on ours (its JSON) and as "
        "their bound SPARQL text to the others' `/sparql`. Every server's answers had the same "
        "size.",
    ]
    for size in sizes:
        lines += ["", f"### {size.label}: {size.quads:,} quads", "", *_table(size)]
        lines += [f"- {note}" for note in size.notes]
        lines += ["", "Ours as a multiple of each peer's req/s:", "", *_ratios(size)]
    lines += ["", CLIENT_NOTE, f"The whole run took {took:.0f} s.", "", END]
    section = "\n".join(lines)
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmarks\n"
    if START in text and END in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text)
    print(f"wrote {RESULTS}")


def _table(size: Size) -> list[str]:
    servers = list(dict.fromkeys(m.server for m in size.measures))
    lines = [
        "| query | answer | " + " | ".join(f"{s} p50 / p99 ms | {s} req/s" for s in servers) + " |",
        "|---|---:|" + "---:|---:|" * len(servers),
    ]
    for query in dict.fromkeys(m.query for m in size.measures):
        row = {m.server: m for m in size.measures if m.query == query}
        first = row[servers[0]]
        unit = (
            ("true" if first.size else "false")
            if "ASK" in query
            else (f"{first.size} triples" if "CONSTRUCT" in query else f"{first.size} rows")
        )
        cells = []
        for s in servers:
            m = row[s]
            failed = f", {m.errors} errors" if m.errors else ""
            if m.done == 0:
                cells.append(f"none finished in {SECONDS} s | 0")
                continue
            cells.append(f"{m.p50:.1f} / {m.p99:.1f} | {m.rate:.1f}{failed}")
        lines.append(f"| {query} | {unit} | " + " | ".join(cells) + " |")
    return lines


def _ratios(size: Size) -> list[str]:
    """Our uncached and cached throughput over each peer's, per query."""
    rate = {(m.server, m.query): m.rate for m in size.measures}
    peers = [p for p in PEERS if any(m.server == p for m in size.measures)]
    header = [f"{ours} / {peer}" for ours in (OURS, OURS_CACHED) for peer in peers]
    lines = ["| query | " + " | ".join(header) + " |", "|---|" + "---:|" * len(header)]
    for query in dict.fromkeys(m.query for m in size.measures):
        cells = []
        for ours in (OURS, OURS_CACHED):
            for peer in peers:
                theirs = rate.get((peer, query), 0.0)
                if not theirs:
                    cells.append("peer: 0")
                    continue
                ratio = rate[(ours, query)] / theirs
                cells.append(f"{ratio:.2f}x" if ratio < 1 else f"{ratio:.1f}x")
        lines.append(f"| {query} | " + " | ".join(cells) + " |")
    return lines


if __name__ == "__main__":
    main()

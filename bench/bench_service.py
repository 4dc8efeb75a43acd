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


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: `apt-get install wrk` (Debian), then run again")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="cancerkg-bench-") as tmp:
        folder = Path(tmp)
        store = folder / "store"
        run([sys.executable, "-m", "cancerkg", "build", "--store", str(store)])
        dump = folder / "cancerkg.nq"
        dump.write_bytes(
            gzip.decompress(next(store.glob("releases/*/dist/cancerkg.nq.gz")).read_bytes())
        )
        quads = sum(1 for _ in ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS))
        measures: list[Measure] = []
        notes: list[str] = []
        with ours(store) as url:
            measures += measure_all("cancerkg serve", url)
        with rdflib_endpoint(dump) as url:
            measures += measure_all("rdflib-endpoint", url)
        if shutil.which("virtuoso-t") and shutil.which("isql-vt"):
            with virtuoso(folder / "virtuoso", store) as url:
                measures += measure_all("Virtuoso", url)
        else:
            notes.append("Virtuoso is not installed here (.ci/install-virtuoso.sh): not run.")
    check_agreement(measures)
    write_results(measures, quads, notes, time.monotonic() - started)


def _wrk_version() -> str:
    done = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    match = re.search(r"wrk (\S+)", done.stdout + done.stderr)
    return match[1] if match else "(version unknown)"


def run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} failed:\n{done.stderr}")


@contextlib.contextmanager
def server(command: list[str], health: str, port: int) -> Iterator[str]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{port}{health}", process)
        yield f"http://127.0.0.1:{port}/sparql"
    finally:
        stop_process(process)


def ours(store: Path) -> contextlib.AbstractContextManager[str]:
    port = free_port()
    return server(serve_command(store, port), "/health", port)


def rdflib_endpoint(dump: Path) -> contextlib.AbstractContextManager[str]:
    port = free_port()
    command = [sys.executable, "-c", RDFLIB_ENDPOINT, str(dump), str(port)]
    return server(command, "/sparql?query=ASK%7B%7D", port)


@contextlib.contextmanager
def virtuoso(folder: Path, store: Path) -> Iterator[str]:
    with running_virtuoso(folder, free_port(), free_port()) as url:
        loaded = load_graph(url, store)
        if loaded.returncode != 0:
            raise SystemExit(f"cancerkg load into Virtuoso failed:\n{loaded.stderr}")
        yield url


def measure_all(name: str, url: str) -> list[Measure]:
    # Warm up at full concurrency first: our service starts extra workers on demand, and their
    # start-up must not be billed to whichever query happens to be measured first.
    for query in QUERIES:
        wrk(url, query, WARM_UP_SECONDS)
    time.sleep(SETTLE)
    results = []
    for query in QUERIES:
        size = answer_size(url, query)
        results.append(Measure(name, query.name, size=size, **wrk(url, query, SECONDS)))
    for m in results:
        print(
            f"{name:16} {m.query:50} {m.done:6} req  p50 {m.p50:8.1f} ms  "
            f"p99 {m.p99:8.1f} ms  {m.rate:8.1f} req/s  size {m.size}",
            flush=True,
        )
    return results


def wrk(url: str, query: Query, seconds: int) -> dict[str, Any]:
    """One wrk run: completed requests, non-2xx answers, p50/p99 latency (ms), requests/s."""
    target = url + "?" + urllib.parse.urlencode({"query": query.text})
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


def answer_size(url: str, query: Query) -> int:
    """Rows, triples, or 1/0 for ASK, of one answer fetched with httpx."""
    response = httpx.get(url, params={"query": query.text}, headers={"Accept": query.accept})
    response.raise_for_status()
    if query.accept == TURTLE:
        return len(set(ox.parse(response.content, ox.RdfFormat.TURTLE)))
    result = ox.parse_query_results(response.content, ox.QueryResultsFormat.JSON)
    if isinstance(result, ox.QueryBoolean):
        return int(bool(result))
    return sum(1 for _ in result)


def check_agreement(measures: list[Measure]) -> None:
    """Every server gives answers of the same size (else the comparison means nothing)."""
    for query in QUERIES:
        sizes = {m.server: m.size for m in measures if m.query == query.name}
        if len(set(sizes.values())) > 1:
            raise SystemExit(f"the servers disagree on {query.name!r}: {sizes}")


def write_results(measures: list[Measure], quads: int, notes: list[str], took: float) -> None:
    servers = list(dict.fromkeys(m.server for m in measures))
    lines = [
        START,
        "",
        "## SPARQL endpoint over HTTP (`bench/bench_service.py`)",
        "",
        f"{datetime.date.today().isoformat()}, one run on this {os.cpu_count()}-core machine "
        f"({platform.python_implementation()} {platform.python_version()}; client and servers "
        f"share the cores), the built graph of {quads:,} quads, loopback. wrk "
        f"{_wrk_version()}, {THREADS} threads, {CONCURRENCY} keep-alive connections, GET with an "
        f"explicit Accept, {SECONDS} s per query and server after a {WARM_UP_SECONDS} s warm-up "
        "per query at the same concurrency. Latency per request in ms (wrk's percentiles); "
        "req/s as wrk reports it. "
        "Our service ran with its defaults (2 warm worker processes, 30 s timeout, 10,000-row "
        "cap); rdflib-endpoint over an rdflib Dataset parsed from the N-Quads dump; Virtuoso "
        "7 (Debian) loaded with `cancerkg load`. Every server's answers had the same size.",
        "",
        "| query | answer | " + " | ".join(f"{s} p50 / p99 ms | {s} req/s" for s in servers) + " |",
        "|---|---:|" + "---:|---:|" * len(servers),
    ]
    for query in QUERIES:
        row = {m.server: m for m in measures if m.query == query.name}
        first = row[servers[0]]
        unit = (
            ("true" if first.size else "false")
            if "ASK" in query.name
            else (f"{first.size} triples" if query.accept == TURTLE else f"{first.size} rows")
        )
        cells = []
        for s in servers:
            m = row[s]
            failed = f", {m.errors} errors" if m.errors else ""
            cells.append(f"{m.p50:.1f} / {m.p99:.1f} | {m.rate:.1f}{failed}")
        lines.append(f"| {query.name} | {unit} | " + " | ".join(cells) + " |")
    lines += ["", CLIENT_NOTE, *notes, f"The whole run took {took:.0f} s.", "", END]
    section = "\n".join(line for line in lines if line is not None)
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmarks\n"
    if START in text and END in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text)
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()

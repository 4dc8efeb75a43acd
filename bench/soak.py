"""A bounded soak of `cancerkg serve` on loopback: `python bench/soak.py [--seconds 300]
[--concurrency 16]`.

Mixed load, each client looping over the same list: SPARQL (GET and POST), named queries, the
relationship API, linked-data and HTML pages, and a small validation. Every 30 s it prints the
requests, errors (5xx or no answer), p50/p99 latency and the resident memory of every server
process (the server and its query workers); at the end it writes the run to bench/RESULTS.md
between the `soak` markers. Loopback only; the run stops by itself after --seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from cancerkg.testing import (
    free_port,
    serve_command,
    stop_process,
    wait_until_up,
    write_results_section,
)

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
SUBMISSION = (ROOT / "tests" / "shapes" / "valid" / "new-hospital-joins-noe.ttl").read_bytes()
# (method, path, query parameters, body, content type): the mix every client loops over.
MIX: list[tuple[str, str, dict[str, str], bytes | None, str | None]] = [
    ("GET", "/sparql", {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}, None, None),
    ("POST", "/sparql", {}, b"ASK { ?s a <http://www.w3.org/ns/org#Membership> }",
     "application/sparql-query"),
    ("GET", "/api/queries/network-members", {"network": "euracan"}, None, None),
    ("GET", "/api/queries/institutions-by-country", {"country": "IT"}, None, None),
    ("GET", "/api/entities", {"q": "gustave"}, None, None),
    ("GET", "/api/paths", {"from": "gustave-roussy", "to": "network/euracan"}, None, None),
    ("GET", "/api/coverage", {"network": "euracan"}, None, None),
    ("GET", "/id/network/euracan", {}, None, None),
    ("GET", "/", {}, None, None),
    ("GET", "/completeness", {}, None, None),
    ("POST", "/validate", {}, SUBMISSION, "text/turtle"),
]  # fmt: skip
REPORT_EVERY = 30.0


@dataclass
class Window:
    """What happened in one reporting interval."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0


async def client(base: str, deadline: float, window: list[Window], offset: int) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        step = offset
        while time.monotonic() < deadline:
            method, path, params, body, media = MIX[step % len(MIX)]
            step += 1
            headers = {"Content-Type": media} if media else {}
            started = time.monotonic()
            try:
                response = await http.request(
                    method, path, params=params, content=body, headers=headers
                )
                failed = response.status_code >= 500
            except httpx.HTTPError:
                failed = True
            window[-1].latencies.append((time.monotonic() - started) * 1000)
            window[-1].errors += failed


def server_rss(pid: int) -> list[int]:
    """Resident memory (MiB) of the server and every process it started."""
    family = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                family.append(int(entry.name))
    sizes = []
    for member in family:
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        kib = next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")), 0
        )
        sizes.append(kib // 1024)
    return sizes


async def soak(base: str, pid: int, seconds: float, concurrency: int) -> list[str]:
    deadline = time.monotonic() + seconds
    windows = [Window()]
    tasks = [asyncio.create_task(client(base, deadline, windows, i)) for i in range(concurrency)]
    rows = []
    started = time.monotonic()
    while any(not t.done() for t in tasks):
        await asyncio.sleep(min(REPORT_EVERY, max(0.1, deadline - time.monotonic())))
        current, windows[-1:] = windows[-1], [Window()]
        rows.append(line(time.monotonic() - started, current, server_rss(pid)))
        print(rows[-1], flush=True)
    await asyncio.gather(*tasks)
    return rows


def line(elapsed: float, window: Window, rss: list[int]) -> str:
    times = sorted(window.latencies) or [0.0]
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    memory = " + ".join(str(m) for m in rss)
    return (
        f"| {elapsed:.0f} s | {len(window.latencies):,} | {window.errors} | "
        f"{statistics.median(times):.0f} | {p99:.0f} | {memory} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--no-write", action="store_true", help="print only")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "store"
        subprocess.run(
            [sys.executable, "-m", "cancerkg", "build", "--store", str(store)], check=True
        )
        port = free_port()
        process = subprocess.Popen(
            serve_command(store, port),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base + "/health", process)
            print("| after | requests | errors | p50 ms | p99 ms | RSS MiB (server + workers) |")
            rows = asyncio.run(soak(base, process.pid, options.seconds, options.concurrency))
        finally:
            stop_process(process)
    if not options.no_write:
        write_results_section(RESULTS, "soak", report(rows, options))
    return 0


def report(rows: list[str], options: argparse.Namespace) -> str:
    return "\n".join(
        [
            "## Soak (`bench/soak.py`)",
            "",
            f"`cancerkg serve` on the real graph, {options.concurrency} clients on loopback for "
            f"{options.seconds:.0f} s, each looping over {len(MIX)} requests (SPARQL GET and POST, "
            "two named queries, search, paths, coverage, an entity page, the home and "
            "completeness pages, one validation). Each row is one 30 s interval: requests "
            "answered, errors (5xx or no answer), latency, and the resident memory of every "
            f"server process. {os.cpu_count()} cores.",
            "",
            "| after | requests | errors | p50 ms | p99 ms | RSS MiB (server + workers) |",
            "|---|---:|---:|---:|---:|---|",
            *rows,
        ]
    )


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark `cancerkg build`: the real sources, and the real sources plus ~1M synthetic triples
written as a source file (bench/synthetic.source_records: institutions and dated memberships a
steward could have written, nothing inferred, conforming to the shapes, so the gate passes).
Each build runs in a child process of its own into a fresh store: wall time, peak resident memory
of that process (wait4), and the time of each stage. Writes the "build" section of
bench/RESULTS.md.

    python bench/bench_build.py [--triples 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import synthetic

from cancerkg.build.sources import ENV_SOURCES, knowledge_root
from cancerkg.testing import write_results_section

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
FOLDERS = ("ontology", "shapes", "data", "queries", "mappings")
TRIPLES_PER_INSTITUTION = len(synthetic.source_records(300)) / 300  # its pattern repeats every 3


@dataclass(frozen=True)
class Run:
    label: str
    source_triples: int
    seconds: float
    peak_mib: float
    stages: list[tuple[str, float]]
    release_triples: int


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--child", nargs=2, metavar=("SOURCES", "STORE"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(Path(options.child[0]), Path(options.child[1]))
        return
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        folder = Path(tmp)
        real = sources(folder / "real", 0)
        large = sources(folder / "large", options.triples)
        runs = [
            measure("the real sources", real, folder / "real-store"),
            measure(f"the real sources + {options.triples:,} synthetic", large, folder / "store"),
        ]
    write(runs, time.monotonic() - started)


def sources(folder: Path, triples: int) -> Path:
    """A copy of the knowledge folders, plus data/synthetic.nt when `triples` > 0."""
    for name in FOLDERS:
        shutil.copytree(knowledge_root() / name, folder / name)
    if triples:
        records = synthetic.source_records(round(triples / TRIPLES_PER_INSTITUTION))
        with (folder / "data" / "synthetic.nt").open("wb") as handle:
            ox.serialize(records, handle, format=ox.RdfFormat.N_TRIPLES)
    return folder


def source_triples(folder: Path) -> int:
    return sum(
        sum(1 for _ in ox.parse(path=path))
        for name in ("ontology", "shapes", "data")
        for path in sorted((folder / name).rglob("*"))
        if path.suffix in {".ttl", ".nt"}
    )


def measure(label: str, folder: Path, store: Path) -> Run:
    """One `build` in a child process: its wall time, peak RSS and stage times."""
    command = [sys.executable, __file__, "--child", str(folder), str(store)]
    started = time.monotonic()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, env={**os.environ, ENV_SOURCES: str(folder)}
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the build of {label} failed")
    result = json.loads(output.decode().strip().splitlines()[-1])
    peak = usage.ru_maxrss / 1024  # KiB on Linux
    stages = [(name, float(at)) for name, at in result["stages"]]
    return Run(label, source_triples(folder), seconds, peak, stages, result["triples"])


def child(folder: Path, store: Path) -> None:
    """Build with the gate, as `cancerkg build` does, reporting when each stage ended."""
    from cancerkg.build.pipeline import build
    from cancerkg.validation.release import release_gate

    started = time.monotonic()
    ended: dict[str, float] = {}

    def report(stage: str, done: int, total: int) -> None:
        if done >= total:
            ended[stage] = time.monotonic() - started

    result = build(store, root=folder, report=report, check=release_gate(), force=True)
    stages = sorted(ended.items(), key=lambda item: item[1])
    print(json.dumps({"stages": stages, "triples": result.triples}))


def write(runs: list[Run], took: float) -> None:
    lines = [
        "## Build (`bench/bench_build.py`)",
        "",
        f"{time.strftime('%Y-%m-%d')}, one run of `python bench/bench_build.py` ({took:.0f} s) "
        "on this 2-core machine, pyoxigraph "
        f"{ox.__version__}. Each build is `cancerkg.build.pipeline.build` with the release "
        "gate (what `cancerkg build` runs) in a child process of its own into an empty store; "
        "*peak* is that process's maximum resident set (wait4). The 1M sources are the real "
        "ones plus data/synthetic.nt (bench/synthetic.source_records: institutions and dated "
        "memberships, nothing inferred, conforming). Target: under 30 s and 1 GB at 1M; the "
        "real graph under 5 s.",
        "",
        "| sources | source triples | release triples | wall | peak RSS |",
        "|---|---:|---:|---:|---:|",
    ]
    for run in runs:
        lines.append(
            f"| {run.label} | {run.source_triples:,} | {run.release_triples:,} | "
            f"{run.seconds:.1f} s | {run.peak_mib:,.0f} MiB |"
        )
    lines += ["", "Where the time goes (seconds each stage took, ended in this order):", ""]
    lines += ["| stage | " + " | ".join(run.label for run in runs) + " |"]
    lines += ["|---|" + "---:|" * len(runs)]
    names = [name for name, _ in runs[-1].stages]
    for name in names:
        cells = [_took(run.stages, name) for run in runs]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    write_results_section(RESULTS, "build", "\n".join(lines))


def _took(stages: list[tuple[str, float]], name: str) -> str:
    ends = dict(stages)
    if name not in ends:
        return ""
    before = [at for _, at in stages if at < ends[name]]
    return f"{ends[name] - max(before, default=0.0):.1f}"


if __name__ == "__main__":
    main()

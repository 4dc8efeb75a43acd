"""How long `changes_between` takes on the real graph and on a graph three times its size:
`python bench/bench_changes.py` (writes its section of bench/RESULTS.md).

The larger graph is the real release's asserted quads three times over, each copy's IRIs under
/id/ renamed, blank nodes kept apart; the "new" side drops 50 memberships and adds 50 with a
start date, as a busy release would. Times include reading both N-Quads dumps from bytes and
telling every change in words; median of 5.
"""

from __future__ import annotations

import gzip
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from cancerkg.build.pipeline import build
from cancerkg.graph.changes import changes_between
from cancerkg.rdf.iris import ID
from cancerkg.store import releases
from cancerkg.testing import write_results_section

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
RUNS = 5


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """Median wall and CPU milliseconds: on a shared machine the CPU time is what the work
    itself costs, the wall time what a caller waited."""
    wall, cpu = [], []
    for _ in range(RUNS):
        started, started_cpu = time.perf_counter(), time.process_time()
        work()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000


def copies(quads: list[ox.Quad], count: int) -> list[ox.Quad]:
    """`count` copies of the dataset, IRIs under /id/ and blank nodes renamed per copy."""

    def renamed(term: ox.NamedNode | ox.BlankNode | ox.Literal, n: int) -> object:
        if isinstance(term, ox.NamedNode) and term.value.startswith(ID) and n:
            return ox.NamedNode(f"{term.value}-copy{n}")
        if isinstance(term, ox.BlankNode) and n:
            return ox.BlankNode(f"{term.value}x{n}")
        return term

    return [
        ox.Quad(renamed(q.subject, n), q.predicate, renamed(q.object, n), q.graph_name)  # type: ignore[arg-type]
        for n in range(count)
        for q in quads
    ]


def edited(quads: list[ox.Quad]) -> list[ox.Quad]:
    """Drop 50 memberships and add 50 new ones in the first data graph."""
    member = ox.NamedNode("http://www.w3.org/ns/org#member")
    memberships = sorted({q.subject for q in quads if q.predicate == member}, key=str)[:50]
    dropped = set(memberships)
    kept = [q for q in quads if q.subject not in dropped]
    graph = ox.NamedNode("https://w3id.org/cancerkg/graph/data/members-cancer-erns")
    org = "http://www.w3.org/ns/org#"
    for i in range(50):
        node = ox.NamedNode(f"{ID}membership/bench-{i}")
        kept += [
            ox.Quad(
                node,
                ox.NamedNode(org + "member"),
                ox.NamedNode(f"{ID}organisation/int-milan"),
                graph,
            ),
            ox.Quad(
                node,
                ox.NamedNode(org + "organization"),
                ox.NamedNode(f"{ID}network/euracan"),
                graph,
            ),
        ]
    return kept


def main() -> int:
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp)
        build(store)
        current = releases.current_release(store)
        assert current is not None
        data = gzip.decompress((current.dist / "cancerkg.nq.gz").read_bytes())
    real = list(ox.parse(data, ox.RdfFormat.N_QUADS))
    rows = []
    for label, old in (("real graph", real), ("real graph x3", copies(real, 3))):
        new = edited(old)
        old_bytes = ox.serialize(old, format=ox.RdfFormat.N_QUADS) or b""
        new_bytes = ox.serialize(new, format=ox.RdfFormat.N_QUADS) or b""

        def work(o: bytes = old_bytes, n: bytes = new_bytes) -> object:
            changes = changes_between(
                ox.parse(o, ox.RdfFormat.N_QUADS), ox.parse(n, ox.RdfFormat.N_QUADS)
            )
            return changes.sentences()

        sentences = work()
        wall, cpu = timed(work)
        rows.append(
            f"| {label} | {len(old):,} | {len(sentences):,} | {wall:.0f} ms | {cpu:.0f} ms |"
        )  # type: ignore[arg-type]
    body = "\n".join(
        [
            "## Release diff (`bench/bench_changes.py`)",
            "",
            f"`changes_between` of two N-Quads documents (parse both, compare the asserted graphs, "
            f"tell every change in words), median of {RUNS}, pyoxigraph {ox.__version__}; the new "
            "side drops 50 memberships and adds 50. Target: well under a second at 60k quads. "
            f"Load average at the start {load:.1f} on 2 cores: other work inflates every figure.",
            "",
            "| dataset | quads (old) | sentences | wall | CPU |",
            "|---|---:|---:|---:|---:|",
            *rows,
        ]
    )
    write_results_section(RESULTS, "changes", body)
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())

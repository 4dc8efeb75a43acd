"""Spreadsheet benchmark: `python bench/bench_sheets.py` writes its section of bench/RESULTS.md.

A membership sheet of 1,619 rows (the number of all ERN units), made from the real graph's
institutions and ERNs as an office would fill the template (XLSX written by openpyxl, and the
same rows as a ';'-separated CSV), is read, mapped (cancerkg.sheets.mapping) and validated in the
context of the published graph (cancerkg.sheets.checking). Each format runs in a fresh process,
so its peak resident memory is its own; the process is warmed up on a one-row sheet first (shapes
and mapping files read once per process, as in a server's worker).

`--morph-kgc PYTHON` adds the RML engine morph-kgc, run by another interpreter (it pins
pyoxigraph <0.4 and cannot be installed beside cancerkg), on the same rows with the simpler RML
mapping of bench/rml/memberships.rml.ttl: the measurement behind docs/spreadsheets.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

from openpyxl import Workbook

from cancerkg.build.pipeline import build
from cancerkg.settings import Settings
from cancerkg.store.open import open_store
from cancerkg.store.protocol import select
from cancerkg.testing import write_results_section

RESULTS = Path(__file__).parent / "RESULTS.md"
RML = Path(__file__).parent / "rml" / "memberships.rml.ttl"
MORPH_KGC = """
import importlib.metadata, resource, sys, time
started = time.perf_counter()
import morph_kgc
imported = time.perf_counter()
graph = morph_kgc.materialize_oxigraph(sys.argv[1])
done = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(imported - started, done - imported, len(graph), rss, importlib.metadata.version('morph_kgc'))
"""
ROWS = 1_619
RUNS = 3
HEADER = ["institution*", "network*", "role*", "start", "end", "source*"]
ROLES = ("full-member", "full-member", "affiliated-partner", "full-member; coordinator")
LIST = """PREFIX ckg: <https://w3id.org/cancerkg/ontology#>
SELECT ?thing WHERE { ?thing a ckg:%s } ORDER BY ?thing"""


def rows(store_dir: Path) -> list[list[str]]:
    """ROWS distinct institution x ERN pairs of the real graph, with roles, dates and sources."""
    store = open_store(Settings(store_dir, "oxigraph"))
    institutions = [slug_of(r["thing"]) for r in select(store, LIST % "Institution")]
    networks = [slug_of(r["thing"]) for r in select(store, LIST % "EuropeanReferenceNetwork")]
    store.close()
    pairs = islice(((i, n) for n in networks for i in institutions), ROWS)
    return [
        [
            i,
            n,
            ROLES[k % 4],
            f"{2017 + k % 8}-03-01",
            "2025-12-31" if k % 50 == 0 else "",
            f"https://example.org/{n}/members",
        ]
        for k, (i, n) in enumerate(pairs)
    ]


def slug_of(term: object) -> str:
    return str(getattr(term, "value", "")).rsplit("/", 1)[-1]


def as_xlsx(table: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "memberships"
    sheet.append(HEADER)
    for row in table:
        sheet.append(
            [dt.date.fromisoformat(v) if k in (3, 4) and v else v for k, v in enumerate(row)]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_csv(table: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows([HEADER, *table])
    return out.getvalue().encode("cp1252")


def measure(store_dir: Path, path: Path) -> dict[str, float]:
    """Run in a fresh process: map and validate `path` RUNS times; medians and peak RSS."""
    from cancerkg.sheets.checking import check_mapped
    from cancerkg.sheets.mapping import map_spreadsheet

    store = open_store(Settings(store_dir, "oxigraph"))
    data = path.read_bytes()
    warm_up = [
        ["gustave-roussy", "euracan", "full-member", "2017-03-01", "", "https://euracan.eu/"]
    ]
    check_mapped(map_spreadsheet(as_csv(warm_up), "one.csv", None, store), store)
    ready = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    mapping, checking = [], []
    for _ in range(RUNS):
        started = time.perf_counter()
        mapped = map_spreadsheet(data, path.name, None, store)
        mapped_at = time.perf_counter()
        report = check_mapped(mapped, store)
        mapping.append(mapped_at - started)
        checking.append(time.perf_counter() - mapped_at)
    return {
        "map": statistics.median(mapping),
        "validate": statistics.median(checking),
        "triples": len(mapped.triples),
        "problems": len(report.problems),
        "ready_mib": ready,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run_morph_kgc(python: str, table: list[list[str]], folder: Path) -> str:
    """One morph-kgc run (read + map into pyoxigraph) in its own interpreter: a results row."""
    members = folder / "members-rml.csv"
    with members.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([h.rstrip("*") for h in HEADER])
        writer.writerows([r[0], r[1], r[2].split(";")[0], *r[3:]] for r in table)
    mapping = folder / "memberships.rml.ttl"
    mapping.write_text(RML.read_text().replace("MEMBERS_CSV", str(members)), encoding="utf-8")
    config = folder / "morph-kgc.ini"
    config.write_text(
        f"[CONFIGURATION]\noutput_format=N-TRIPLES\n[DataSource1]\nmappings={mapping}\n"
    )
    child = subprocess.run(
        [python, "-c", MORPH_KGC, str(config)], check=True, capture_output=True, text=True
    )
    imported, mapped, triples, rss, version = child.stdout.split()
    return (
        f"| RML by morph-kgc {version} (simpler mapping, own interpreter; import "
        f"{float(imported):.1f} s) | {members.stat().st_size / 1024:,.0f} KiB | "
        f"{int(triples):,} | n/a | {float(mapped):.2f} | n/a | n/a | n/a | {float(rss):.0f} |"
    )


def main() -> None:
    if len(sys.argv) == 3 and not sys.argv[1].startswith("--"):  # the child: measure one file
        print(json.dumps(measure(Path(sys.argv[1]), Path(sys.argv[2]))))
        return
    morph_kgc = sys.argv[2] if len(sys.argv) == 3 and sys.argv[1] == "--morph-kgc" else None
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        store_dir = Path(tmp) / "store"
        build(store_dir)
        table = rows(store_dir)
        files = {
            "XLSX (openpyxl, dates as date cells)": Path(tmp) / "members.xlsx",
            "CSV (';', Windows-1252)": Path(tmp) / "members.csv",
        }
        for path in files.values():
            path.write_bytes(as_xlsx(table) if path.suffix == ".xlsx" else as_csv(table))
        figures = {}
        for name, path in files.items():
            child = subprocess.run(
                [sys.executable, __file__, str(store_dir), str(path)],
                check=True,
                capture_output=True,
                text=True,
            )
            figures[name] = (path.stat().st_size, json.loads(child.stdout.strip().splitlines()[-1]))
        extra = run_morph_kgc(morph_kgc, table, Path(tmp)) if morph_kgc else None
    lines = [
        "## Spreadsheet submissions (`bench/bench_sheets.py`)",
        "",
        f"{dt.date.today().isoformat()}, this 2-core machine "
        f"(CPython {platform.python_version()}). "
        f"A membership sheet of {len(table):,} rows (institution x ERN pairs of the real graph, "
        "some with two roles, every 50th ended), read, mapped by mappings/memberships.rq and "
        "validated in the context of the built graph (the same shapes as RDF submissions). "
        f"Median of {RUNS} runs in one process after a one-row warm-up; peak RSS of that "
        "process (and after the warm-up, with the store open and the shapes loaded).",
        "",
        "| file | size | triples | problems | read + map s | validate in context s | total s "
        "| RSS after warm-up MiB | peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, (size, f) in figures.items():
        lines.append(
            f"| {name} | {size / 1024:,.0f} KiB | {f['triples']:,.0f} | {f['problems']:.0f} | "
            f"{f['map']:.2f} | "
            f"{f['validate']:.2f} | {f['map'] + f['validate']:.2f} | {f['ready_mib']:.0f} | "
            f"{f['peak_mib']:.0f} |"
        )
    if extra:
        lines += [
            extra,
            "",
            "The last row (`--morph-kgc PYTHON`): the RML engine in its own interpreter on the "
            "same rows as a comma CSV, with the simpler mapping of bench/rml/ (no ROR matching, "
            "no date/year switch, one role), read + map into pyoxigraph only.",
        ]
    lines += ["", f"The whole run took {time.monotonic() - started:.0f} s."]
    write_results_section(RESULTS, "sheets", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()

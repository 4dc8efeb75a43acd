"""Run every benchmark in one command: `python bench/run.py` (each writes its own section of
bench/RESULTS.md). Extra arguments are not passed on; run a single script for its options."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = (
    "bench_build.py",
    "bench_queries.py",
    "bench_search.py",
    "bench_validation.py",
    "bench_sheets.py",
    "bench_service.py",
    "soak.py",
)


def main() -> int:
    failed = []
    for script in SCRIPTS:
        print(f"== {script}", flush=True)
        if subprocess.run([sys.executable, str(HERE / script)], check=False).returncode != 0:
            failed.append(script)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

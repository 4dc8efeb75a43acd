"""The Python recipes in docs/sparql-endpoint.md run as written against a real running server:
every ```python block in order, with only the documented address replaced by the test server's."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "sparql-endpoint.md"
DOCUMENTED_SERVER = "http://127.0.0.1:8000"


def python_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", markdown, re.DOTALL | re.MULTILINE)


def test_sparql_endpoint_recipes_run_as_written(serve: Callable[..., str]) -> None:
    blocks = python_blocks(DOC.read_text(encoding="utf-8"))
    assert blocks and all(DOCUMENTED_SERVER in block for block in blocks), DOC.name
    script = "\n".join(blocks).replace(DOCUMENTED_SERVER, serve())  # in order, as a reader would
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    # SPARQLWrapper's ASK, then rdflib's count of European Reference Networks.
    answers = run.stdout.split()
    assert answers[0] == "True" and int(answers[1]) > 0, run.stdout

"""The SPARQL the library runs itself (stats, pages, descriptions, binding checks), kept as .rq
files in cancerkg/sparql/ and read once per process: they sit on request paths."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def internal_query(name: str) -> str:
    """The text of cancerkg/sparql/NAME.rq."""
    return files("cancerkg").joinpath("sparql", f"{name}.rq").read_text(encoding="utf-8")

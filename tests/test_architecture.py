"""The package's layers (docs/architecture.md): each imports only the layers below it.

The core (everything but `web` and `cli`) never imports the shells; within the core, data flows
one way: rdf -> store -> build -> named_queries / validation -> graph -> endpoint.
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "service" / "cancerkg"
# Lower rank first; a module may import its own layer and any layer of a lower rank.
RANKS = {
    "__init__": 0,
    "errors": 0,
    "settings": 0,
    "internal_queries": 0,
    "rdf": 1,
    "store": 2,
    "build": 3,
    "named_queries": 4,
    "validation": 4,
    "submissions": 6,
    "graph": 5,
    "sheets": 5,
    "endpoint": 6,
    "web": 7,
    "cli": 8,
    "testing": 8,  # support for tests and benchmarks: a shell like the CLI
    "__main__": 9,
}


def layer(path: Path) -> str:
    """The layer a module belongs to: its top folder under cancerkg/, or its own name."""
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def imported_layers(path: Path) -> set[str]:
    """Every cancerkg layer a module imports, wherever the import stands (lazy ones too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            if node.module == "cancerkg":
                names = [f"cancerkg.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "cancerkg" and len(parts) > 1 and parts[1] != "__version__":
                found.add(parts[1])
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer() -> None:
    assert {layer(p) for p in MODULES} <= set(RANKS), "a new layer needs a rank (and a doc)"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_a_layer_above_its_own(path: Path) -> None:
    own = layer(path)
    for other in imported_layers(path):
        if other == own:
            continue
        assert RANKS[other] < RANKS[own], f"{own} imports {other}, a layer at or above it"


def test_the_core_never_imports_the_shells() -> None:
    core = [p for p in MODULES if RANKS[layer(p)] < RANKS["web"]]
    assert core
    for path in core:
        assert not imported_layers(path) & {"web", "cli"}, path


def test_the_repository_cites_only_its_own_files() -> None:
    """Readers have this repository only: no comment, doc or test leans on an outside guide."""
    root = PACKAGE.parents[1]
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.split()
    offenders = []
    for name in tracked:
        path = root / name
        if path.suffix not in {".py", ".md", ".rq", ".ttl", ".toml", ".sh", ".html", ".js"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if re.search(r"GUIDE(\.md| §)", text):
            offenders.append(name)
    assert offenders == []


def test_no_router_imports_another() -> None:
    """Shared web code lives beside the routers (render, views, bodies, headers, errors)."""
    routers = sorted((PACKAGE / "web" / "routers").glob("*.py"))
    for path in routers:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("cancerkg.web.routers"), path.name
                if node.module == "cancerkg.web":
                    assert all(alias.name != "routers" for alias in node.names), path.name

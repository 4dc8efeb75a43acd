"""Shared fixtures: the real knowledge graph is built once per test session."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from cancerkg.build.pipeline import build
from cancerkg.build.sources import knowledge_root
from cancerkg.settings import Settings
from cancerkg.store.memory import MemoryStore
from cancerkg.store.open import open_store
from cancerkg.store.oxigraph import OxigraphStore
from cancerkg.testing import free_port, run_cli, serve_command, stop_process, wait_until_up

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    """The knowledge folders (ontology/, shapes/, data/, queries/)."""
    return knowledge_root()


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built from the real sources, once per session."""
    path = tmp_path_factory.mktemp("store")
    build(path)
    return path


@pytest.fixture(scope="session")
def oxigraph_store(store_dir: Path) -> Iterator[OxigraphStore]:
    store = open_store(Settings(store_dir, "oxigraph"))
    assert isinstance(store, OxigraphStore)
    yield store
    store.close()


@pytest.fixture(scope="session")
def memory_store(store_dir: Path) -> Iterator[MemoryStore]:
    store = open_store(Settings(store_dir, "memory"))
    assert isinstance(store, MemoryStore)
    yield store
    store.close()


@pytest.fixture(scope="session")
def cli() -> object:
    """The real `cancerkg` command, run in a subprocess: cli("query", "x.rq", env={...})."""
    return run_cli


@pytest.fixture(scope="session")
def serve(store_dir: Path) -> Iterator[object]:
    """Start the real `cancerkg serve` (uvicorn) on a free loopback port: serve(env={...}) -> URL.

    Every server started is stopped at the end of the session.
    """
    started: list[subprocess.Popen[bytes]] = []

    def start(*args: str, env: dict[str, str] | None = None) -> str:
        port = free_port()
        process = subprocess.Popen(
            serve_command(store_dir, port, *args),
            env={**os.environ, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(process)
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url + "/health", process)
        return url

    yield start
    for process in started:
        stop_process(process)


def copy_sources(root: Path, target: Path) -> Path:
    """A private copy of the knowledge folders that a test may break or grow."""
    for folder in ("ontology", "shapes", "data", "queries", "mappings"):
        if (root / folder).is_dir():
            shutil.copytree(root / folder, target / folder)
    return target

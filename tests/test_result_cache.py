"""The release's result cache (endpoint/cache.py) on a real `cancerkg serve`: a repeated query is
answered from memory, a different request is not confused with it, a new release is never
answered with the old one's answers, and CANCERKG_RESULT_CACHE=0 turns it off."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cancerkg.testing import free_port, run_cli, serve_command, stop_process, wait_until_up
from conftest import copy_sources
from submissions_support import wait_for

JSON = {"Accept": "application/sparql-results+json"}
CACHE = "x-cancerkg-cache"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://example.org/CacheProbe> }"


@pytest.fixture
def private(tmp_path: Path, root: Path) -> tuple[Path, Path]:
    """Sources of our own and a store built from them."""
    sources = copy_sources(root, tmp_path / "src")
    built = run_cli("build", "--store", str(tmp_path / "store"), env=_sources(sources))
    assert built.returncode == 0, built.stderr
    return sources, tmp_path / "store"


def _sources(folder: Path) -> dict[str, str]:
    return {"CANCERKG_SOURCES": str(folder)}


@contextlib.contextmanager
def _serve(store: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    port = free_port()
    command = serve_command(store, port)
    process = subprocess.Popen(
        command, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(process)


def count(url: str) -> tuple[int, str]:
    answer = httpx.get(url + "/sparql", params={"query": COUNT}, headers=JSON, timeout=60)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["results"]["bindings"][0]["n"]["value"]), answer.headers[CACHE]


def test_a_repeated_query_is_answered_from_the_cache(private: tuple[Path, Path]) -> None:
    _, store = private
    with _serve(store) as url:
        query = {"query": "SELECT ?s WHERE { ?s a <http://www.w3.org/ns/org#Membership> } LIMIT 3"}
        first = httpx.get(url + "/sparql", params=query, headers=JSON)
        second = httpx.get(url + "/sparql", params=query, headers=JSON)
        assert (first.headers[CACHE], second.headers[CACHE]) == ("miss", "hit")
        assert first.content == second.content
        as_csv = httpx.get(url + "/sparql", params=query, headers={"Accept": "text/csv"})
        assert as_csv.headers[CACHE] == "miss" and as_csv.text.startswith("s\r\n")
        other = httpx.get(url + "/sparql", params={"query": query["query"] + " OFFSET 1"})
        assert other.headers[CACHE] == "miss"
        named = "/api/queries/network-members?network=euracan"
        first_named = httpx.get(url + named)
        assert first_named.headers.get(CACHE) == "miss", (
            first_named.status_code,
            first_named.text[:300],
        )
        again = httpx.get(url + named)
        assert again.headers[CACHE] == "hit" and again.json()["rows"]
        assert again.content == first_named.content  # the API's bytes themselves are kept
        as_tsv = httpx.get(url + named + "&format=tsv")
        assert as_tsv.headers[CACHE] == "miss" and as_tsv.text.startswith("?")
        paged = [httpx.get(url + named + "&limit=2") for _ in range(2)]
        assert [p.headers[CACHE] for p in paged] == ["miss", "hit"]
        assert paged[1].headers["link"] == paged[0].headers["link"]
        assert paged[1].json()["next"].endswith("limit=2&offset=2")
        # A slug that names nothing is found by the worker; still the client's 400, not cached.
        for _ in range(2):
            wrong = httpx.get(url + "/api/queries/network-members?network=no-such-network")
            assert wrong.status_code == 400 and "no-such-network" in wrong.json()["detail"]


def test_a_new_release_is_not_answered_with_the_old_answers(private: tuple[Path, Path]) -> None:
    sources, store = private
    with _serve(store) as url:
        assert count(url) == (0, "miss")
        assert count(url) == (0, "hit")
        (sources / "data" / "zz-cache-probe.ttl").write_text(
            "<https://example.org/p1> a <https://example.org/CacheProbe> .\n", encoding="utf-8"
        )
        built = run_cli("build", "--store", str(store), env=_sources(sources))
        assert built.returncode == 0, built.stderr
        wait_for(lambda: count(url)[0] == 1, seconds=60)  # the server swapped to the new one
        assert count(url) == (1, "hit")


def test_the_cache_can_be_turned_off(private: tuple[Path, Path]) -> None:
    _, store = private
    with _serve(store, env={"CANCERKG_RESULT_CACHE": "0"}) as url:
        assert count(url) == (0, "miss")
        assert count(url) == (0, "miss")

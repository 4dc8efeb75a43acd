"""Runaway queries are stopped for real, and the service keeps answering while they run."""

from __future__ import annotations

import asyncio
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from cancerkg.endpoint.jobs import Call
from cancerkg.endpoint.protocol import QueryJob
from cancerkg.endpoint.workers import WorkerPool
from cancerkg.errors import QueryTimeoutError
from cancerkg.settings import Settings

# A cartesian product of the whole graph with itself three times: it never ends in practice.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SIMPLE = "ASK { ?s ?p ?o }"
PATIENT = 120.0  # a generous client timeout: we assert that answers come, not how fast


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_timed_out_query_kills_its_worker(store_dir: Path) -> None:
    settings = replace(Settings(store_dir), query_timeout=2.0, workers=1)

    async def scenario() -> tuple[list[int], list[int], bool]:
        pool = WorkerPool(settings)
        await pool.start()
        try:
            before = pool.pids
            with pytest.raises(QueryTimeoutError):
                await pool.run(QueryJob(RUNAWAY))
            answer = await pool.run(QueryJob(SIMPLE))
            return before, pool.pids, b"true" in answer.body
        finally:
            await pool.close()

    before, after, answered = asyncio.run(scenario())
    assert not any(_alive(pid) for pid in before), "the runaway worker is still running"
    assert after and set(after).isdisjoint(before), "no fresh worker replaced the killed one"
    assert answered


def test_service_answers_while_runaway_queries_run(serve: object) -> None:
    url = serve(env={"CANCERKG_QUERY_TIMEOUT": "4", "CANCERKG_WORKERS": "1"})  # type: ignore[operator]
    with ThreadPoolExecutor(max_workers=4) as pool, httpx.Client(timeout=PATIENT) as client:
        runaways = [
            pool.submit(client.get, url + "/sparql", params={"query": RUNAWAY}) for _ in range(3)
        ]
        health = client.get(url + "/health")
        simple = client.get(url + "/sparql", params={"query": SIMPLE})
        stopped = [future.result() for future in runaways]
    assert health.status_code == 200
    assert simple.status_code == 200, simple.text
    assert simple.json()["boolean"] is True
    for response in stopped:
        assert response.status_code == 503
        assert response.json()["error"] == "query timeout"
        assert "Traceback" not in response.text


# Thirty doublings of a 16-character string: 16 GiB if nothing stopped it.
MEMORY_BOMB = (
    'SELECT (STRLEN(?x30) AS ?n) WHERE { BIND("aaaaaaaaaaaaaaaa" AS ?x0) '
    + " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(30))
    + " }"
)


def test_a_query_past_the_memory_cap_is_stopped_and_its_worker_replaced(serve: object) -> None:
    url = serve(env={"CANCERKG_WORKER_MEMORY": "400", "CANCERKG_WORKERS": "1"})  # type: ignore[operator]
    with httpx.Client(timeout=PATIENT) as client:
        bomb = client.get(url + "/sparql", params={"query": MEMORY_BOMB})
        assert bomb.status_code == 503, bomb.text
        assert bomb.json()["error"] == "query out of memory"
        assert "400 MiB" in bomb.json()["detail"] and "LIMIT" in bomb.json()["detail"]
        assert client.get(url + "/health").status_code == 200
        simple = client.get(url + "/sparql", params={"query": SIMPLE})
        assert simple.status_code == 200 and simple.json()["boolean"] is True


def test_validation_past_its_time_limit_is_stopped_with_advice(serve: object, root: Path) -> None:
    url = serve(env={"CANCERKG_VALIDATION_TIMEOUT": "0.05", "CANCERKG_WORKERS": "1"})  # type: ignore[operator]
    submission = (root / "tests" / "shapes" / "valid" / "new-hospital-joins-noe.ttl").read_bytes()
    with httpx.Client(timeout=PATIENT) as client:
        stopped = client.post(
            url + "/validate", content=submission, headers={"Content-Type": "text/turtle"}
        )
        assert stopped.status_code == 503, stopped.text
        assert "the validation ran past the 0.05 s limit" in stopped.json()["detail"]
        assert "smaller submission" in stopped.json()["detail"]
        assert client.get(url + "/health").status_code == 200
        assert client.get(url + "/sparql", params={"query": SIMPLE}).json()["boolean"] is True


def test_the_cli_stops_a_validation_at_its_time_limit(
    cli: object, root: Path, store_dir: Path
) -> None:
    submission = root / "tests" / "shapes" / "valid" / "new-hospital-joins-noe.ttl"
    run = cli("validate", str(submission), "--timeout", "0.05", "--store", str(store_dir))  # type: ignore[operator]
    assert run.returncode == 2
    assert "ran past the 0.05 s limit" in run.stderr and "--timeout" in run.stderr
    assert "Traceback" not in run.stderr + run.stdout


def nap(store: object, seconds: float) -> float:
    """A job that only takes time (imported by name in the worker)."""
    time.sleep(seconds)
    return seconds


def test_the_pool_grows_for_a_burst_and_shrinks_back(store_dir: Path) -> None:
    settings = replace(Settings(store_dir), workers=1, worker_idle=1.0)

    async def scenario() -> tuple[int, int, int]:
        pool = WorkerPool(settings)
        await pool.start()
        try:
            burst = asyncio.gather(*(pool.run(Call(nap, (8.0,))) for _ in range(3)))
            grown = 1
            while not burst.done():  # the most workers alive while the burst runs
                grown = max(grown, len(pool.pids))
                await asyncio.sleep(0.2)
            assert await burst == [8.0, 8.0, 8.0]
            await pool.run(Call(nap, (0.0,)))
            kept = len(pool.pids)  # just after the burst: the surplus is still there
            await asyncio.sleep(1.5)  # past worker_idle
            return grown, kept, len(pool.pids)
        finally:
            await pool.close()

    grown, kept, after = asyncio.run(scenario())
    assert grown > 1, "no worker was added for the burst"
    assert kept > 1, "a surplus worker was stopped while the load might go on"
    assert after == 1, "the pool kept its burst workers"

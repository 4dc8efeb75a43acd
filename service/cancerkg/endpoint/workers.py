"""Run queries where a runaway one can be stopped for real.

pyoxigraph has no query timeout, and a thread cannot be killed, so each query runs in a worker
process that opens the (read-only, shareable) store itself. A query past its time limit gets its
worker killed (SIGKILL frees the CPU at once) and a fresh worker takes its place. Workers are
started on demand up to a ceiling, so a few runaway queries do not starve a simple one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing as mp
import os
import resource
import signal
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Protocol

from cancerkg import errors
from cancerkg.endpoint.cache import CachingRunner
from cancerkg.endpoint.federation import cut_network
from cancerkg.endpoint.jobs import Advice, Job
from cancerkg.errors import CancerKGError, QueryFailedError, QueryMemoryError, QueryTimeoutError
from cancerkg.settings import Settings
from cancerkg.store.open import open_store
from cancerkg.store.protocol import Store

logger = logging.getLogger("cancerkg.endpoint.workers")
# Warm workers are kept; more are started while all are busy, up to this many in all.
CEILING_PER_WARM_WORKER = 4
MIN_CEILING = 8
# A request waits for a worker at most until the running queries hit their limit, plus the time
# a replacement takes to start on a machine whose cores are busy (seconds).
START_GRACE = 60.0


class QueryRunner(Protocol):
    """Evaluates jobs off the event loop, within the time limit."""

    async def run(self, job: Job) -> Any: ...

    async def close(self) -> None: ...


class InlineRunner:
    """Runs jobs in a thread on a store held in this process.

    For stores that exist only here (an in-memory store built by a caller, as the W3C tests do):
    a thread cannot be killed, so a timeout answers the client but the work runs on. Served
    stores use the WorkerPool.
    """

    def __init__(self, store: Store, *, timeout: float) -> None:
        self._store = store
        self._timeout = timeout

    async def run(self, job: Job) -> Any:
        limit = job.timeout or self._timeout
        try:
            return await asyncio.wait_for(asyncio.to_thread(job.compute, self._store), limit)
        except TimeoutError:
            raise _timeout(limit, job.advice) from None

    async def close(self) -> None:
        return None


@dataclass
class _Worker:
    process: Any  # multiprocessing.context.SpawnProcess
    conn: Connection
    idle_since: float = 0.0  # event-loop time it last came back

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.join(timeout=5)
        self.conn.close()


class WorkerPool:
    """Worker processes over the store `settings` name; `warm` are kept ready."""

    def __init__(self, settings: Settings, *, warm: int | None = None) -> None:
        self._settings = settings
        self._warm = max(1, warm if warm is not None else settings.workers)
        self._ceiling = max(MIN_CEILING, self._warm * CEILING_PER_WARM_WORKER)
        self._context = mp.get_context("spawn")  # no fork of a threaded server
        self._idle: list[_Worker] = []
        self._all: list[_Worker] = []
        self._freed = asyncio.Condition()
        self._starting = 0
        self._waiting = 0
        self._starts: set[asyncio.Task[None]] = set()
        self._trimming: asyncio.TimerHandle | None = None  # the one pending _trim

    @property
    def pids(self) -> list[int]:
        """Process ids of the live workers (tests check that a killed one is gone)."""
        return [w.process.pid for w in self._all]

    async def start(self) -> None:
        """Start the warm workers; each opens the store, so a broken store fails here, loudly."""
        started = await asyncio.gather(*(self._spawn() for _ in range(self._warm)))
        self._all.extend(started)
        self._idle.extend(started)

    async def run(self, job: Job) -> Any:
        """Evaluate on an idle worker; the time limit counts evaluation, not the wait for one."""
        return _unpack(await self._dispatch(job))

    async def _dispatch(self, job: Job) -> tuple[Any, ...]:
        worker = await self._acquire()
        limit = job.timeout or self._settings.query_timeout
        try:
            reply = await asyncio.wait_for(_ask(worker, job), limit)
        except TimeoutError:
            self._discard(worker)
            raise _timeout(limit, job.advice) from None
        except (EOFError, OSError):  # the engine aborts when an allocation fails
            self._discard(worker)
            raise self._out_of_memory(job) from None
        if reply[0] == "error" and reply[1] == QueryMemoryError.__name__:
            self._discard(worker)  # a MemoryError may leave the process half-broken
            raise self._out_of_memory(job)
        await self._release(worker)
        return reply

    def _out_of_memory(self, job: Job) -> QueryMemoryError:
        cap = self._settings.worker_memory
        limit = f"the {cap} MiB a query may use" if cap else "the memory of its worker"
        return QueryMemoryError(
            f"{job.advice[0]} needed more than {limit} and was stopped; {job.advice[1]}"
        )

    async def close(self) -> None:
        if self._trimming is not None:
            self._trimming.cancel()
        for task in list(self._starts):
            task.cancel()
        for worker in list(self._all):
            worker.kill()
        self._all.clear()
        self._idle.clear()

    async def _acquire(self) -> _Worker:
        """An idle worker. Starting one takes a while, so a spare is started as soon as the last
        idle worker is taken, and one more for every request left waiting."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._settings.query_timeout + START_GRACE
        async with self._freed:
            self._waiting += 1
            try:
                while not self._idle:
                    if self._starting < self._waiting:
                        self._grow()
                    remaining = deadline - loop.time()
                    if remaining <= 0:
                        raise QueryTimeoutError("the service is busy: no query worker came free")
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._freed.wait(), remaining)
            finally:
                self._waiting -= 1
            worker = self._idle.pop()
        if not self._idle and self._starting == 0:
            self._grow()
        return worker

    def _grow(self) -> None:
        """Start one more worker in the background, within the ceiling."""
        if len(self._all) + self._starting >= self._ceiling:
            return
        self._starting += 1
        task = asyncio.get_running_loop().create_task(self._add_worker())
        self._starts.add(task)
        task.add_done_callback(self._starts.discard)

    async def _add_worker(self) -> None:
        try:
            worker = await self._spawn()
        except CancerKGError:
            logger.exception("a query worker could not start")
            return
        finally:
            self._starting -= 1
        self._all.append(worker)
        await self._release(worker)

    async def _release(self, worker: _Worker) -> None:
        """Back to the idle list. A surplus worker (beyond `warm`) is stopped only once it has
        been idle for `worker_idle` seconds, so the pool shrinks back after a burst but not
        between the requests of a steady load: stopping it at once made the pool start and kill
        five processes a second under 8 concurrent clients, each start a second of CPU."""
        loop = asyncio.get_running_loop()
        async with self._freed:
            worker.idle_since = loop.time()
            self._idle.append(worker)
            self._freed.notify()
        if len(self._all) > self._warm and self._trimming is None:
            self._trimming = loop.call_later(self._settings.worker_idle, self._trim)

    def _trim(self) -> None:
        """Stop the workers beyond `warm` that have been idle for `worker_idle` seconds; while
        a surplus remains, look again when the longest idle of them reaches that age. One timer
        at a time, not one per request."""
        loop = asyncio.get_running_loop()
        self._trimming = None
        cutoff = loop.time() - self._settings.worker_idle
        idle = sorted(self._idle, key=lambda w: w.idle_since)
        while idle and len(self._all) > self._warm and idle[0].idle_since <= cutoff:
            worker = idle.pop(0)
            self._idle.remove(worker)
            self._all.remove(worker)
            worker.kill()
        if len(self._all) > self._warm:
            due = idle[0].idle_since - cutoff if idle else self._settings.worker_idle
            self._trimming = loop.call_later(due, self._trim)

    def _discard(self, worker: _Worker) -> None:
        """Kill a worker (SIGKILL: the CPU is free at once); keep `warm` workers alive."""
        worker.kill()
        if worker in self._all:
            self._all.remove(worker)
        if len(self._all) + self._starting < self._warm:
            self._grow()

    async def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=serve_jobs, args=(self._settings, child), daemon=True, name="cancerkg-query"
        )
        await asyncio.to_thread(process.start)
        child.close()
        worker = _Worker(process, parent)
        try:
            ready = await _receive(worker)
        except (EOFError, OSError):
            ready = ("error", "QueryFailedError", "a query worker died while starting")
        if ready[0] != "ready":
            worker.kill()
            raise _rebuild(ready)
        return worker


def serve_jobs(settings: Settings, conn: Connection) -> None:
    """A worker process: open the store once, then answer jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which kills us
    cap_memory(settings.worker_memory)
    if settings.backend != "remote" and not settings.service_allow:
        cut_network()  # the local store needs none, and federation is off
    try:
        store = open_store(settings)
    except CancerKGError as error:
        conn.send(("error", type(error).__name__, error.message))
        return
    try:
        conn.send(("ready",))
    except BrokenPipeError:  # the pool closed while this spare was starting
        return
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(_answer(store, job))


def _answer(store: Store, job: Job) -> tuple[Any, ...]:
    try:
        return ("ok", job.compute(store))
    except MemoryError:
        return ("error", QueryMemoryError.__name__, "out of memory")
    except CancerKGError as error:
        return ("error", type(error).__name__, error.message)
    except Exception as error:  # an engine error must reach the client as a message, not a crash
        return ("error", "QueryFailedError", " ".join(str(error).split())[:300])


async def _ask(worker: _Worker, job: Job) -> tuple[Any, ...]:
    worker.conn.send(job)
    return await _receive(worker)


async def _receive(worker: _Worker) -> tuple[Any, ...]:
    """Wait for the worker's reply without blocking the event loop."""
    loop = asyncio.get_running_loop()
    readable: asyncio.Future[None] = loop.create_future()
    fd = worker.conn.fileno()
    loop.add_reader(fd, _settle, readable)
    try:
        await readable
    finally:
        loop.remove_reader(fd)
        # uvloop (libuv) leaves a watched descriptor non-blocking: recv would then fail with
        # BlockingIOError on a reply longer than one read, and the worker look dead.
        os.set_blocking(fd, True)
    reply: tuple[Any, ...] = worker.conn.recv()
    return reply


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _unpack(reply: tuple[Any, ...]) -> Any:
    if reply[0] == "ok":
        return reply[1]
    raise _rebuild(reply)


def _rebuild(reply: tuple[Any, ...]) -> CancerKGError:
    """The typed error a worker reported, rebuilt here (tracebacks stay in the worker)."""
    cls = getattr(errors, str(reply[1]), QueryFailedError)
    if not (isinstance(cls, type) and issubclass(cls, CancerKGError)):
        cls = QueryFailedError
    try:
        return cls(str(reply[2]))
    except TypeError:
        return QueryFailedError(str(reply[2]))


def cap_memory(mebibytes: int) -> None:
    """Cap this process's heap (RLIMIT_DATA) so a query that builds huge values fails here, in
    a worker the pool replaces, instead of taking the machine's memory. The engine aborts the
    process when an allocation fails: no Rust backtrace in the server's log for that."""
    os.environ["RUST_BACKTRACE"] = "0"
    if mebibytes > 0:
        limit = mebibytes * 2**20
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def _timeout(seconds: float, advice: Advice) -> QueryTimeoutError:
    return QueryTimeoutError(
        f"{advice[0]} ran past the {seconds:g} s limit and was stopped; {advice[1]}"
    )


async def start_runner(settings: Settings, store: Store | None = None) -> QueryRunner:
    """A started WorkerPool over the configured store (with the release's result cache over the
    embedded store), or an InlineRunner over a given one."""
    if store is not None:
        return InlineRunner(store, timeout=settings.query_timeout)
    pool = WorkerPool(settings)
    await pool.start()
    if settings.backend == "remote" or settings.result_cache <= 0:
        return pool
    return CachingRunner(pool, settings.result_cache * 2**20)

"""Answers of the current release, kept in memory: the same query asked again is answered
without a query worker.

A release never changes once published, so an answer stays true for as long as the release
serves; a new release gets a new runner and so a new, empty cache. Only SPARQL answers over the
embedded store are kept: not federated ones (a remote endpoint may change) and not those of a
remote backend (its data may change behind us). Named queries (endpoint/named.py) are kept as
the bytes the API sends, so a repeated one is answered without binding or reshaping. The cache
is bounded by the bytes of the answers it holds (CANCERKG_RESULT_CACHE MiB, least recently used
out first); an answer bigger than an eighth of that is not kept. Measured with and without it
in bench/RESULTS.md.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, TypeGuard

from cancerkg.endpoint.jobs import Job
from cancerkg.endpoint.named import NamedQueryJob
from cancerkg.endpoint.protocol import QueryAnswer, QueryJob

if TYPE_CHECKING:  # workers.start_runner wraps its pool in CachingRunner
    from cancerkg.endpoint.workers import QueryRunner

# A named query is never federated: its text is ours, and ours call no remote endpoint.
Cacheable = QueryJob | NamedQueryJob


class ResultCache:
    """Rendered answers by the job that asked for them, within a byte budget."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._answers: OrderedDict[Cacheable, QueryAnswer] = OrderedDict()

    def get(self, job: Cacheable) -> QueryAnswer | None:
        answer = self._answers.get(job)
        if answer is not None:
            self._answers.move_to_end(job)
        return answer

    def put(self, job: Cacheable, answer: QueryAnswer) -> None:
        size = len(answer.body)
        if size > self.max_bytes // 8 or job in self._answers:
            return
        self._answers[job] = answer
        self.bytes += size
        while self.bytes > self.max_bytes:
            _, dropped = self._answers.popitem(last=False)
            self.bytes -= len(dropped.body)


class CachingRunner:
    """A runner that answers a repeated query of this release from its cache."""

    def __init__(self, runner: QueryRunner, max_bytes: int) -> None:
        self._runner = runner
        self.cache = ResultCache(max_bytes)

    async def run(self, job: Job) -> Any:
        if not _cacheable(job):
            return await self._runner.run(job)
        if (answer := self.cache.get(job)) is not None:
            return dataclasses.replace(answer, cached=True)
        answer = await self._runner.run(job)
        self.cache.put(job, answer)
        return answer

    async def close(self) -> None:
        await self._runner.close()


def _cacheable(job: Job) -> TypeGuard[Cacheable]:
    return isinstance(job, NamedQueryJob) or (isinstance(job, QueryJob) and not job.federated)

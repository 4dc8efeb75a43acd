"""Search for the web: the full-text index built with the release being served, when the
service serves that release (not a remote endpoint, whose graph may differ), else label search
in SPARQL through the query workers."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from cancerkg.endpoint.jobs import Call
from cancerkg.endpoint.workers import QueryRunner
from cancerkg.graph.relations import search_answer
from cancerkg.graph.search import MAX_RESULTS, search_index
from cancerkg.store.protocol import Store


async def search(
    request: Request, text: str, lang: str | None = None, limit: int = MAX_RESULTS
) -> list[dict[str, str]]:
    """The entities matching `text`, best first (/api/entities, /search, the search box)."""
    index = search_index_of(request)
    if index is not None:  # prefix and typo tolerant, ranked, in milliseconds
        return await run_in_threadpool(search_index, index, text, lang, limit)
    runner: QueryRunner = request.app.state.runner
    answer = await runner.run(Call(search_answer, (text, lang)))
    results: list[dict[str, str]] = answer["results"]
    return results[:limit]


def search_index_of(request: Request) -> Path | None:
    """The index file of the served release, or None (search then runs as SPARQL): the one the
    served store was opened with (store/open.py), none for a remote endpoint or a store handed
    to the app."""
    store: Store = request.app.state.store
    return store.text_index

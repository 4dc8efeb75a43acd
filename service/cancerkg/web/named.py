"""Named queries run for a web request (/api/queries, the query pages).

The parameters are checked and bound here (fast, and their errors are the client's); the bound
query is then evaluated by the query runner like any /sparql query, so the same time limit (a
query past it is stopped with its worker) and the same row cap apply. A wide period at a million
triples takes seconds; without the runner it held a server thread with no limit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from fastapi import Request

from cancerkg.endpoint.protocol import QueryAnswer, QueryJob
from cancerkg.endpoint.workers import QueryRunner
from cancerkg.named_queries.paging import Page
from cancerkg.named_queries.run import bound_query
from cancerkg.rdf.formats import RESULT_FORMATS, by_name
from cancerkg.settings import Settings
from cancerkg.store.protocol import Rows, Store, read_answer


async def run_named(
    request: Request,
    name: str,
    arguments: Mapping[str, str],
    fmt: str = "json",
    page: Page | None = None,
) -> QueryAnswer:
    """The named query's answer in `fmt` (json: SPARQL JSON results), capped at max_rows, from
    the app's store, runner and settings."""
    state = request.app.state
    store: Store = state.store
    settings: Settings = state.settings
    runner: QueryRunner = state.runner
    text = await asyncio.to_thread(bound_query, store, name, arguments, page)
    # Not the runner's advice for hand-written SPARQL (add LIMIT): a named query's text is fixed.
    advice = (
        f"the named query {name}",
        "narrow its parameters (a shorter period, one network or one country)",
    )
    # Asked for by the results format's media type, not by format name,
    # which would also accept JSON-LD for "json".
    job = QueryJob(
        text,
        accept=by_name(fmt, RESULT_FORMATS).media_type,
        max_rows=min(page.limit, settings.max_rows) if page else settings.max_rows,
        advice=advice,
    )
    answer: QueryAnswer = await runner.run(job)
    return answer


def next_page_link(request: Request, page: Page | None, answer: QueryAnswer) -> str | None:
    """The URL of the next page when this one is full (the last page may be empty)."""
    if page is None or answer.rows is None or answer.rows < page.limit:
        return None
    following = page.next()
    return str(request.url.include_query_params(limit=following.limit, offset=following.offset))


def solutions(answer: QueryAnswer) -> Rows | bool:
    """A JSON answer of run_named read back as rows (or the answer of an ASK)."""
    return read_answer(answer.body)

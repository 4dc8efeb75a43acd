"""Named queries run for a web request (/api/queries, the query pages).

The whole answer is a job for the query runner (endpoint/named.py): the parameters are bound, the
query evaluated and the answer rendered in a worker, so the same time limit (a query past it is
stopped with its worker) and the same row cap apply as on /sparql, and the release's result cache
answers a repeated request with bytes. The form of each argument is checked here first (a mistyped
value is the client's 400 at once); one that needs the store (a slug that names nothing) is found
in the worker and reaches the client as the same 400.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Request

from cancerkg.endpoint.named import NamedQueryJob
from cancerkg.endpoint.protocol import QueryAnswer
from cancerkg.endpoint.workers import QueryRunner
from cancerkg.named_queries.binding import check_arguments
from cancerkg.named_queries.catalog import NamedQuery
from cancerkg.named_queries.paging import Page
from cancerkg.settings import Settings
from cancerkg.store.protocol import Rows, read_answer


async def run_named(
    request: Request,
    query: NamedQuery,
    arguments: Mapping[str, str],
    fmt: str = "json",
    page: Page | None = None,
) -> QueryAnswer:
    """The named query's answer in `fmt` (api: the /api/queries document; json: SPARQL JSON
    results; csv, tsv), capped at max_rows, from the app's runner and settings."""
    check_arguments(query, arguments)
    settings: Settings = request.app.state.settings
    runner: QueryRunner = request.app.state.runner
    job = NamedQueryJob(
        query.name,
        tuple(arguments.items()),
        fmt,
        page,
        max_rows=min(page.limit, settings.max_rows) if page else settings.max_rows,
        next_url=next_page_url(request, page),
    )
    answer: QueryAnswer = await runner.run(job)
    return answer


def next_page_url(request: Request, page: Page | None) -> str | None:
    """The URL of the page after `page` (used when this one comes out full)."""
    if page is None:
        return None
    following = page.next()
    return str(request.url.include_query_params(limit=following.limit, offset=following.offset))


def next_page_link(request: Request, page: Page | None, answer: QueryAnswer) -> str | None:
    """The URL of the next page when this one is full (the last page may be empty)."""
    if page is None or answer.rows is None or answer.rows < page.limit:
        return None
    return next_page_url(request, page)


def solutions(answer: QueryAnswer) -> Rows | bool:
    """A SPARQL JSON answer of run_named read back as rows (or the answer of an ASK)."""
    return read_answer(answer.body)

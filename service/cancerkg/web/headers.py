"""Response headers the routers share."""

from __future__ import annotations

from cancerkg.endpoint.protocol import QueryAnswer

# Set when the row cap cut an answer short; readable from browser JavaScript (CORS exposes it).
TRUNCATED = "X-Cancerkg-Truncated"


def truncation_headers(answer: QueryAnswer, max_rows: int) -> dict[str, str]:
    """The header saying the row cap cut this answer short (none when it did not): the same
    signal on /sparql, /api/queries and the query pages' CSV."""
    return {TRUNCATED: str(max_rows)} if answer.truncated else {}


# "hit" when the answer came from the release's result cache, "miss" when a worker computed it.
CACHE = "X-Cancerkg-Cache"


def cache_header(answer: QueryAnswer) -> dict[str, str]:
    """Whether the release's result cache answered (endpoint/cache.py): for people timing it."""
    return {CACHE: "hit" if answer.cached else "miss"}

"""What a query worker computes: a job that knows how to compute its answer from a store and
what to tell a client when it is stopped at the time limit.

Jobs cross a process boundary, so they are plain picklable values: a SPARQL query to evaluate
(`protocol.QueryJob`), or a call of a module-level function of the core (`Call`), which pickles
by its qualified name. Only server code makes jobs; nothing a client sends names a function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from cancerkg.store.protocol import Store

# What a stopped job was, and what the client can do about it.
Advice = tuple[str, str]
QUERY_ADVICE: Advice = ("the query", "simplify it or add LIMIT")
CALL_ADVICE: Advice = (
    "the request",
    "ask for less (a smaller max for paths, a longer search text)",
)


VALIDATION_ADVICE: Advice = (
    "the validation",
    "send a smaller submission (split it by network or by institution)",
)


class Job(Protocol):
    """Anything a runner can evaluate within the time limit (its own, or the service's)."""

    @property
    def advice(self) -> Advice: ...

    @property
    def timeout(self) -> float | None: ...

    def compute(self, store: Store) -> Any: ...


@dataclass(frozen=True)
class Call:
    """A whole answer computed by a core function `function(store, *arguments)`: Python around
    several queries, under the same time limit as a single query."""

    function: Callable[..., Any]
    arguments: tuple[Any, ...] = ()
    advice: Advice = CALL_ADVICE
    timeout: float | None = None  # None: the service's query time limit

    def compute(self, store: Store) -> Any:
        return self.function(store, *self.arguments)

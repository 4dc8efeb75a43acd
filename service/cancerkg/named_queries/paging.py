"""Pages of a named query's answer: `limit` and `offset` applied to the query's own solution
sequence, inside any LIMIT / OFFSET its text ends with (label-search's LIMIT 200 stays the
ceiling), so a page is the slice of exactly the rows the whole answer would give, in its order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cancerkg.errors import ParameterError

TRAILING = re.compile(r"(?:\s+(?:LIMIT|OFFSET)\s+\d+)+\s*$", re.IGNORECASE)
MODIFIER = re.compile(r"(LIMIT|OFFSET)\s+(\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int = 0

    @classmethod
    def parse(cls, limit: str | None, offset: str | None, max_rows: int) -> Page | None:
        """The page `limit` and `offset` ask for (None: the whole answer), or ParameterError."""
        if limit is None and offset is None:
            return None
        size = _count("limit", limit, 1, max_rows) if limit is not None else max_rows
        start = _count("offset", offset, 0, None) if offset is not None else 0
        return cls(size, start)

    def next(self) -> Page:
        return Page(self.limit, self.offset + self.limit)


def page_query(text: str, page: Page) -> str:
    """`text` answering only the rows of `page`."""
    tail = TRAILING.search(text)
    own = dict.fromkeys(("LIMIT", "OFFSET"), None) | {
        k.upper(): int(v) for k, v in MODIFIER.findall(tail.group(0) if tail else "")
    }
    body = text[: tail.start()] if tail else text
    start = (own["OFFSET"] or 0) + page.offset
    size = page.limit
    if own["LIMIT"] is not None:
        size = max(0, min(size, own["LIMIT"] - page.offset))
    return f"{body}\nLIMIT {size}\nOFFSET {start}\n"


def _count(name: str, raw: str, lowest: int, highest: int | None) -> int:
    if not raw.isdigit() or int(raw) < lowest or (highest is not None and int(raw) > highest):
        upper = f" and {highest}" if highest is not None else ""
        raise ParameterError(f"{name}: {raw!r} is not a whole number between {lowest}{upper}")
    return int(raw)

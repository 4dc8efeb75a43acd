"""Search a release's full-text index (build/search_index.py): prefix and typo tolerant, accents
and case folded, ranked with an exact acronym first, then an exact name, then FTS5's bm25."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from cancerkg.build.search_index import MIN_TYPO_LENGTH, SEARCH_INDEX, deletions, words

MAX_RESULTS = 200
MAX_WORDS = 12

RANKED = """
SELECT e.iri, e.label, e.type, en.name, en.kind
FROM entries AS en JOIN entities AS e ON e.id = en.entity
WHERE entries MATCH :match AND (:lang = '' OR en.lang = :lang OR en.lang LIKE :lang || '-%')
ORDER BY (en.kind = 'acronym' AND en.text = :whole) DESC, (en.text = :whole) DESC,
         (en.kind = 'identifier' AND en.text = :whole) DESC, bm25(entries), e.label
LIMIT :limit
"""
FUZZY = """
SELECT word FROM deletions WHERE variant = :word
UNION SELECT word FROM deletions WHERE variant IN ({variants})
UNION SELECT word FROM deletions WHERE word IN ({variants})
"""


def index_path(release: Path) -> Path:
    return release / SEARCH_INDEX


def search_index(
    path: Path, text: str, lang: str | None = None, limit: int = MAX_RESULTS
) -> list[dict[str, str]]:
    """The entities whose names or identifiers match `text`, best first: each with its English
    label, the name that matched and its type (the shape /api/entities answers)."""
    wanted = words(text)[:MAX_WORDS]
    if not wanted:
        return []
    db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        match = _match(db, wanted)
        if match is None:
            return []
        rows = db.execute(
            RANKED,
            {"match": match, "lang": lang or "", "whole": " ".join(wanted), "limit": limit * 4},
        ).fetchall()
    finally:
        db.close()
    return _best_per_entity(rows, limit)


def _match(db: sqlite3.Connection, wanted: list[str]) -> str | None:
    """An FTS5 query: every word as a prefix, or, where no indexed word starts with it, any
    indexed word one edit away ("rousy" finds "roussy"); None when a word matches nothing."""
    groups = []
    for word in wanted:
        prefix = f'"{word}"*'
        if db.execute("SELECT 1 FROM entries WHERE entries MATCH ? LIMIT 1", (prefix,)).fetchone():
            groups.append(prefix)
            continue
        near = _near(db, word) if len(word) >= MIN_TYPO_LENGTH else []
        if not near:
            return None
        groups.append("(" + " OR ".join(f'"{w}"' for w in near) + ")")
    return " AND ".join(groups)


def _near(db: sqlite3.Connection, word: str) -> list[str]:
    variants = sorted(set(deletions(word)))
    query = FUZZY.format(variants=", ".join("?" * len(variants)))
    found = db.execute(query, [word, *variants, *variants]).fetchall()
    return sorted({row[0] for row in found})


def _best_per_entity(rows: list[Any], limit: int) -> list[dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for iri, label, type_, matched, _kind in rows:
        if iri not in found:
            found[iri] = {"iri": iri, "label": label, "matched": matched, "type": type_}
        if len(found) == limit:
            break
    return list(found.values())

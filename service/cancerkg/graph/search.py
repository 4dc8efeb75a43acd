"""Search a release's full-text index (build/search_index.py): prefix and typo tolerant, accents
and case folded, ranked with an exact acronym first, then an exact name, then FTS5's bm25."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from cancerkg.build.search_index import MIN_TYPO_LENGTH, deletions, words

MAX_RESULTS = 200
MAX_WORDS = 12

RANK_ALL = 2000  # up to this many matches are scored (bm25); more are taken in static order
ENTRY = """
SELECT n.id, e.iri, e.label, e.type, n.name, n.kind
FROM names AS n JOIN entities AS e ON e.id = n.entity
WHERE n.id IN ({entries}) AND (? = '' OR n.lang = ? OR n.lang LIKE ? || '-%')
"""
EXACT = "SELECT entry FROM exact WHERE folded = ? ORDER BY entry"
COUNT = "SELECT count(*) FROM entries WHERE entries MATCH ?"
SCORED = "SELECT rowid FROM entries WHERE entries MATCH ? ORDER BY rank LIMIT ?"
STATIC = "SELECT rowid FROM entries WHERE entries MATCH ? LIMIT ?"
# Indexed words one edit away: a letter missing from the query (the query is one of the word's
# deletions), one letter too many (a deletion of the query is a word), or one changed or
# swapped (they share a deletion).
FUZZY = """
SELECT word FROM deletions WHERE variant = ?
UNION SELECT word FROM vocabulary WHERE word IN ({variants})
UNION SELECT word FROM deletions WHERE variant IN ({variants})
"""


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
        rows = _ranked(db, match, " ".join(wanted), lang or "", limit * 2)
    finally:
        db.close()
    return _best_per_entity(rows, limit)


def _ranked(db: sqlite3.Connection, match: str, whole: str, lang: str, limit: int) -> list[Any]:
    """Entries whose whole name is the query first (acronyms and identifiers before names),
    then the matches: scored by bm25 when there are few, else in the index's static order
    (shorter names first), which needs no scoring of thousands of prefix matches."""
    exact = [row[0] for row in db.execute(EXACT, (whole,))]
    many = db.execute(COUNT, (match,)).fetchone()[0] > RANK_ALL
    found = db.execute(STATIC if many else SCORED, (match, limit)).fetchall()
    order = list(dict.fromkeys(exact + [row[0] for row in found]))[:limit]
    query = ENTRY.format(entries=", ".join("?" * len(order)))
    by_entry = {row[0]: row[1:] for row in db.execute(query, [*order, lang, lang, lang])}
    return [by_entry[entry] for entry in order if entry in by_entry]


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

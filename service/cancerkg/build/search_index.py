"""The full-text search index of a release: SQLite FTS5 in the release folder (search.sqlite3).

SQLite's FTS5 is in the standard library's sqlite3, answers a prefix query over a million-triple
graph's names in well under a millisecond, and is a file that ships with the release like the
dumps, immutable once built (bench/RESULTS.md, "Search", compares it with tantivy and the SPARQL
CONTAINS it replaces). Folding (case, accents, ł → l) is done here, with cancerkg.rdf.text.fold,
so the index and the query fold alike; typo tolerance is a table of one-letter deletions of every
indexed word (the SymSpell idea): a query word with no match is looked up by its own deletions.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from cancerkg.internal_queries import internal_query
from cancerkg.rdf.text import fold

WORD = re.compile(r"[0-9a-z]+")
MIN_TYPO_LENGTH = 4  # shorter words match by prefix only: one deletion of "ern" is too loose
# Substring candidates (label-search): a trigram index finds texts of 3 characters or more; more
# candidates than this are not worth a VALUES list, and the query scans its keys itself.
MAX_CANDIDATES = 2000

SCHEMA = """
CREATE TABLE entities (id INTEGER PRIMARY KEY, iri TEXT UNIQUE, label TEXT, type TEXT);
CREATE TABLE names (id INTEGER PRIMARY KEY, entity INTEGER, name TEXT, kind TEXT, lang TEXT);
CREATE VIRTUAL TABLE entries USING fts5(
    text, content = '', tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4'
);
CREATE TABLE exact (folded TEXT, entry INTEGER, PRIMARY KEY (folded, entry)) WITHOUT ROWID;
CREATE TABLE vocabulary (word TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE deletions (variant TEXT, word TEXT, PRIMARY KEY (variant, word)) WITHOUT ROWID;
CREATE VIRTUAL TABLE keys USING fts5(key, entity UNINDEXED, tokenize = 'trigram');
"""
# The entities having a stored search key that contains the text (a superset: LIKE ignores the
# case of ASCII letters, and the keys are folded already).
KEYS_CONTAINING = "SELECT DISTINCT entity FROM keys WHERE key LIKE ? ESCAPE '\\' LIMIT ?"


def write_search_index(store: ox.Store, path: Path) -> int:
    """Index every name and identifier of `store`'s entities into `path`; the entries written."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    try:
        db.executescript(SCHEMA)
        count = _fill(db, _rows(store))
        db.executemany("INSERT INTO keys VALUES (?, ?)", _keys(store))
        db.execute("INSERT INTO entries(entries) VALUES ('optimize')")
        db.commit()
    finally:
        db.close()
    return count


def substring_candidates(path: Path, text: str) -> list[str] | None:
    """The entities with a ckg:searchKey containing the folded `text` (label-search's own test,
    answered by the trigram index), or None when the index cannot narrow it: a text under three
    characters, or more than MAX_CANDIDATES entities."""
    if len(text) < 3:
        return None
    pattern = "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"
    db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        found = [row[0] for row in db.execute(KEYS_CONTAINING, (pattern, MAX_CANDIDATES + 1))]
    except sqlite3.OperationalError:  # an index built before the keys table existed
        return None
    finally:
        db.close()
    return found if len(found) <= MAX_CANDIDATES else None


def words(text: str) -> list[str]:
    """The words of a text as the index holds them: folded, split on anything not a letter or
    digit."""
    return WORD.findall(fold(text))


def deletions(word: str) -> Iterator[str]:
    """The word with each one letter left out."""
    for index in range(len(word)):
        yield word[:index] + word[index + 1 :]


def _rows(store: ox.Store) -> Iterator[tuple[str, str, str, str, str, str]]:
    solutions = store.query(internal_query("search-entries"))
    assert isinstance(solutions, ox.QuerySolutions)
    for row in solutions:
        text = row["text"]
        if not isinstance(text, ox.Literal):
            continue
        yield (
            row["entity"].value,
            row["kind"].value,
            text.value,
            text.language or "",
            row["label"].value if row["label"] is not None else "",
            row["type"].value if row["type"] is not None else "",
        )


def _keys(store: ox.Store) -> Iterator[tuple[str, str]]:
    solutions = store.query(internal_query("search-keys"))
    assert isinstance(solutions, ox.QuerySolutions)
    for row in solutions:
        yield row["key"].value, row["entity"].value


def _fill(db: sqlite3.Connection, rows: Iterable[tuple[str, str, str, str, str, str]]) -> int:
    """Entities, then entries in a static rank order (acronyms and identifiers first, then
    shorter names): a common prefix matching thousands of entries is answered in rowid order
    without scoring them all (graph/search.py)."""
    ids: dict[str, int] = {}
    entries: dict[tuple[int, str, str], tuple[str, str, str, str, int]] = {}
    for iri, kind, text, lang, label, type_ in rows:
        if iri not in ids:
            ids[iri] = len(ids) + 1
            db.execute("INSERT INTO entities VALUES (?, ?, ?, ?)", (ids[iri], iri, label, type_))
        elif type_:
            db.execute("UPDATE entities SET type = ? WHERE id = ? AND type = ''", (type_, ids[iri]))
        folded = " ".join(words(text))
        entries.setdefault((ids[iri], text, lang), (folded, text, kind, lang, ids[iri]))
    ranked = sorted(entries.values(), key=lambda e: (e[2] == "label", len(e[0]), e[0]))
    db.executemany(
        "INSERT INTO entries(rowid, text) VALUES (?, ?)",
        ((n, entry[0]) for n, entry in enumerate(ranked, start=1)),
    )
    db.executemany(
        "INSERT INTO names VALUES (?, ?, ?, ?, ?)",
        (
            (n, entity, name, kind, lang)
            for n, (_, name, kind, lang, entity) in enumerate(ranked, 1)
        ),
    )
    db.executemany(
        "INSERT OR IGNORE INTO exact VALUES (?, ?)",
        ((entry[0], n) for n, entry in enumerate(ranked, start=1)),
    )
    vocabulary = {w for e in ranked for w in e[0].split() if len(w) >= MIN_TYPO_LENGTH}
    db.executemany("INSERT INTO vocabulary VALUES (?)", ((word,) for word in vocabulary))
    db.executemany(
        "INSERT OR IGNORE INTO deletions VALUES (?, ?)",
        ((variant, word) for word in vocabulary for variant in deletions(word)),
    )
    return len(ranked)

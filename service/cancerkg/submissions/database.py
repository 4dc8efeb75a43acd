"""The inbox database: SQLite in WAL mode under the store folder.

SQLite is in the standard library, survives kill -9 with every committed transaction intact
(WAL + synchronous=FULL: a commit returns only after the log is fsynced), and lets the service,
`cancerkg publish` and `cancerkg tokens` write to it from separate processes, one writer at a time.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cancerkg.errors import InputError
from cancerkg.store.durable import fsync_folder

INBOX = "inbox"
DATABASE = "inbox.sqlite3"
BUSY_MS = 30_000

SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('steward', 'reviewer')),
    scopes TEXT NOT NULL,
    organisation TEXT,
    secret_sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS submissions (
    id TEXT PRIMARY KEY,
    token_id TEXT NOT NULL REFERENCES tokens(id),
    steward TEXT NOT NULL,
    organisation TEXT,
    scopes TEXT NOT NULL,
    filename TEXT NOT NULL,
    media_type TEXT NOT NULL,
    body BLOB NOT NULL,
    rdf BLOB,
    sha256 TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    received_at TEXT NOT NULL,
    status TEXT NOT NULL,
    conforms INTEGER,
    counts TEXT,
    report TEXT,
    error TEXT,
    reviewer TEXT,
    reviewed_at TEXT,
    reason TEXT,
    release TEXT,
    published_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS submissions_status ON submissions(status);
CREATE INDEX IF NOT EXISTS submissions_token ON submissions(token_id);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    submission TEXT NOT NULL,
    at TEXT NOT NULL,
    status TEXT NOT NULL,
    actor TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS publications (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    outcome TEXT NOT NULL,
    release TEXT,
    detail TEXT NOT NULL DEFAULT ''
);
"""


def database_path(store_dir: Path) -> Path:
    return store_dir / INBOX / DATABASE


@contextmanager
def connect(store_dir: Path) -> Iterator[sqlite3.Connection]:
    """A connection in autocommit mode (transactions are opened explicitly with `write`)."""
    path = database_path(store_dir)
    _ensure_folder(path.parent)
    try:
        connection = sqlite3.connect(path, timeout=BUSY_MS / 1000, isolation_level=None)
    except sqlite3.Error as error:
        raise InputError(f"cannot open the inbox database {path}: {error}") from None
    try:
        connection.row_factory = sqlite3.Row
        try:
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute("PRAGMA foreign_keys=ON")
            key = (path, path.stat().st_ino)  # a database removed and made anew is new
            if key not in _prepared:
                _prepare(connection)
                _prepared.add(key)
        except (sqlite3.Error, OSError) as error:
            raise InputError(
                f"cannot use the inbox database {path}: {error}; the store folder must be "
                "writable for submissions"
            ) from None
        yield connection
    finally:
        connection.close()


_prepared: set[tuple[Path, int]] = set()
"""Databases this process has set up: every operation opens its own connection, and the schema
checks need not run again on each."""


def _prepare(connection: sqlite3.Connection) -> None:
    """WAL mode and the tables, once per database. Switching the journal mode takes an exclusive
    lock that SQLite does not wait for, so several processes opening a new inbox at once (the
    service, `cancerkg tokens`) retry instead of failing."""
    for attempt in range(50):
        try:
            if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                connection.execute("PRAGMA journal_mode=WAL")
            if (
                connection.execute(
                    "SELECT count(*) FROM sqlite_master WHERE name = 'publications'"
                ).fetchone()[0]
                == 0
            ):
                connection.executescript(SCHEMA)
            columns = {row[1] for row in connection.execute("PRAGMA table_info(submissions)")}
            if "rdf" not in columns:  # an inbox made before spreadsheets were taken
                connection.execute("ALTER TABLE submissions ADD COLUMN rdf BLOB")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == 49:
                raise
            time.sleep(0.1)


@contextmanager
def write(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One transaction that takes the write lock at once (BEGIN IMMEDIATE), so a
    check-then-update (e.g. two reviewers accepting the same submission) cannot interleave."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _ensure_folder(folder: Path) -> None:
    if folder.is_dir():
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(
            f"cannot create the inbox folder {folder} ({error.strerror}); "
            "name a store folder you can write to (--store or CANCERKG_STORE)"
        ) from None
    fsync_folder(folder.parent)

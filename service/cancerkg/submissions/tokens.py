"""Tokens: who may send submissions for which networks or organisations, and who may review.

A token is `ckg_<id>_<secret>`; only the SHA-256 of the secret is stored. The secret is 32 random
bytes, so a plain hash suffices (slow password hashes exist for guessable passwords) and the check
is a constant-time comparison of digests. The token is shown once, when it is created.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cancerkg.errors import AuthenticationError, ForbiddenError, InputError, NotFoundError
from cancerkg.submissions.database import connect, write

ROLES = ("steward", "reviewer")
TOKEN = re.compile(r"ckg_(?P<id>[0-9a-f]{8})_(?P<secret>[A-Za-z0-9_-]{43})")


@dataclass(frozen=True)
class Principal:
    """The holder of a valid token."""

    token_id: str
    name: str
    role: str
    scopes: tuple[str, ...]
    organisation: str | None

    @property
    def is_reviewer(self) -> bool:
        return self.role == "reviewer"

    def may_speak_for(self, iri: str) -> bool:
        return self.is_reviewer or iri in self.scopes

    def require_reviewer(self) -> None:
        if not self.is_reviewer:
            raise ForbiddenError(f"token {self.token_id} ({self.name}) is not a reviewer's token")


@dataclass(frozen=True)
class TokenRecord:
    """A token as `cancerkg tokens list` shows it (never the secret)."""

    id: str
    name: str
    role: str
    scopes: tuple[str, ...]
    organisation: str | None
    created_at: str
    revoked_at: str | None


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def create_token(
    store_dir: Path,
    name: str,
    role: str,
    scopes: tuple[str, ...],
    organisation: str | None = None,
) -> tuple[str, TokenRecord]:
    """A new token (the full secret string, shown once) and its stored record. Submissions are
    attributed to `organisation`, by default the first scope."""
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; use one of: {', '.join(ROLES)}")
    if role == "steward" and not scopes:
        raise InputError(
            "a steward's token needs at least one --scope (a network or organisation it speaks for)"
        )
    if not name.strip():
        raise InputError("a token needs a --name that says whose it is")
    token_id, secret = secrets.token_hex(4), secrets.token_urlsafe(32)
    organisation = organisation or (scopes[0] if scopes else None)
    record = TokenRecord(token_id, name.strip(), role, scopes, organisation, now(), None)
    with connect(store_dir) as db, write(db):
        db.execute(
            "INSERT INTO tokens VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
            (
                record.id,
                record.name,
                role,
                json.dumps(list(scopes)),
                organisation,
                _digest(secret),
                record.created_at,
            ),
        )
    return f"ckg_{token_id}_{secret}", record


def list_tokens(store_dir: Path) -> list[TokenRecord]:
    with connect(store_dir) as db:
        rows = db.execute("SELECT * FROM tokens ORDER BY created_at, id").fetchall()
    return [_record(row) for row in rows]


def revoke_token(store_dir: Path, token_id: str) -> TokenRecord:
    """Revoke a token at once; its submissions stay as they are."""
    with connect(store_dir) as db, write(db):
        row = db.execute("SELECT * FROM tokens WHERE id = ?", (token_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no token {token_id!r}; `cancerkg tokens list` shows them")
        if row["revoked_at"] is None:
            db.execute("UPDATE tokens SET revoked_at = ? WHERE id = ?", (now(), token_id))
    return next(t for t in list_tokens(store_dir) if t.id == token_id)


def authenticate(store_dir: Path, presented: str | None) -> Principal:
    """The principal a presented token stands for, or AuthenticationError (401)."""
    if not presented:
        raise AuthenticationError(
            "this needs a token: send `Authorization: Bearer ckg_...` (ask the cancerkg "
            "maintainers for one; `cancerkg tokens create` makes it)"
        )
    match = TOKEN.fullmatch(presented.strip())
    if match is None:
        raise AuthenticationError("the token is malformed; it looks like ckg_<8 hex>_<43 chars>")
    with connect(store_dir) as db:
        row = db.execute("SELECT * FROM tokens WHERE id = ?", (match["id"],)).fetchone()
    expected = row["secret_sha256"] if row is not None else _digest("")
    valid = hmac.compare_digest(expected, _digest(match["secret"]))
    if row is None or not valid or row["revoked_at"] is not None:
        raise AuthenticationError("the token is unknown or revoked")
    record = _record(row)
    return Principal(record.id, record.name, record.role, record.scopes, record.organisation)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _record(row: sqlite3.Row) -> TokenRecord:
    return TokenRecord(
        row["id"],
        row["name"],
        row["role"],
        tuple(json.loads(row["scopes"])),
        row["organisation"],
        row["created_at"],
        row["revoked_at"],
    )

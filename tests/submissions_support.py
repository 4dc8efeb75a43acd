"""Helpers for the inbox tests: a private store with tokens, and a real server that can be
killed with SIGKILL (its whole process group: server, query workers, publisher)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from cancerkg.build.pipeline import build
from cancerkg.submissions.database import database_path
from cancerkg.submissions.tokens import create_token
from cancerkg.testing import free_port, serve_command, wait_until_up

FILES = Path(__file__).parent / "submissions"
EURACAN = "https://w3id.org/cancerkg/id/network/euracan"
SKIN = "https://w3id.org/cancerkg/id/network/skin"


@dataclass
class Inbox:
    """A store folder with a EURACAN steward, an ERN-Skin steward and two reviewers."""

    store: Path
    euracan: str
    skin: str
    reviewer: str
    reviewer2: str


def make_inbox(folder: Path) -> Inbox:
    build(folder)
    return Inbox(
        folder,
        create_token(folder, "EURACAN office", "steward", (EURACAN,))[0],
        create_token(folder, "ERN-Skin office", "steward", (SKIN,))[0],
        create_token(folder, "Reviewer One", "reviewer", ())[0],
        create_token(folder, "Reviewer Two", "reviewer", ())[0],
    )


class Server:
    """`cancerkg serve` in its own process group."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            serve_command(store, self.port),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_until_up(self.url + "/health", self.process)

    def kill(self) -> None:
        """SIGKILL to the server and every process it started, as a power cut would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def send(url: str, token: str, name: str, *, body: bytes | None = None) -> httpx.Response:
    data = body if body is not None else (FILES / name).read_bytes()
    return httpx.post(
        url + "/submissions",
        content=data,
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {token}"},
        timeout=60,
    )


def get(url: str, token: str, path: str, **headers: str) -> httpx.Response:
    return httpx.get(
        url + path, headers={"Authorization": f"Bearer {token}", **headers}, timeout=60
    )


def wait_for(check: Callable[[], bool], seconds: float = 180) -> None:
    """Poll until `check()` holds (a background step finishing), or fail."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"not reached in {seconds} s")


def status_of(store: Path, identifier: str) -> str:
    """The status as the database holds it (read-only, beside the running server)."""
    with sqlite3.connect(f"file:{database_path(store)}?mode=ro", uri=True) as db:
        row = db.execute("SELECT status FROM submissions WHERE id = ?", (identifier,)).fetchone()
    return str(row[0]) if row else "missing"


def all_ids(store: Path) -> set[str]:
    with sqlite3.connect(f"file:{database_path(store)}?mode=ro", uri=True) as db:
        return {row[0] for row in db.execute("SELECT id FROM submissions")}

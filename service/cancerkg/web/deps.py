"""FastAPI dependencies: the store and settings of the running app.

`async def` although they do not await: FastAPI runs a plain `def` dependency in its thread pool,
a thread hop per dependency on every request for what is an attribute lookup.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Request

from cancerkg.endpoint.workers import QueryRunner
from cancerkg.settings import Settings
from cancerkg.store.protocol import Store


async def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_runner(request: Request) -> QueryRunner:
    runner: QueryRunner = request.app.state.runner
    return runner


def store_dir_of(request: Request) -> Path:
    """The store folder the app serves (the inbox and the release history live there)."""
    store_dir: Path = request.app.state.settings.store_dir
    return store_dir

"""FastAPI dependencies: the store and settings of the running app."""

from __future__ import annotations

from fastapi import Request

from cancerkg.settings import Settings
from cancerkg.store import Store
from cancerkg.workers import QueryRunner


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_runner(request: Request) -> QueryRunner:
    runner: QueryRunner = request.app.state.runner
    return runner

"""Assemble the FastAPI application: one router per feature, the store injected as a dependency,
and every error answered in one shape by cancerkg.web.errors."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from cancerkg import __version__
from cancerkg.endpoint.workers import start_runner
from cancerkg.settings import Settings
from cancerkg.store.open import open_store
from cancerkg.store.protocol import Store
from cancerkg.web import browser_assets, errors, render
from cancerkg.web.caching import add_compression
from cancerkg.web.headers import CACHE, TRUNCATED
from cancerkg.web.inbox_worker import InboxWorker
from cancerkg.web.routers import (
    api,
    api_docs,
    assets,
    dumps,
    health,
    linked_data,
    pages,
    releases,
    sparql,
    submissions,
    templates,
    validate,
)

logger = logging.getLogger("cancerkg.web")


def create_app(settings: Settings, *, store: Store | None = None) -> FastAPI:
    """The service over the store that `settings` names, or over `store` held in this process
    (queries then run in threads, not in killable worker processes)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = store or open_store(settings)
        app.state.runner = await start_runner(settings, store)
        app.state.inbox = InboxWorker(
            app, settings, swap_releases=store is None and settings.backend != "remote"
        )
        await app.state.inbox.start()
        app.state.assets = await _browser_assets()
        try:
            yield
        finally:
            await app.state.inbox.close()
            await app.state.runner.close()
            app.state.store.close()

    app = FastAPI(
        title="cancerkg",
        version=__version__,
        description="SPARQL endpoint, relationship API, validation and linked-data pages of the "
        "cancerkg knowledge graph of European cancer networks.",
        lifespan=lifespan,
        docs_url=None,  # served by routers/api_docs.py from this host, not from a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    errors.install(app)
    # Browser tools (YASGUI, notebooks in other origins) query the read-only endpoint directly.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST"],
        # Bearer tokens, never cookies, cross origins: a page elsewhere cannot write with a
        # signed-in steward's cookie (web/auth.py).
        allow_credentials=False,
        allow_headers=["*"],
        expose_headers=[TRUNCATED, CACHE],
    )
    # Routes are matched in order: the endpoint the heavy traffic hits comes first.
    app.include_router(sparql.router)
    app.include_router(health.router)
    app.include_router(api.build_router())
    app.include_router(validate.router)
    app.include_router(submissions.router)
    app.include_router(submissions.pages)
    app.include_router(templates.router)
    app.include_router(dumps.router)
    app.include_router(releases.router)
    app.include_router(pages.router)
    app.include_router(linked_data.router)
    app.include_router(api_docs.router)
    app.include_router(assets.router)  # before the /static mount, which would shadow it
    app.mount("/static", StaticFiles(directory=render.STATIC), name="static")
    add_compression(app)
    return app


async def _browser_assets() -> dict[str, Path | None]:
    """Where the editor's and the API docs' code is served from; a missing one is fetched now
    (first serve after an offline install), and if it cannot be, the log says what falls back."""
    found, notes = await asyncio.to_thread(browser_assets.prepare)
    for note in notes:
        logger.warning(note)
    return found

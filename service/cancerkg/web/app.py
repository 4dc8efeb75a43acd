"""Assemble the FastAPI application: one router per feature, the store injected as a dependency,
and every CancerKGError rendered as JSON {"error", "detail"} with its HTTP status."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from cancerkg import __version__
from cancerkg.connect import open_store
from cancerkg.errors import CancerKGError
from cancerkg.settings import Settings
from cancerkg.web import health


def create_app(settings: Settings) -> FastAPI:
    """The service over the store that `settings` names."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = open_store(settings)
        try:
            yield
        finally:
            app.state.store.close()

    app = FastAPI(
        title="cancerkg",
        version=__version__,
        description="SPARQL endpoint, relationship API, validation and linked-data pages of the "
        "cancerkg knowledge graph of European cancer networks.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.add_exception_handler(CancerKGError, _error_response)  # type: ignore[arg-type]
    app.include_router(health.router)
    return app


async def _error_response(request: Request, error: CancerKGError) -> JSONResponse:
    return JSONResponse(
        {"error": error.kind, "detail": error.message}, status_code=error.http_status
    )

"""/health: answers in constant time without touching the store."""

from __future__ import annotations

from fastapi import APIRouter

from cancerkg import __version__

router = APIRouter(tags=["service"])


@router.get("/health", summary="Liveness check")
def health() -> dict[str, str]:
    return {"status": "ok", "version": __version__}

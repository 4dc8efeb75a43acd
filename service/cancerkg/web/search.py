"""Which full-text index serves search: the one built with the release being served, when the
service serves that release (not a remote endpoint, whose graph may differ)."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request

from cancerkg.build.search_index import SEARCH_INDEX
from cancerkg.settings import Settings
from cancerkg.web.caching import current_release


def search_index_of(request: Request) -> Path | None:
    """The index file of the served release, or None (search then runs as SPARQL)."""
    settings: Settings = request.app.state.settings
    release = current_release(request)
    if settings.backend == "remote" or release.dist is None:
        return None
    index = release.dist.parent / SEARCH_INDEX
    return index if index.is_file() else None

"""Settings shared by every command and the service: flags first, then CANCERKG_* variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_STORE = "CANCERKG_STORE"
ENV_BACKEND = "CANCERKG_BACKEND"
ENV_ENDPOINT = "CANCERKG_ENDPOINT"
BACKENDS = ("oxigraph", "memory", "remote")


def default_store_dir() -> Path:
    """$CANCERKG_STORE, else the XDG data folder (~/.local/share/cancerkg/store)."""
    if os.environ.get(ENV_STORE):
        return Path(os.environ[ENV_STORE]).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "cancerkg" / "store"


@dataclass(frozen=True)
class Settings:
    """Where the store is and which backend serves queries."""

    store_dir: Path
    backend: str = "oxigraph"
    endpoint: str | None = None

    @classmethod
    def resolve(
        cls, store: Path | None = None, backend: str | None = None, endpoint: str | None = None
    ) -> Settings:
        endpoint = endpoint or os.environ.get(ENV_ENDPOINT) or None
        chosen = backend or os.environ.get(ENV_BACKEND) or ("remote" if endpoint else "oxigraph")
        return cls(store or default_store_dir(), chosen, endpoint)

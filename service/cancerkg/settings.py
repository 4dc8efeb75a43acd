"""Settings shared by every command and the service: flags first, then CANCERKG_* variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ENV_STORE = "CANCERKG_STORE"
ENV_BACKEND = "CANCERKG_BACKEND"
ENV_ENDPOINT = "CANCERKG_ENDPOINT"
ENV_ENDPOINT_USER = "CANCERKG_ENDPOINT_USER"
ENV_ENDPOINT_PASSWORD = "CANCERKG_ENDPOINT_PASSWORD"  # noqa: S105 - the variable's name, not a secret
ENV_ENDPOINT_AUTH = "CANCERKG_ENDPOINT_AUTH"  # basic or digest (Virtuoso's /sparql-auth)
ENV_QUERY_TIMEOUT = "CANCERKG_QUERY_TIMEOUT"
ENV_VALIDATION_TIMEOUT = "CANCERKG_VALIDATION_TIMEOUT"
ENV_MAX_ROWS = "CANCERKG_MAX_ROWS"
ENV_MAX_QUERY_LENGTH = "CANCERKG_MAX_QUERY_LENGTH"
ENV_SERVICE_ALLOW = "CANCERKG_SERVICE_ALLOW"
ENV_WORKERS = "CANCERKG_WORKERS"
ENV_WORKER_MEMORY = "CANCERKG_WORKER_MEMORY"  # MiB a query worker may allocate; 0: no cap
ENV_RESULT_CACHE = "CANCERKG_RESULT_CACHE"  # MiB of query answers kept per release; 0: none
ENV_WORKER_IDLE = "CANCERKG_WORKER_IDLE"  # seconds a worker beyond the warm ones may idle
ENV_BASE_URL = "CANCERKG_BASE_URL"  # where the canonical https://w3id.org/cancerkg/ is served
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
    endpoint_user: str | None = None
    endpoint_password: str | None = field(default=None, repr=False)
    endpoint_auth: str = "basic"
    query_timeout: float = 30.0
    validation_timeout: float = 30.0
    max_rows: int = 10_000
    max_query_length: int = 100_000
    service_allow: tuple[str, ...] = ()
    workers: int = 2
    worker_memory: int = 1024  # MiB
    worker_idle: float = 30.0  # seconds a surplus worker stays idle before it is stopped
    result_cache: int = 64  # MiB of answers kept per release (endpoint/cache.py); 0: none
    base_url: str | None = None  # None: the address each request came in on

    @classmethod
    def resolve(
        cls, store: Path | None = None, backend: str | None = None, endpoint: str | None = None
    ) -> Settings:
        endpoint = endpoint or os.environ.get(ENV_ENDPOINT) or None
        chosen = backend or os.environ.get(ENV_BACKEND) or ("remote" if endpoint else "oxigraph")
        return cls(
            store or default_store_dir(),
            chosen,
            endpoint,
            endpoint_user=os.environ.get(ENV_ENDPOINT_USER) or None,
            endpoint_password=os.environ.get(ENV_ENDPOINT_PASSWORD) or None,
            endpoint_auth=os.environ.get(ENV_ENDPOINT_AUTH) or "basic",
            query_timeout=float(os.environ.get(ENV_QUERY_TIMEOUT) or 30.0),
            validation_timeout=float(os.environ.get(ENV_VALIDATION_TIMEOUT) or 30.0),
            max_rows=int(os.environ.get(ENV_MAX_ROWS) or 10_000),
            max_query_length=int(os.environ.get(ENV_MAX_QUERY_LENGTH) or 100_000),
            service_allow=tuple(
                h.strip().lower()
                for h in os.environ.get(ENV_SERVICE_ALLOW, "").split(",")
                if h.strip()
            ),
            workers=int(os.environ.get(ENV_WORKERS) or 2),
            worker_memory=int(os.environ.get(ENV_WORKER_MEMORY) or 1024),
            worker_idle=float(os.environ.get(ENV_WORKER_IDLE) or 30.0),
            result_cache=int(os.environ.get(ENV_RESULT_CACHE) or 64),
            base_url=normalise_base_url(os.environ.get(ENV_BASE_URL)),
        )


def normalise_base_url(url: str | None) -> str | None:
    """A base URL ending with exactly one '/', or None when unset (so links stay host-relative)."""
    if not url or not url.strip():
        return None
    return url.strip().rstrip("/") + "/"

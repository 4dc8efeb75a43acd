"""The browser code our pages need (YASGUI for /editor, Swagger UI for /docs, Redoc for /redoc),
fetched from the npm registry at a pinned version and checked against its pinned sha512 before a
byte of it is kept, then served from this host: no page loads code from a CDN.

The pins are data (browser-assets.json beside this file). The wheel build fetches them into
web/static/vendor/ (hatch_build.py), so `pip install .` brings them; a copy installed without
them (an offline build) fetches them on first `cancerkg serve` into a cache folder, and one that
cannot reach the registry serves plain fallbacks and says so. Standard library only, because the
build hook loads this module before any dependency is installed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from cancerkg.errors import AssetError

HERE = Path(__file__).parent
PINS = HERE / "browser-assets.json"
PACKAGED = HERE / "static" / "vendor"  # filled by the wheel build, git-ignored
ENV_REGISTRY = "CANCERKG_NPM_REGISTRY"  # a mirror of registry.npmjs.org
ENV_ASSETS = "CANCERKG_ASSETS"  # where first serve keeps what it fetched
REGISTRY = "https://registry.npmjs.org"
MARKER = ".integrity"  # written last: a folder without it is an interrupted fetch
FETCH_COMMAND = "cancerkg assets"
MAX_TARBALL = 64 * 1024 * 1024


@dataclass(frozen=True)
class Pin:
    """One npm package at one version, and which of its files we serve under which name."""

    name: str
    package: str
    version: str
    integrity: str
    files: dict[str, str]  # served name -> path inside the tarball

    @property
    def tarball_url(self) -> str:
        """npm's tarball address: {registry}/{package}/-/{unscoped name}-{version}.tgz."""
        registry = os.environ.get(ENV_REGISTRY, REGISTRY).rstrip("/")
        unscoped = self.package.rsplit("/", 1)[-1]
        return f"{registry}/{self.package}/-/{unscoped}-{self.version}.tgz"


def pins() -> dict[str, Pin]:
    """Every pinned asset, by the name the pages use."""
    data = json.loads(PINS.read_text(encoding="utf-8"))
    return {
        name: Pin(name, e["package"], e["version"], e["integrity"], dict(e["files"]))
        for name, e in data["assets"].items()
    }


def cache_root() -> Path:
    """$CANCERKG_ASSETS, else the XDG cache folder (~/.cache/cancerkg/browser-assets)."""
    if os.environ.get(ENV_ASSETS):
        return Path(os.environ[ENV_ASSETS]).expanduser()
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "cancerkg" / "browser-assets"


def is_installed(folder: Path, pin: Pin) -> bool:
    """Whether `folder` holds this pin's files, fetched whole and at this exact version."""
    marker = folder / MARKER
    if not marker.is_file() or marker.read_text(encoding="utf-8").strip() != pin.integrity:
        return False
    return all((folder / served).is_file() for served in pin.files)


def locate(pin: Pin) -> Path | None:
    """The folder serving this asset: the one inside the package, else the cache, else None."""
    for folder in (PACKAGED / pin.name, cache_root() / pin.name):
        if is_installed(folder, pin):
            return folder
    return None


def fetch(pin: Pin, folder: Path, *, timeout: float = 60.0) -> None:
    """Download the pinned tarball, check its sha512, and put the pinned files into `folder`
    (replaced whole, so a reader never sees half an upgrade)."""
    data = _download(pin.tarball_url, timeout)
    actual = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")
    if actual != pin.integrity:
        raise AssetError(
            f"{pin.package}@{pin.version} from {pin.tarball_url} failed its integrity check",
            detail=f"expected {pin.integrity}, got {actual}; nothing was installed",
        )
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{pin.name}-", dir=folder.parent))
    except OSError as failure:
        raise AssetError(
            f"cannot write {folder.parent}: {failure}",
            detail=f"set {ENV_ASSETS} to a folder this user may write",
        ) from failure
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; the files are public code
        _extract(data, pin, staging)
        (staging / MARKER).write_text(pin.integrity + "\n", encoding="utf-8")
        try:
            if folder.exists():
                shutil.rmtree(folder)
            staging.rename(folder)
        except OSError as failure:  # another process installed it meanwhile: theirs will do
            if not is_installed(folder, pin):
                raise AssetError(f"cannot write {folder}: {failure}") from failure
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def ensure(pin: Pin, *, timeout: float = 60.0) -> Path:
    """Where the asset is served from, fetching it into the cache first if it is nowhere."""
    found = locate(pin)
    if found is not None:
        return found
    folder = cache_root() / pin.name
    fetch(pin, folder, timeout=timeout)
    return folder


def _download(url: str, timeout: float) -> bytes:
    if not url.startswith(("https://", "http://")):
        raise AssetError(f"{ENV_REGISTRY} must be an http(s) address, not {url!r}")
    request = urllib.request.Request(url, headers={"User-Agent": "cancerkg"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            data: bytes = response.read(MAX_TARBALL + 1)
    except (urllib.error.URLError, OSError) as failure:
        reason = getattr(failure, "reason", failure)
        raise AssetError(
            f"cannot download {url}: {reason}",
            detail=f"run `{FETCH_COMMAND}` once the npm registry can be reached "
            f"(or set {ENV_REGISTRY} to a mirror)",
        ) from failure
    if len(data) > MAX_TARBALL:
        raise AssetError(f"{url} is larger than {MAX_TARBALL // 2**20} MiB")
    return data


def _extract(data: bytes, pin: Pin, folder: Path) -> None:
    """Copy only the pinned members, by exact name, so no path in the tarball decides where
    anything is written."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for served, member in pin.files.items():
            try:
                source = archive.extractfile(member)
            except KeyError:
                source = None
            if source is None:
                raise AssetError(f"{pin.package}@{pin.version} has no file {member}")
            (folder / Path(served).name).write_bytes(source.read())


def prepare(*, timeout: float = 15.0) -> tuple[dict[str, Path | None], list[str]]:
    """At service start: where each asset is served from (None: missing, the page falls back),
    fetching any missing one into the cache; and what to tell the operator about it."""
    found: dict[str, Path | None] = {}
    notes: list[str] = []
    for name, pin in pins().items():
        try:
            found[name] = ensure(pin, timeout=timeout)
        except AssetError as failure:
            found[name] = None
            notes.append(
                f"{pin.package}@{pin.version} is not installed and could not be fetched "
                f"({failure.message}): {FALLBACKS[name]}. Run `{FETCH_COMMAND}` when the npm "
                f"registry can be reached, then restart."
            )
    return found, notes


# What a page without its asset does instead, said in the log and on the page.
FALLBACKS = {
    "yasgui": "/editor serves a plain query form that still runs queries",
    "swagger-ui": "/docs links to the OpenAPI description at /openapi.json instead",
    "redoc": "/redoc links to the OpenAPI description at /openapi.json instead",
}

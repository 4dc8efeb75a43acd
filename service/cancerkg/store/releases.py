"""The on-disk layout of a store folder, release versions, and the atomic switch from one
build to the next.

    STORE/
      current -> releases/<version>          symlink, replaced atomically by a finished build
      releases/<version>/oxigraph/           the pyoxigraph database (the newest two releases)
      releases/<version>/dist/               dumps with .sha256 files (every release, forever)
      releases/<version>/manifest.json       what was built, from what, when; version, previous
      releases/.tmp-<fingerprint>-<pid>/     a build in progress (removed if it never finished)
      releases/.lock                         held while a release is numbered and published

A version is `YYYY-MM-DD.N`: the UTC day of publication and its sequence that day from 1. A
release folder written before versions existed is named by its fingerprint and its manifest has
no version: it is read as the version its built_at gives (day, then order of building).

A release is never modified after it is published, so any number of read-only readers can use it
while a new build is written beside it. Dumps and manifests are kept forever (they are what
/releases/{version} serves and what a diff reads); databases only for the newest releases, which
a running service or the previous-release fallback may still open.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from cancerkg.errors import InputError
from cancerkg.store.durable import exclusive_lock, fsync_folder

LAYOUT = 2
"""Bumped when a release's contents change shape (2: the default graph holds the merge of the
named graphs), so the next build does not reuse an older release."""
CURRENT = "current"
RELEASES = "releases"
TMP_PREFIX = ".tmp-"
LOCK = ".lock"
SEARCH_INDEX = "search.sqlite3"  # the full-text index in a release folder (build/search_index.py)
KEEP_DATABASES = 2
"""Releases (newest first) that keep their oxigraph database: the one served and the one it
replaced, which services started before the switch still have open."""
VERSION = re.compile(r"(\d{4}-\d{2}-\d{2})\.([1-9]\d*)")


@dataclass(frozen=True)
class ManifestDump:
    """One dump file of a release, as the manifest lists it."""

    file: str
    media_type: str
    sha256: str
    size: int


@dataclass(frozen=True)
class ManifestSource:
    """One source file and the named graph it was loaded into."""

    file: str
    graph: str


@dataclass(frozen=True)
class Manifest:
    """What a release was built from, when and by which version: releases/<fp>/manifest.json."""

    fingerprint: str
    cancerkg: str
    built_at: str
    triples: int
    validated: str = ""
    """How the shapes gate judged the release ("" when it was built without it)."""
    version: str = ""  # empty in releases built before versions: see published_releases
    previous: str = ""  # the version this release replaced; empty for the first
    inferred: int = 0
    summarised: int = 0
    sources: tuple[ManifestSource, ...] = ()
    dumps: tuple[ManifestDump, ...] = ()

    @classmethod
    def read(cls, path: Path) -> Manifest:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            fingerprint=str(data.get("fingerprint", "")),
            cancerkg=str(data.get("cancerkg", "")),
            built_at=str(data.get("built_at", "")),
            triples=int(data.get("triples", 0)),
            validated=str(data.get("validated", "")),
            version=str(data.get("version") or ""),
            previous=str(data.get("previous") or ""),
            inferred=int(data.get("inferred", 0)),
            summarised=int(data.get("summarised", 0)),
            sources=tuple(ManifestSource(**s) for s in data.get("sources", [])),
            dumps=tuple(ManifestDump(**d) for d in data.get("dumps", [])),
        )

    def write(self, path: Path) -> None:
        """Write and flush to disk: a published release's manifest must survive a crash."""
        with path.open("w", encoding="utf-8") as file:
            file.write(json.dumps(asdict(self), indent=2))
            file.flush()
            os.fsync(file.fileno())


@dataclass(frozen=True)
class Release:
    """A finished build."""

    path: Path

    @property
    def oxigraph(self) -> Path:
        return self.path / "oxigraph"

    @property
    def dist(self) -> Path:
        return self.path / "dist"

    @property
    def manifest_path(self) -> Path:
        return self.path / "manifest.json"

    @property
    def search_index(self) -> Path:
        """The release's full-text index (build/search_index.py)."""
        return self.path / SEARCH_INDEX

    def manifest(self) -> Manifest:
        return Manifest.read(self.manifest_path)

    @property
    def fingerprint(self) -> str:
        return self.manifest().fingerprint


def current_release(store_dir: Path) -> Release | None:
    """The published release, or None when nothing has been built yet."""
    link = store_dir / CURRENT
    if not link.exists():
        return None
    release = Release(link.resolve())
    return release if release.manifest_path.is_file() else None


def new_workspace(store_dir: Path, fingerprint: str) -> Path:
    """A fresh folder for a build in progress; stale ones from killed builds are removed."""
    releases = store_dir / RELEASES
    if store_dir.exists() and not store_dir.is_dir():
        raise InputError(f"--store {store_dir}: not a folder; name a folder for the store")
    try:
        releases.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(
            f"--store {store_dir}: cannot create the store there ({error.strerror}); "
            "name a folder you can write to"
        ) from None
    for stale in releases.glob(TMP_PREFIX + "*"):
        if not _owner_alive(stale):
            shutil.rmtree(stale, ignore_errors=True)
    workspace = releases / f"{TMP_PREFIX}{fingerprint}-{os.getpid()}"
    shutil.rmtree(workspace, ignore_errors=True)
    workspace.mkdir()
    return workspace


def publish(store_dir: Path, workspace: Path, fingerprint: str) -> Release:
    """Number a finished workspace, move it into place and point `current` at it in one atomic
    step. Concurrent publishers take turns, so each gets its own version."""
    releases = store_dir / RELEASES
    with exclusive_lock(releases / LOCK):
        known = published_releases(store_dir)
        current = current_release(store_dir)
        previous = next((p.version for p in known if current and p.release == current), "")
        taken = [p.version for p in known] + [f.name for f in releases.iterdir()]
        version = next_version(taken, time.gmtime())
        manifest = Manifest.read(workspace / "manifest.json")
        replace(manifest, version=version, previous=previous).write(workspace / "manifest.json")
        final = releases / version
        workspace.rename(final)
        link = store_dir / CURRENT
        tmp_link = store_dir / f"{TMP_PREFIX}{CURRENT}-{os.getpid()}"
        tmp_link.unlink(missing_ok=True)
        tmp_link.symlink_to(Path(RELEASES) / version)
        tmp_link.replace(link)  # rename(2) over the old link: readers see the old or the new
        fsync_folder(store_dir)
        _prune(store_dir)
    return Release(final)


@dataclass(frozen=True)
class Published:
    """A published release and its version (read from the manifest, or derived for a release
    built before versions existed)."""

    version: str
    previous: str
    release: Release
    manifest: Manifest
    derived: bool = False

    @property
    def has_database(self) -> bool:
        return self.release.oxigraph.is_dir()


def published_releases(store_dir: Path) -> list[Published]:
    """Every published release of the store, oldest first."""
    folder = store_dir / RELEASES
    if not folder.is_dir():
        return []
    found: list[tuple[Release, Manifest]] = []
    for path in folder.iterdir():
        if path.name.startswith(".") or not (path / "manifest.json").is_file():
            continue
        release = Release(path.resolve())
        found.append((release, release.manifest()))
    versioned = [Published(m.version, m.previous, r, m) for r, m in found if m.version]
    legacy = sorted(((r, m) for r, m in found if not m.version), key=lambda rm: rm[1].built_at)
    derived: list[Published] = []
    for release, manifest in legacy:
        day = manifest.built_at[:10] or "1970-01-01"
        sequence = sum(1 for d in derived if d.version.startswith(day + ".")) + 1
        previous = derived[-1].version if derived else ""
        derived.append(Published(f"{day}.{sequence}", previous, release, manifest, True))
    return sorted(derived + versioned, key=lambda p: version_key(p.version))


def find_release(store_dir: Path, version: str) -> Published | None:
    """The release with this version, or None."""
    return next((p for p in published_releases(store_dir) if p.version == version), None)


def current_published(store_dir: Path) -> Published | None:
    """The release `current` points to, with its version."""
    current = current_release(store_dir)
    return next((p for p in published_releases(store_dir) if p.release == current), None)


def version_key(version: str) -> tuple[str, int]:
    """Sort key: day, then sequence as a number (2026-01-01.10 after 2026-01-01.9)."""
    match = VERSION.fullmatch(version)
    return (match.group(1), int(match.group(2))) if match else (version, 0)


def next_version(versions: list[str], now: time.struct_time) -> str:
    """The version of a release published at `now` (UTC): the day and its next sequence."""
    day = time.strftime("%Y-%m-%d", now)
    taken = [version_key(v)[1] for v in versions if version_key(v)[0] == day]
    return f"{day}.{max(taken, default=0) + 1}"


def _prune(store_dir: Path) -> None:
    """Drop the databases of all but the newest KEEP_DATABASES releases (their dumps and
    manifests stay), and the leftovers of releases retired by older versions of this code."""
    current = current_release(store_dir)
    newest_first = list(reversed(published_releases(store_dir)))
    for old in newest_first[KEEP_DATABASES:]:
        if old.has_database and old.release != current:
            shutil.rmtree(old.release.oxigraph, ignore_errors=True)
    for retired in (store_dir / RELEASES).glob(f"{TMP_PREFIX}old-*"):
        shutil.rmtree(retired, ignore_errors=True)


def _owner_alive(workspace: Path) -> bool:
    """Whether the build that owns a workspace is still running (its pid is the last part)."""
    try:
        pid = int(workspace.name.rsplit("-", 1)[-1])
    except ValueError:
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

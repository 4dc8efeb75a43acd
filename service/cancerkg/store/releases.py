"""The on-disk layout of a store folder, and the atomic switch from one build to the next.

    STORE/
      current -> releases/<fingerprint>      symlink, replaced atomically by a finished build
      releases/<fingerprint>/oxigraph/       the pyoxigraph database
      releases/<fingerprint>/dist/           dumps with .sha256 files
      releases/<fingerprint>/manifest.json   what was built, from what, when
      releases/.tmp-<fingerprint>-<pid>/     a build in progress (removed if it never finished)

A release is never modified after it is published, so any number of read-only readers can use it
while a new build is written beside it.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cancerkg.errors import InputError

LAYOUT = 2
"""Bumped when a release's contents change shape (2: the default graph holds the merge of the
named graphs), so the next build does not reuse an older release."""
CURRENT = "current"
RELEASES = "releases"
TMP_PREFIX = ".tmp-"
KEEP_PREVIOUS = 1


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
            inferred=int(data.get("inferred", 0)),
            summarised=int(data.get("summarised", 0)),
            sources=tuple(ManifestSource(**s) for s in data.get("sources", [])),
            dumps=tuple(ManifestDump(**d) for d in data.get("dumps", [])),
        )

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")


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
    """Move a finished workspace into place and point `current` at it in one atomic step."""
    final = store_dir / RELEASES / fingerprint
    if final.exists():
        _retire(final)
    workspace.rename(final)
    link = store_dir / CURRENT
    tmp_link = store_dir / f"{TMP_PREFIX}{CURRENT}-{os.getpid()}"
    tmp_link.unlink(missing_ok=True)
    tmp_link.symlink_to(Path(RELEASES) / fingerprint)
    tmp_link.replace(
        link
    )  # rename(2) over the old link: readers see the old or the new, never none
    _prune(store_dir, keep=final)
    return Release(final)


def _retire(path: Path) -> None:
    """Move an old release with the same name out of the way (it may still be open)."""
    graveyard = path.with_name(f"{TMP_PREFIX}old-{path.name}-{os.getpid()}")
    path.rename(graveyard)


def _prune(store_dir: Path, keep: Path) -> None:
    """Keep the new release and the most recent previous one; delete older releases."""
    releases = store_dir / RELEASES
    finished = [p for p in releases.iterdir() if not p.name.startswith(TMP_PREFIX) and p != keep]
    finished.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in finished[KEEP_PREVIOUS:]:
        shutil.rmtree(old, ignore_errors=True)
    for retired in releases.glob(f"{TMP_PREFIX}old-*"):
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

"""The pinned browser assets: fetched over real HTTP from a registry on loopback, kept only when
the tarball's sha512 is the pinned one, and only the pinned files, by name."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from cancerkg.errors import AssetError
from cancerkg.web import browser_assets
from cancerkg.web.browser_assets import Pin


def tarball() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, text in (("package/dist/tool.js", b"tool()"), ("../evil.js", b"evil()")):
            info = tarfile.TarInfo(name)
            info.size = len(text)
            archive.addfile(info, io.BytesIO(text))
    return buffer.getvalue()


TARBALL = tarball()
INTEGRITY = "sha512-" + base64.b64encode(hashlib.sha512(TARBALL).digest()).decode()


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A registry on loopback serving one tarball at npm's address for it."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = self.path == "/@scope/tool/-/tool-1.0.0.tgz"
            self.send_response(200 if found else 404)
            self.end_headers()
            if found:
                self.wfile.write(TARBALL)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv(browser_assets.ENV_REGISTRY, url)
    yield url
    server.shutdown()


def pin(integrity: str = INTEGRITY) -> Pin:
    return Pin("tool", "@scope/tool", "1.0.0", integrity, {"tool.js": "package/dist/tool.js"})


def test_a_pinned_tarball_is_installed(registry: str, tmp_path: Path) -> None:
    folder = tmp_path / "tool"
    browser_assets.fetch(pin(), folder)
    assert (folder / "tool.js").read_bytes() == b"tool()"
    assert browser_assets.is_installed(folder, pin())
    assert not (tmp_path / "evil.js").exists() and not (folder / "evil.js").exists()


def test_a_changed_tarball_is_refused_and_nothing_kept(registry: str, tmp_path: Path) -> None:
    other = "sha512-" + base64.b64encode(hashlib.sha512(b"other").digest()).decode()
    with pytest.raises(AssetError, match="integrity"):
        browser_assets.fetch(pin(other), tmp_path / "tool")
    assert not (tmp_path / "tool").exists()


def test_an_unreachable_registry_says_what_to_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from cancerkg.testing import free_port

    monkeypatch.setenv(browser_assets.ENV_REGISTRY, f"http://127.0.0.1:{free_port()}")
    with pytest.raises(AssetError) as raised:
        browser_assets.fetch(pin(), tmp_path / "tool")
    assert browser_assets.FETCH_COMMAND in (raised.value.detail or "")


def test_every_pin_is_exact_and_checked() -> None:
    for found in browser_assets.pins().values():
        assert found.integrity.startswith("sha512-")
        assert all(c.isdigit() or c == "." for c in found.version), found.version
        assert found.files


def test_an_unwritable_folder_is_a_clear_error(registry: str, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(AssetError, match="cannot write"):
        browser_assets.fetch(pin(), blocker / "tool")

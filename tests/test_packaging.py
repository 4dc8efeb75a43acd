"""A plain wheel (not an editable install) carries the knowledge folders and the pinned browser
assets, and builds from them."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_wheel_ships_knowledge_and_builds_without_the_checkout(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    wheel = next(wheels.glob("cancerkg-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for expected in (
        "cancerkg/knowledge/ontology/cancerkg.ttl",
        "cancerkg/knowledge/data/countries.ttl",
        "cancerkg/knowledge/jsonld/context.jsonld",
        "cancerkg/knowledge/ontology/rules/05-membership-shortcuts.rq",
        "cancerkg/sparql/stats-classes.rq",
        "cancerkg/knowledge/mappings/memberships.rq",
        "cancerkg/knowledge/mappings/memberships.json",
    ):
        assert expected in names, expected
    assert any(n.startswith("cancerkg/knowledge/shapes/") for n in names)
    # The browser code of /editor, /docs and /redoc, fetched by hatch_build.py at its pinned
    # version, with the marker that says the whole pinned tarball was checked.
    for asset in (
        "yasgui/yasgui.min.js",
        "yasgui/.integrity",
        "swagger-ui/swagger-ui-bundle.js",
        "redoc/redoc.standalone.js",
    ):
        assert f"cancerkg/web/static/vendor/{asset}" in names, asset
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    env = {k: v for k, v in os.environ.items() if k != "CANCERKG_SOURCES"}
    env["PYTHONPATH"] = str(unpacked)
    store = tmp_path / "store"
    result = subprocess.run(
        [sys.executable, "-m", "cancerkg", "build", "--store", str(store)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    manifest = (store / "current" / "manifest.json").read_text()
    assert "data/countries.ttl" in manifest

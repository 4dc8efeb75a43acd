"""Wheel build hook: put the pinned browser assets (YASGUI, Swagger UI, Redoc) into the package,
so `pip install .` and `pip install -e .` give a working /editor, /docs and /redoc with no
later download. The pins, the download and the integrity check are cancerkg.web.browser_assets;
this file only calls it. An unreachable registry does not fail the build: the service then
fetches the assets on first serve, or serves plain fallbacks (docs/editor.md).
CANCERKG_SKIP_ASSETS=1 skips the step (an offline build that should not wait on the network).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class BrowserAssetsHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if os.environ.get("CANCERKG_SKIP_ASSETS") == "1":
            return
        sys.path.insert(0, str(Path(self.root) / "service"))
        try:
            from cancerkg.errors import AssetError
            from cancerkg.web import browser_assets
        finally:
            sys.path.pop(0)
        for pin in browser_assets.pins().values():
            folder = browser_assets.PACKAGED / pin.name
            if browser_assets.is_installed(folder, pin):
                continue
            try:
                browser_assets.fetch(pin, folder)
            except AssetError as failure:
                self.app.display_warning(
                    f"cancerkg: {pin.package}@{pin.version} not bundled ({failure.message}); "
                    f"`cancerkg serve` will fetch it on first start"
                )
            else:
                self.app.display_info(f"cancerkg: bundled {pin.package}@{pin.version}")

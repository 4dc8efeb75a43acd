"""The pinned browser assets (web/browser_assets.py) at /static/vendor/{asset}/{file}: from the
package when the wheel build bundled them, else from the cache first serve filled. Only the
file names pinned in browser-assets.json are served, so no path from a request reaches the disk.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

from cancerkg.errors import NotFoundError
from cancerkg.web import browser_assets

router = APIRouter(include_in_schema=False)
ONE_DAY = "public, max-age=86400"


@router.get("/static/vendor/{asset}/{name}")
def vendor_file(asset: str, name: str, request: Request) -> FileResponse:
    pin = browser_assets.pins().get(asset)
    folder = request.app.state.assets.get(asset)
    if pin is None or folder is None or name not in pin.files:
        raise NotFoundError(
            f"no browser asset /static/vendor/{asset}/{name}",
            detail=f"`{browser_assets.FETCH_COMMAND}` fetches the pinned assets",
        )
    return FileResponse(folder / name, headers={"Cache-Control": ONE_DAY})

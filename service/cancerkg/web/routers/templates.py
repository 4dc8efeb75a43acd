"""GET /templates/{kind}.csv|.xlsx: the spreadsheet templates, made from the shapes at request
time (so a change to a shape changes the template)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from cancerkg.errors import NotFoundError
from cancerkg.sheets.layout import KINDS
from cancerkg.sheets.templates import template
from cancerkg.sheets.workbook import CSV_TYPE, XLSX_TYPE
from cancerkg.store.protocol import Store
from cancerkg.web.deps import get_store

MEDIA_TYPES = {"csv": CSV_TYPE + "; charset=utf-8", "xlsx": XLSX_TYPE}

router = APIRouter(tags=["validation"])


@router.get(
    "/templates/{name}",
    summary="A spreadsheet template",
    description="`institutions`, `memberships` or `observations`, as `.csv` or `.xlsx`: one "
    "column per property the shapes ask for (required ones marked `*`), allowed values as "
    "drop-downs (XLSX) and an example row. Fill it in and POST it to /validate.",
)
async def get_template(name: str, store: Annotated[Store, Depends(get_store)]) -> Response:
    kind, _, fmt = name.rpartition(".")
    if kind not in KINDS or fmt not in MEDIA_TYPES:
        raise NotFoundError(
            f"no template {name!r}; there are {', '.join(f'{k}.csv, {k}.xlsx' for k in KINDS)}"
        )
    disposition = f'attachment; filename="{kind}.{fmt}"'
    # openpyxl builds the workbook in pure Python: off the event loop.
    return Response(
        await run_in_threadpool(template, kind, fmt, store),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": disposition},
    )

"""JSON-LD answers: the published @context (jsonld/context.jsonld, served at /context.jsonld,
whose canonical IRI is https://w3id.org/cancerkg/context.jsonld) and descriptions compacted with
it, or expanded when the Accept header's JSON-LD range says profile="...#expanded"."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import mimeparse  # type: ignore[import-untyped]
import pyoxigraph as ox
from fastapi import Request, Response

from cancerkg.build.sources import knowledge_root
from cancerkg.rdf import jsonld
from cancerkg.rdf.formats import JSON_LD
from cancerkg.web import render

CONTEXT_PATH = "context.jsonld"
JSON_MEDIA = (JSON_LD.media_type, *JSON_LD.media_aliases)


@cache
def context() -> dict[str, Any]:
    """The published context, read once per process."""
    return jsonld.read_context(knowledge_root() / "jsonld" / CONTEXT_PATH)


def context_response() -> Response:
    return Response(_dumps(context()), media_type=JSON_LD.content_type)


def requested_profile(accept: str | None) -> jsonld.Profile:
    """The JSON-LD form the Accept header asks for: the profile of its first JSON-LD range."""
    for item in (accept or "").split(","):
        try:
            kind, subtype, params = mimeparse.parse_media_range(item)
        except (mimeparse.MimeTypeParseException, ValueError):
            continue
        if f"{kind}/{subtype}" in JSON_MEDIA and params.get("q") != "0":
            return jsonld.profile_of(params.get("profile"))
    return "compacted"


def jsonld_response(request: Request, triples: list[ox.Triple], about: str | None) -> Response:
    """The triples as JSON-LD in the form asked for, `about` first; Content-Type names the form."""
    profile = requested_profile(request.headers.get("accept"))
    document = jsonld.to_jsonld(
        triples, profile, context(), render.base_url(request) + CONTEXT_PATH, about
    )
    media_type = f'{JSON_LD.content_type}; profile="{jsonld.JSONLD_NS}{profile}"'
    return Response(_dumps(document), media_type=media_type)


def _dumps(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")

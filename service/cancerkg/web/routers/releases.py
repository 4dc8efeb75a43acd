"""/releases: every published release, its dumps and its changes; the dataset and ontology
version IRIs; an Atom feed of releases for harvesters.

/releases and /releases/{version} answer HTML to browsers, JSON to programs that ask for JSON or
anything (as /dumps/ does) and DCAT in any RDF syntax; /dataset/{version}, the dataset version
IRI, answers the same as /releases/{version}. /releases/{version}/changes answers RDF (Talis
changeset vocabulary; Turtle for programs that do not say), text/plain, JSON or HTML. A release
never changes once published: only the list (and the feed) grow, so their entity tags include
the newest version.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse

from cancerkg.errors import NotFoundError
from cancerkg.graph import describe, versions
from cancerkg.graph.changes import Changes
from cancerkg.graph.versions import Version
from cancerkg.rdf import formats
from cancerkg.rdf.formats import API_JSON, HTML, JSON_LD, N_TRIPLES, RDF_XML, TURTLE, Format
from cancerkg.rdf.iris import ONTOLOGY_IRI
from cancerkg.store.protocol import Store
from cancerkg.web import render, views
from cancerkg.web.caching import conditional
from cancerkg.web.deps import get_store, store_dir_of
from cancerkg.web.downloads import dump_entry, dump_response
from cancerkg.web.negotiation import REPRESENTATIONS, rdf_response, split_extension

router = APIRouter(tags=["releases"])
StoreDep = Annotated[Store, Depends(get_store)]

# Here application/json is our own listing and text/plain the changes in words, so JSON-LD and
# N-Triples answer only to their own media types.
JSON_LD_ONLY = replace(JSON_LD, media_aliases=())
N_TRIPLES_ONLY = replace(N_TRIPLES, media_aliases=())
TEXT = formats.Format("text", "text/plain", "txt", frozenset({"text"}))
DESCRIPTIONS = (API_JSON, TURTLE, HTML, JSON_LD_ONLY, N_TRIPLES_ONLY, RDF_XML)
CHANGES = (TURTLE, HTML, TEXT, API_JSON, JSON_LD_ONLY, N_TRIPLES_ONLY, RDF_XML)
ATOM = "application/atom+xml"
FEED_ENTRIES = 20
FEED_WITH_CHANGES = 3  # newest entries that tell their changes in words (each is a diff)
PAGE_SENTENCES = 500


@router.api_route("/releases", methods=["GET"], summary="Every release (HTML, JSON or DCAT)")
@router.api_route("/releases", methods=["HEAD"], include_in_schema=False)
def listing(request: Request) -> Response:
    return _listing(request, "")


@router.api_route(
    "/releases.atom", methods=["GET"], summary="An Atom feed of releases, newest first"
)
@router.api_route("/releases.atom", methods=["HEAD"], include_in_schema=False)
def feed(request: Request) -> Response:
    listed = _versions(request)

    def build() -> Response:
        entries = [
            (v, _changes_or_none(request, v) if i < FEED_WITH_CHANGES else None)
            for i, v in enumerate(listed[:FEED_ENTRIES])
        ]
        body = render.templates.get_template("releases.atom").render(
            base=render.base_url(request), entries=entries, feed_id=versions.RELEASES_IRI
        )
        return Response(body, media_type=f"{ATOM}; charset=utf-8")

    return conditional(request, build, _newest(listed), negotiated=False)


@router.api_route("/releases.{extension}", methods=["GET"], include_in_schema=False)
@router.api_route("/releases.{extension}", methods=["HEAD"], include_in_schema=False)
def listing_as(extension: str, request: Request) -> Response:
    return _listing(request, extension)


@router.api_route("/releases/{version}", methods=["GET"], summary="One release: dumps and changes")
@router.api_route("/releases/{version}", methods=["HEAD"], include_in_schema=False)
@router.api_route(
    "/dataset/{version}",
    methods=["GET"],
    summary="A dataset version IRI: the release's description",
)
@router.api_route("/dataset/{version}", methods=["HEAD"], include_in_schema=False)
def release(version: str, request: Request) -> Response:
    stem, extension = _split(version)
    found = _find(request, stem)
    chosen = _choose(request, DESCRIPTIONS, extension)
    base = render.base_url(request)

    def build() -> Response:
        if chosen == HTML:
            return _release_page(request, found)
        if chosen == API_JSON:
            return JSONResponse(_version_json(found, base))
        return rdf_response(request, versions.version_triples(found, base), chosen, found.iri)

    return conditional(request, build)


@router.api_route(
    "/releases/{version}/changes",
    methods=["GET"],
    summary="What a release changed (RDF, text, JSON or HTML)",
)
@router.api_route("/releases/{version}/changes", methods=["HEAD"], include_in_schema=False)
@router.api_route(
    "/releases/{version}/changes.{extension}", methods=["GET"], include_in_schema=False
)
@router.api_route(
    "/releases/{version}/changes.{extension}", methods=["HEAD"], include_in_schema=False
)
async def changes(version: str, request: Request, extension: str = "") -> Response:
    found = _find(request, version)
    chosen = _choose(request, CHANGES, _extension(extension, request.url.path))

    def build() -> Response:
        computed = versions.release_changes(store_dir_of(request), found.version)
        if chosen == HTML:
            return _release_page(request, found, computed)
        if chosen == TEXT:
            title = f"cancerkg release {found.version}, changes from {found.previous or 'nothing'}"
            return PlainTextResponse(computed.text(title))
        if chosen == API_JSON:
            listed = {"version": found.version, "previous": found.previous or None}
            return JSONResponse(listed | computed.as_json())
        triples = versions.release_changeset(store_dir_of(request), found.version)
        return rdf_response(request, triples, chosen, found.iri)

    # A diff reads two dumps: off the event loop.
    return await asyncio.to_thread(conditional, request, build)


@router.api_route(
    "/releases/{version}/dumps/{name}",
    methods=["GET"],
    summary="One dump file of a release (or its .sha256), streamed",
)
@router.api_route("/releases/{version}/dumps/{name}", methods=["HEAD"], include_in_schema=False)
def release_dump(version: str, name: str, request: Request) -> Response:
    found = _find(request, version)
    return dump_response(request, found.info, name, f"/releases/{found.version}")


@router.api_route(
    "/ontology/{version}",
    methods=["GET"],
    summary="The ontology's version IRI: the ontology as that version had it",
)
@router.api_route("/ontology/{version}", methods=["HEAD"], include_in_schema=False)
def ontology_version(version: str, request: Request, store: StoreDep) -> Response:
    stem, extension = _split(version)
    iri = f"{ONTOLOGY_IRI}/{stem}"
    chosen = _choose(request, REPRESENTATIONS, extension)

    def build() -> Response:
        if versions.ontology_version(store) == iri:
            if chosen == HTML:
                return views.ontology_page(request, store)
            triples = describe.graphs_with_prefix(store, describe.ONTOLOGY_GRAPHS)
        else:
            past = versions.past_ontology(store_dir_of(request), iri)
            if past is None:
                raise NotFoundError(f"no release had ontology version <{iri}>; see /ontology")
            if chosen == HTML:
                return views.triples_page(request, iri, f"cancerkg ontology {stem}", past)
            triples = past
        return rdf_response(request, triples, chosen, ONTOLOGY_IRI)

    return conditional(request, build)


def _listing(request: Request, extension: str) -> Response:
    listed = _versions(request)
    chosen = _choose(request, DESCRIPTIONS, _extension(extension, "/releases"))
    base = render.base_url(request)

    def build() -> Response:
        if chosen == HTML:
            return render.render(request, "releases.html", versions=listed)
        if chosen == API_JSON:
            return JSONResponse(
                {
                    "releases": [_version_json(v, base) for v in listed],
                    "current": listed[0].version if listed else None,
                    "feed": f"{base}releases.atom",
                }
            )
        return rdf_response(
            request, versions.catalogue_triples(listed, base), chosen, versions.RELEASES_IRI
        )

    return conditional(request, build, _newest(listed))


def _release_page(request: Request, found: Version, computed: Changes | None = None) -> Response:
    computed = computed or versions.release_changes(store_dir_of(request), found.version)
    sentences = computed.sentences()
    return render.render(
        request,
        "release.html",
        found=found,
        changes=computed,
        sentences=sentences[:PAGE_SENTENCES],
        more=max(0, len(sentences) - PAGE_SENTENCES),
        sources=computed.sources(),
        alternates=[
            ("Turtle", f"/releases/{found.version}.ttl"),
            ("JSON-LD", f"/releases/{found.version}.jsonld"),
        ],
    )


def _version_json(found: Version, base: str) -> dict[str, object]:
    page = f"{base}releases/{found.version}"
    return {
        "version": found.version,
        "previous": found.previous or None,
        "iri": found.iri,
        "url": page,
        "changes_url": f"{page}/changes",
        "issued": found.built_at,
        "triples": found.triples,
        "fingerprint": found.fingerprint,
        "database": found.has_database,
        "version_from_built_at": found.derived,
        "dumps": [dump_entry(d, f"{page}/dumps/") for d in found.dumps],
    }


def _changes_or_none(request: Request, found: Version) -> Changes | None:
    """A release's changes for the feed; a release whose dumps cannot be read still gets its
    entry, without words."""
    try:
        return versions.release_changes(store_dir_of(request), found.version)
    except NotFoundError:
        return None


def _versions(request: Request) -> list[Version]:
    """Read on every request: a build or publish adds releases while the service runs."""
    return versions.list_versions(store_dir_of(request))


def _find(request: Request, version: str) -> Version:
    return versions.find_version(store_dir_of(request), version)


def _newest(listed: list[Version]) -> str:
    return listed[0].version if listed else ""


def _choose(request: Request, offered: tuple[Format, ...], extension: Format | None) -> Format:
    if extension is not None:
        if extension not in offered:
            raise NotFoundError(f"no {extension.name} form of {request.url.path}")
        return extension
    return formats.negotiate(request.headers.get("accept"), offered)[0]


EXTENSIONS = {"json": API_JSON, "ttl": TURTLE, "html": HTML, "jsonld": JSON_LD_ONLY}
EXTENSIONS |= {"nt": N_TRIPLES_ONLY, "rdf": RDF_XML, "txt": TEXT}


def _extension(extension: str, path: str) -> Format | None:
    if not extension:
        return None
    if extension not in EXTENSIONS:
        raise NotFoundError(f"nothing at {path}; try .html, .json, .ttl, .jsonld, .nt or .rdf")
    return EXTENSIONS[extension]


def _split(name: str) -> tuple[str, Format | None]:
    """'2026-12-03.1.ttl' -> ('2026-12-03.1', Turtle): a version itself has one dot."""
    return split_extension(name, EXTENSIONS)

"""Dereferenceable IRIs: every IRI the graph mints under https://w3id.org/cancerkg/ answers at the
same path on this service (--base-url maps the canonical base to the running host).

/id/{kind}/{slug}, /graph/..., /ontology, /shapes, /queries/{name}, /dataset, /catalog and
/.well-known/void each send HTML to browsers and Turtle, JSON-LD, N-Triples or RDF/XML to
programs, chosen by extension (.ttl, .jsonld, .nt, .rdf, .html) or the Accept header.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Annotated

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Query, Request, Response

from cancerkg.errors import InputError, NotFoundError, UnknownQueryError
from cancerkg.graph import describe, void
from cancerkg.named_queries.catalog import named_query
from cancerkg.rdf.formats import JSON_LD, Format
from cancerkg.rdf.iris import BASE, DATASET, GRAPH, ID, ONTOLOGY_IRI, QUERIES, checked_iri
from cancerkg.store.protocol import Store
from cancerkg.web import errors, jsonld, render, views
from cancerkg.web.caching import Validators, conditional, current_release
from cancerkg.web.deps import get_store
from cancerkg.web.negotiation import negotiate, rdf_response, split_extension

router = APIRouter(tags=["linked data"])
StoreDep = Annotated[Store, Depends(get_store)]
SHAPES_IRI = BASE + "shapes"
CATALOG_IRI = void.CATALOG


@router.api_route(
    "/id/{path:path}",
    methods=["GET"],
    summary="A thing of the graph (network, organisation, ...)",
)
@router.api_route("/id/{path:path}", methods=["HEAD"], include_in_schema=False)
def thing(path: str, request: Request, store: StoreDep) -> Response:
    stem, extension = split_extension(path)
    return describe_resource(request, store, _path_iri(ID + stem), extension)


@router.api_route(
    "/api/entities/{kind}/{slug}",
    methods=["GET"],
    summary="A thing of the graph as JSON-LD (compacted; expanded on request)",
    tags=["relationships"],
)
@router.api_route("/api/entities/{kind}/{slug}", methods=["HEAD"], include_in_schema=False)
def entity_jsonld(kind: str, slug: str, request: Request, store: StoreDep) -> Response:
    """The same JSON-LD as /id/{kind}/{slug} with Accept: application/ld+json, for API clients
    that would rather not negotiate."""
    return describe_resource(request, store, _path_iri(f"{ID}{kind}/{slug}"), JSON_LD)


@router.api_route(
    "/context.jsonld", methods=["GET"], summary="The JSON-LD @context of the graph's documents"
)
@router.api_route("/context.jsonld", methods=["HEAD"], include_in_schema=False)
def jsonld_context(request: Request) -> Response:
    return conditional(request, jsonld.context_response, negotiated=False)


@router.api_route(
    "/graph/{path:path}",
    methods=["GET"],
    summary="A named graph (one source file) and its provenance",
)
@router.api_route("/graph/{path:path}", methods=["HEAD"], include_in_schema=False)
def graph(path: str, request: Request, store: StoreDep) -> Response:
    stem, extension = split_extension(path)
    return describe_resource(request, store, _path_iri(GRAPH + stem), extension)


@router.api_route(
    "/resource",
    methods=["GET"],
    summary="Any other IRI the graph describes (e.g. a country)",
)
@router.api_route("/resource", methods=["HEAD"], include_in_schema=False)
def resource(
    request: Request,
    store: StoreDep,
    iri: Annotated[str, Query(description="The IRI to describe.")],
) -> Response:
    return describe_resource(request, store, checked_iri(iri, "iri"), None)


@router.api_route("/ontology", methods=["GET"], summary="The ontology (HTML documentation or RDF)")
@router.api_route("/ontology", methods=["HEAD"], include_in_schema=False)
@router.api_route("/ontology.{extension}", methods=["GET"], include_in_schema=False)
@router.api_route("/ontology.{extension}", methods=["HEAD"], include_in_schema=False)
def ontology(request: Request, store: StoreDep, extension: str = "") -> Response:
    return _document(
        request,
        extension,
        ONTOLOGY_IRI,
        lambda: describe.graphs_with_prefix(store, describe.ONTOLOGY_GRAPHS),
        lambda: views.ontology_page(request, store),
    )


@router.api_route("/shapes", methods=["GET"], summary="The SHACL shapes (HTML or RDF)")
@router.api_route("/shapes", methods=["HEAD"], include_in_schema=False)
@router.api_route("/shapes.{extension}", methods=["GET"], include_in_schema=False)
@router.api_route("/shapes.{extension}", methods=["HEAD"], include_in_schema=False)
def shapes(request: Request, store: StoreDep, extension: str = "") -> Response:
    def triples() -> list[ox.Triple]:
        return describe.graphs_with_prefix(store, describe.SHAPES_GRAPHS)

    return _document(
        request,
        extension,
        SHAPES_IRI,
        triples,
        lambda: views.triples_page(request, SHAPES_IRI, "SHACL shapes", triples()),
    )


@router.api_route(
    "/queries/{name}",
    methods=["GET"],
    summary="A named query (HTML form and results, or RDF)",
)
@router.api_route("/queries/{name}", methods=["HEAD"], include_in_schema=False)
async def query_iri(name: str, request: Request, store: StoreDep) -> Response:
    stem, extension = split_extension(name)
    try:
        query = named_query(stem)
    except UnknownQueryError:
        raise NotFoundError(f"no named query {stem!r} (see /queries)") from None
    # A client that has this release's page already gets 304 before anything runs.
    if (cached := Validators.of(request).not_modified(request)) is not None:
        return cached
    # Run (?run=1) through the query runner first: the page itself is then rendered off the
    # event loop like every other document.
    run = await views.run_for_page(request, query)
    return await asyncio.to_thread(
        _document,
        request,
        extension.extension if extension else "",
        QUERIES + stem,
        lambda: describe.describe_query(store, query),
        lambda: views.query_page(request, query, run),
    )


@router.api_route("/dataset", methods=["GET"], summary="The dataset: VoID and DCAT-AP description")
@router.api_route("/dataset", methods=["HEAD"], include_in_schema=False)
@router.api_route("/dataset.{extension}", methods=["GET"], include_in_schema=False)
@router.api_route("/dataset.{extension}", methods=["HEAD"], include_in_schema=False)
@router.api_route("/catalog", methods=["GET"], include_in_schema=False)
@router.api_route("/catalog", methods=["HEAD"], include_in_schema=False)
@router.api_route("/.well-known/void", methods=["GET"], summary="VoID description of the dataset")
@router.api_route("/.well-known/void", methods=["HEAD"], include_in_schema=False)
def dataset(request: Request, store: StoreDep, extension: str = "") -> Response:
    def triples() -> list[ox.Triple]:
        return void.describe_dataset(store, current_release(request), render.base_url(request))

    return _document(
        request, extension, DATASET, triples, lambda: views.dataset_page(request, store, triples())
    )


def describe_resource(
    request: Request, store: Store, iri: str, extension: Format | None
) -> Response:
    """The description of one IRI in the negotiated representation, or 404."""
    representation = negotiate(request.headers.get("accept"), extension)

    def build() -> Response:
        if not describe.exists(store, iri):
            return _not_found(request, representation, iri)
        if representation.name == "html":
            return views.entity_page(request, store, iri)
        return rdf_response(request, describe.describe(store, iri), representation, iri)

    return conditional(request, build)


def _document(
    request: Request,
    extension: str,
    iri: str,
    triples: Callable[[], list[ox.Triple]],
    html: Callable[[], Response],
) -> Response:
    """A whole document at a namespace IRI (ontology, shapes, a query, the dataset)."""
    _, chosen = split_extension(f"x.{extension}") if extension else ("", None)
    if extension and chosen is None:
        raise NotFoundError(f"no document {iri}.{extension}")
    representation = negotiate(request.headers.get("accept"), chosen)
    if representation.name == "html":
        return conditional(request, html)
    return conditional(request, lambda: rdf_response(request, triples(), representation, iri))


def _path_iri(iri: str) -> str:
    """The IRI a path names; a path no IRI can have (spaces, braces, quotes) names nothing."""
    try:
        return checked_iri(iri, "path")
    except InputError:
        raise NotFoundError(f"nothing is published at {iri!r}: it is not a valid IRI") from None


def _not_found(request: Request, representation: Format, iri: str) -> Response:
    """404 in the representation asked for (a .html extension gets the page whatever Accept)."""
    message = f"the graph says nothing about <{iri}>"
    if representation.name == "html":
        return render.error_page(request, 404, "Not found", message)
    return errors.respond(request, 404, NotFoundError.kind, message)

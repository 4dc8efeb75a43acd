"""Server-rendered HTML: the Jinja environment (templates in web/templates, autoescaped, so every
label from the data is escaped), links to our own pages, and the one render() every page uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from cancerkg import __version__
from cancerkg.graph.describe import Link, is_canonical
from cancerkg.rdf.iris import BASE
from cancerkg.rdf.results import compact
from cancerkg.web.caching import current_release

STATIC = Path(__file__).parent / "static"
templates = Environment(
    loader=PackageLoader("cancerkg", "web/templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def href(term: Link | ox.NamedNode | str) -> str:
    """Where a link goes: the local page for our own IRIs, /resource for other IRIs the graph
    describes (countries, roles), else the IRI itself."""
    described = isinstance(term, Link) and term.described
    if isinstance(term, Link):
        iri = term.term.value
    elif isinstance(term, ox.NamedNode):
        iri = term.value
    else:
        iri = term
    if is_canonical(iri):
        return "/" + iri[len(BASE) :]
    if described:
        return "/resource?iri=" + quote(iri, safe="")
    return iri


templates.filters["href"] = href
templates.filters["compact"] = lambda term: compact(term) if term is not None else ""
templates.filters["compact_iri"] = lambda iri: compact(ox.NamedNode(iri)) if iri else ""
templates.globals["version"] = __version__


def base_url(request: Request) -> str:
    """The address the canonical base maps to: --base-url, else the one the request used."""
    configured: str | None = request.app.state.settings.base_url
    return configured or str(request.base_url)


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    release = current_release(request)
    html = templates.get_template(name).render(
        request=request, release=release, base=base_url(request), **context
    )
    return HTMLResponse(html, status_code=status_code)


def error_page(request: Request, status_code: int, title: str, message: str) -> HTMLResponse:
    return render(request, "error.html", status_code, title=title, message=message)


def script_json(data: bytes) -> Markup:
    """JSON safe inside a <script> element: '<', '>' and '&' escaped so no string can close it."""
    text = data.decode("utf-8")
    for raw, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(raw, escaped)
    return Markup(text)  # noqa: S704 - escaped just above


def alternates(iri: str) -> list[tuple[str, str]]:
    path = href(iri)
    return [
        ("Turtle", path + ".ttl"),
        ("JSON-LD", path + ".jsonld"),
        ("N-Triples", path + ".nt"),
        ("RDF/XML", path + ".rdf"),
    ]

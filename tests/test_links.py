"""No 404 behind a link: every href and src on every kind of page, and every IRI the dumps mint
under https://w3id.org/cancerkg/ (mapped to the server, as --base-url does), answer without a
client or server error. Real server, real HTTP client, the HTML read with the standard library.

Pages walked: home, browse, completeness, the query list and every named query's page, the
validation form, the dataset, ontology, shapes, dump list, every named graph, and one entity of
each kind. Links are followed one step (a page's links are fetched, not their own links): a
deeper crawl reaches the same page kinds again. Links to other hosts are not fetched (the tests
run offline). The editor (/editor, /sparql for browsers) is walked by the browser tests.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx
import pytest
from rdflib import Dataset, URIRef

from cancerkg.rdf.iris import BASE, ID

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
# IRIs minted in the dumps that are not dereferenceable on purpose, each with its reason.
EXPECTED_EXCLUSIONS: dict[str, str] = {}


class _Links(HTMLParser):
    """The href and src values of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [value for name, value in attrs if name in ("href", "src") and value]


@pytest.fixture(scope="module")
def url(serve: Callable[..., str]) -> str:
    return serve()


@pytest.fixture(scope="module")
def client(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=60) as http:
        yield http


@pytest.fixture(scope="module")
def dump(client: httpx.Client) -> Dataset:
    body = gzip.decompress(client.get("/dumps/cancerkg.nq.gz").content)
    return Dataset().parse(data=body, format="nquads")


def minted(dump: Dataset) -> set[str]:
    """Every IRI under the canonical base in the dump (subjects, predicates, objects, graph
    names), without its fragment: a fragment is answered by its document."""
    found: set[str] = set()
    for quad in dump.quads():
        for term in quad:
            if isinstance(term, URIRef) and str(term).startswith(BASE):
                found.add(urldefrag(str(term))[0])
    return found


def page_paths(client: httpx.Client, dump: Dataset) -> list[str]:
    """One page of every kind the service serves."""
    queries = [q["name"] for q in client.get("/api/queries").json()["queries"]]
    graphs = sorted(str(g.identifier) for g in dump.graphs() if str(g.identifier).startswith(BASE))
    first_of_kind: dict[str, str] = {}
    for iri in sorted(i for i in minted(dump) if i.startswith(ID)):
        first_of_kind.setdefault(iri.removeprefix(ID).split("/")[0], iri)
    paths = ["/", "/browse", "/completeness", "/queries", "/validation", "/dataset", "/ontology"]
    paths += ["/shapes", "/dumps/", *(f"/queries/{name}" for name in queries)]
    return paths + [_local(iri) for iri in (*graphs, *sorted(first_of_kind.values()))]


def _local(iri: str) -> str:
    return "/" + iri.removeprefix(BASE)


def _targets(client: httpx.Client, page: str) -> set[str]:
    """The same-server links of a page, as paths with their query; canonical IRIs mapped."""
    answer = client.get(page, headers={"Accept": BROWSER})
    assert answer.status_code == 200, f"{page}: {answer.status_code}"
    parser = _Links()
    parser.feed(answer.text)
    server = urlsplit(str(client.base_url))
    targets = set()
    for link in parser.found:
        absolute = urldefrag(urljoin(str(answer.url), link))[0]
        if absolute.startswith(BASE):
            targets.add(_local(absolute))
            continue
        parts = urlsplit(absolute)
        if parts.scheme in ("http", "https") and parts.netloc == server.netloc:
            targets.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return targets


def test_every_link_on_every_page_kind_answers(client: httpx.Client, dump: Dataset) -> None:
    links: dict[str, str] = {}
    for page in page_paths(client, dump):
        for target in _targets(client, page):
            links.setdefault(target, page)
    broken = {
        f"{target} (linked from {page})": status
        for target, page in sorted(links.items())
        if (status := client.get(target, headers={"Accept": BROWSER}).status_code) >= 400
    }
    assert not broken, broken
    assert len(links) > 100  # the walk really went through the pages


def test_every_minted_iri_dereferences(client: httpx.Client, dump: Dataset) -> None:
    iris = minted(dump) - set(EXPECTED_EXCLUSIONS)
    broken = {
        iri: status
        for iri in sorted(iris)
        if (status := client.get(_local(iri), headers={"Accept": "text/turtle"}).status_code) >= 400
    }
    assert not broken, broken
    assert len(iris) > 1000

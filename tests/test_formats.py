"""The one format table and the one content negotiation (cancerkg.rdf.formats)."""

from __future__ import annotations

import pytest

from cancerkg.errors import InputError, NotAcceptableError
from cancerkg.rdf import formats
from cancerkg.rdf.formats import (
    CSV,
    GRAPH_FORMATS,
    HTML,
    JSON_LD,
    N_TRIPLES,
    RDF_XML,
    RESULT_ALIASES,
    RESULT_FORMATS,
    RESULTS_JSON,
    RESULTS_XML,
    TSV,
    TURTLE,
    negotiate,
)

PAGES = (TURTLE, HTML, JSON_LD, N_TRIPLES, RDF_XML)
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "offered", "expected"),
    [
        (None, PAGES, TURTLE),  # no header: the server's first choice
        ("", PAGES, TURTLE),
        ("*/*", PAGES, TURTLE),
        (BROWSER, PAGES, HTML),
        ("text/*", PAGES, TURTLE),
        ("application/ld+json", PAGES, JSON_LD),
        ("application/json", PAGES, JSON_LD),  # an alias clients send
        ("text/plain", PAGES, N_TRIPLES),
        ("application/x-turtle", PAGES, TURTLE),
        ("text/turtle;q=0.5, application/ld+json;q=0.9", PAGES, JSON_LD),  # q-values
        ("text/turtle;q=0, */*", PAGES, HTML),  # q=0 means "not this one"
        ("text/turtle; charset=utf-8", PAGES, TURTLE),  # parameters
        ("TEXT/TURTLE", PAGES, TURTLE),  # media types are case-insensitive
        ("garbage, text/turtle", PAGES, TURTLE),  # a malformed range is ignored
        ("garbage", PAGES, TURTLE),  # only malformed ranges: as no header
        ("text/tab-separated-values", RESULT_FORMATS, TSV),
    ],
)
def test_negotiate(
    accept: str | None, offered: tuple[formats.Format, ...], expected: object
) -> None:
    assert negotiate(accept, offered)[0] == expected


def test_q_zero_with_an_alias() -> None:
    chosen = negotiate("text/csv;q=0, application/json", RESULT_FORMATS, aliases=RESULT_ALIASES)
    assert chosen == (RESULTS_JSON, "application/json")


def test_q_zero_excludes_even_the_only_match() -> None:
    with pytest.raises(NotAcceptableError):
        negotiate("text/csv;q=0", (CSV,))
    assert negotiate("text/csv;q=0", (RESULTS_JSON, CSV), fallback=True)[0] == RESULTS_JSON


def test_the_matched_media_type_is_returned() -> None:
    assert negotiate("application/json", RESULT_FORMATS, aliases=RESULT_ALIASES) == (
        RESULTS_JSON,
        "application/json",
    )
    assert negotiate("text/xml", RESULT_FORMATS, aliases=RESULT_ALIASES)[0] == RESULTS_XML


def test_nothing_acceptable_is_406_naming_what_is_available() -> None:
    with pytest.raises(NotAcceptableError, match="text/turtle"):
        negotiate("image/png", GRAPH_FORMATS)


def test_names_extensions_and_media_types() -> None:
    assert formats.by_name("ttl", GRAPH_FORMATS) == TURTLE
    assert formats.by_name("json", GRAPH_FORMATS) == JSON_LD
    assert formats.by_name("json", RESULT_FORMATS) == RESULTS_JSON
    assert formats.by_name("application/rdf+xml", GRAPH_FORMATS) == RDF_XML
    with pytest.raises(InputError, match="use one of"):
        formats.by_name("docx", GRAPH_FORMATS)
    assert formats.by_extension("nt", GRAPH_FORMATS) == N_TRIPLES
    assert formats.by_media_type("application/ld+json; charset=utf-8", GRAPH_FORMATS) == JSON_LD
    assert formats.by_media_type("image/png", GRAPH_FORMATS) is None


def test_the_table_agrees_with_pyoxigraph() -> None:
    for fmt in GRAPH_FORMATS:
        assert fmt.rdf is not None and fmt.rdf.media_type == fmt.media_type
    for fmt in RESULT_FORMATS:
        assert fmt.results is not None and fmt.iri and fmt.iri.startswith("http://www.w3.org/ns/")

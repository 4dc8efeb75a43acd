"""Full-text search: the index each release carries (build/search_index.py), through
/api/entities, the search page and the box on every page."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cancerkg.build.search_index import deletions, substring_candidates, words
from cancerkg.graph.search import search_index
from cancerkg.named_queries.run import bound_query, select_named
from cancerkg.settings import Settings
from cancerkg.store import releases
from cancerkg.store.memory import MemoryStore
from cancerkg.store.open import open_store, release_quads
from cancerkg.store.oxigraph import OxigraphStore
from cancerkg.store.protocol import select
from cancerkg.web.app import create_app


@pytest.fixture(scope="module")
def index(store_dir: Path) -> Path:
    release = releases.current_release(store_dir)
    assert release is not None
    path = release.search_index
    assert path.is_file()
    return path


def labels(path: Path, text: str) -> list[str]:
    return [r["label"] for r in search_index(path, text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("karolinsk", "Karolinska University Hospital"),  # a word's start
        ("gustav rousy", "Gustave Roussy"),  # a prefix and a missing letter
        ("gustave rousssy", "Gustave Roussy"),  # a letter too many
        (
            "sklodowska",
            "Maria Skłodowska-Curie National Institute of Oncology – National Research Institute",
        ),
        ("LÉON BÉRARD", "Centre Léon Bérard"),  # case and accents
    ],
)
def test_search_finds_names_by_prefix_and_with_a_typo(
    index: Path, text: str, expected: str
) -> None:
    assert expected in labels(index, text)


def test_an_exact_acronym_and_an_identifier_rank_first(index: Path) -> None:
    assert labels(index, "EURACAN")[0] == "ERN EURACAN"
    assert labels(index, "PL")[0] == "Poland"
    gustave = search_index(index, "gustave roussy")[0]
    assert gustave["label"] == "Gustave Roussy"


def test_identifiers_are_searchable(index: Path, store_dir: Path) -> None:
    found = search_index(index, "Q1501084")
    assert found and found[0]["matched"] == "Q1501084"


def test_nothing_matches_nothing(index: Path) -> None:
    assert search_index(index, "zzzzqqqq") == []
    assert search_index(index, "—!?") == []


def test_words_fold_like_the_search_keys() -> None:
    assert words("Skłodowska-Curie, ÉCOLE") == ["sklodowska", "curie", "ecole"]
    assert "rousy" in set(deletions("roussy"))


def test_the_api_and_the_page_use_the_index(store_dir: Path) -> None:
    with TestClient(create_app(Settings(store_dir, "oxigraph"))) as client:
        found = client.get("/api/entities", params={"q": "gustav rousy"}).json()["results"]
        assert found[0]["label"] == "Gustave Roussy"
        page = client.get("/search", params={"q": "karolinsk"}, headers={"Accept": "text/html"})
        assert "Karolinska University Hospital" in page.text
        home = client.get("/", headers={"Accept": "text/html"}).text
        assert 'id="site-search"' in home and "/static/search.js" in home


def test_without_an_index_search_runs_as_sparql(store_dir: Path) -> None:
    """A store handed to the app (or a remote endpoint) has no index: label search in SPARQL."""
    release = releases.current_release(store_dir)
    assert release is not None
    handed = MemoryStore()  # the release's triples, without its index
    handed.load(release_quads(release))
    assert handed.text_index is None
    settings = Settings(store_dir, "remote", endpoint="http://127.0.0.1:9/sparql")
    with TestClient(create_app(settings, store=handed)) as client:
        found = client.get("/api/entities", params={"q": "gustave roussy"}).json()["results"]
        assert any(r["label"] == "Gustave Roussy" for r in found)
        assert client.get("/api/entities", params={"q": "gustav rousy"}).json()["results"] == []


LABEL_SEARCH_TEXTS = [
    "skłodowska",  # folded ł
    "gustave roussy",
    "léon bérard",
    "roussy",  # inside a name
    "uni",  # a short, common text
    "ern",
    "a",  # under three characters: no narrowing
    "50%",  # LIKE's wildcards are plain characters
    "x_y",
    "xyzzy",  # nothing
]


@pytest.mark.parametrize("text", LABEL_SEARCH_TEXTS)
def test_label_search_is_narrowed_by_the_index_with_the_same_answer(
    store_dir: Path, text: str
) -> None:
    """The named query reads only the candidates the trigram index finds (`#+ narrow`), and
    answers exactly what its full scan of the keys answers."""
    release = releases.current_release(store_dir)
    assert release is not None
    indexed = open_store(Settings(store_dir))
    assert indexed.text_index == release.search_index
    plain = OxigraphStore.open(release.oxigraph)  # no index: the query scans every key
    try:
        narrowed = bound_query(indexed, "label-search", {"text": text})
        assert ("VALUES (?entity)" in narrowed) == (len(text) >= 3)
        assert (
            select(indexed, narrowed).rows
            == select_named(plain, "label-search", {"text": text}).rows
        )
    finally:
        indexed.close()
        plain.close()


def test_candidates_are_every_entity_whose_key_contains_the_text(store_dir: Path) -> None:
    release = releases.current_release(store_dir)
    assert release is not None
    store = OxigraphStore.open(release.oxigraph)
    try:
        keys = select(
            store, "SELECT ?e ?k WHERE { ?e <https://w3id.org/cancerkg/ontology#searchKey> ?k }"
        )
        for text in ("roussy", "klinikum", "50%", "ab"):
            expected = {str(r["e"].value) for r in keys if text in str(r["k"].value)}  # type: ignore[union-attr]
            found = substring_candidates(release.search_index, text)
            assert found is None if len(text) < 3 else set(found or ()) == expected
    finally:
        store.close()


def test_a_served_release_carries_its_index_on_either_embedded_backend(
    store_dir: Path, memory_store: MemoryStore
) -> None:
    """Web search and label-search find the index through the store the service opened."""
    release = releases.current_release(store_dir)
    assert release is not None
    assert memory_store.text_index == release.search_index
    disk = open_store(Settings(store_dir, "oxigraph"))
    try:
        assert disk.text_index == release.search_index
    finally:
        disk.close()

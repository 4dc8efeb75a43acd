"""SERVICE (federation) cannot be turned into request forgery.

Every form of SERVICE the engine reads is refused before anything runs unless its host is on
the allow-list; a loopback listener proves that no connection was made. Allowed calls that fail
never echo the remote answer nor tell an open port from a closed one.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from cancerkg.endpoint.federation import check_federation, service_endpoints
from cancerkg.endpoint.protocol import QueryJob
from cancerkg.endpoint.workers import WorkerPool
from cancerkg.errors import ServiceNotAllowedError
from cancerkg.settings import Settings
from cancerkg.testing import LoopbackListener

SECRET = b"SECRET-INTERNAL-BODY"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
SD = "http://www.w3.org/ns/sparql-service-description#BasicFederatedQuery"
# {u}: the listener's base URL. Each form parses in pyoxigraph and calls the endpoint.
HOSTILE = {
    "no space": "SELECT * WHERE {{ SERVICE<{u}/a> {{ ?s ?p ?o }} }}",
    "comment": "SELECT * WHERE {{ SERVICE#c\n<{u}/b> {{ ?s ?p ?o }} }}",
    "lower case, silent": "SELECT * WHERE {{ service silent <{u}/c> {{ ?s ?p ?o }} }}",
    "silent, no space": "SELECT * WHERE {{ SERVICESILENT<{u}/d> {{ ?s ?p ?o }} }}",
    "prefixed": "PREFIX e: <{u}/> SELECT * WHERE {{ SERVICE e:x {{ ?s ?p ?o }} }}",
    "prefixed, no space": "PREFIX e: <{u}/> SELECT * WHERE {{ SERVICEe:x {{ ?s ?p ?o }} }}",
    "after a number": "SELECT * WHERE {{ BIND(1 AS ?n) ?s ?p 1SERVICE<{u}/e> {{ ?a ?b ?c }} }}",
    "escaped IRI": "SELECT * WHERE {{ SERVICE <{e}/f> {{ ?s ?p ?o }} }}",
    "variable": "SELECT * WHERE {{ VALUES ?x {{ <{u}/g> }} SERVICE ?x {{ ?s ?p ?o }} }}",
    "relative": "BASE <{u}/> SELECT * WHERE {{ SERVICE <h> {{ ?s ?p ?o }} }}",
    "sub-select": "SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{u}/i> {{ ?s ?p ?o }} }} }} }}",
    "exists": "SELECT * WHERE {{ FILTER EXISTS {{ SERVICE <{u}/j> {{ ?s ?p ?o }} }} }}",
    "not exists": "ASK {{ FILTER NOT EXISTS {{ SERVICE <{u}/k> {{ ?s ?p ?o }} }} }}",
    "optional": "SELECT * WHERE {{ OPTIONAL {{ SERVICE <{u}/l> {{ ?s ?p ?o }} }} }}",
    "minus": "SELECT * WHERE {{ BIND(1 AS ?n) MINUS {{ SERVICE <{u}/m> {{ ?n ?p ?o }} }} }}",
    "union": "SELECT * WHERE {{ {{ BIND(1 AS ?n) }} UNION {{ SERVICE <{u}/n> {{ ?s ?p ?o }} }} }}",
    "nested": "SELECT * WHERE {{ SERVICE <{u}/o> {{ SERVICE <{u}/p> {{ ?s ?p ?o }} }} }}",
    "graph": "SELECT * WHERE {{ GRAPH ?g {{ SERVICE <{u}/q> {{ ?s ?p ?o }} }} }}",
    "bind exists": "SELECT * WHERE {{ BIND(EXISTS {{ SERVICE <{u}/r> {{ ?s ?p ?o }} }} AS ?x) }}",
    "after a literal": "SELECT * WHERE {{ ?s ?p 'x'@en SERVICE <{u}/s> {{ ?a ?b ?c }} }}",
    "after a long string": "SELECT * WHERE {{ BIND('''x''' AS ?q)SERVICE <{u}/t> {{ ?a ?b ?c }} }}",
    "after a local escape": "PREFIX e: <{u}/> SELECT * WHERE {{ BIND(e:a\\'b AS ?z) "
    "SERVICE <{u}/v> {{ ?a ?b ?c }} }}",
    "upper-case scheme": "SELECT * WHERE {{ SERVICE <{U}/w> {{ ?s ?p ?o }} }}",
    "construct": "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{u}/x> {{ ?s ?p ?o }} }}",
    "describe": "DESCRIBE ?s WHERE {{ SERVICE <{u}/y> {{ ?s ?p ?o }} }}",
}
BENIGN = [
    "SELECT * WHERE { ?x a <http://www.w3.org/ns/dcat#DataService> ; "
    "<http://x/service> 'service' }",
    "PREFIX dcat: <http://www.w3.org/ns/dcat#> "
    "SELECT ?service WHERE { ?service a dcat:DataService }",
    'SELECT * WHERE { ?s ?p """a SERVICE <http://127.0.0.1/> { } in a string""" } # SERVICE <x>',
    "SELECT * WHERE { ?s ?p _:service . ?s ?q ?o FILTER(LANG(?o) = 'service') }",
]


@pytest.fixture(scope="module")
def listener() -> Iterator[LoopbackListener]:
    server = LoopbackListener(SECRET)
    yield server
    server.sock.close()


@pytest.fixture(scope="module")
def closed(serve: object) -> str:
    """The service as installed: federation off."""
    return serve()  # type: ignore[operator, no-any-return]


@pytest.fixture(scope="module")
def opened(serve: object) -> str:
    """The service with loopback on the allow-list (as an operator might allow a host)."""
    return serve(env={"CANCERKG_SERVICE_ALLOW": "127.0.0.1"})  # type: ignore[operator, no-any-return]


def fill(template: str, url: str) -> str:
    escaped = url.replace(":", "\\u003A", 2).replace("\\u003A", ":", 1)  # the port's colon
    return template.format(u=url, e=escaped, U=url.replace("http", "HTTP", 1))


@pytest.mark.parametrize("name", [n for n in HOSTILE if n != "variable"])
def test_each_hostile_form_calls_out_when_unchecked(listener: LoopbackListener, name: str) -> None:
    """The corpus is real: run by the engine with no check, each form connects (a variable
    endpoint is refused by pyoxigraph itself when unbound, and by us in every case)."""
    store = ox.Store()
    s, p = ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p")
    for value in (
        ox.Literal("1", datatype=ox.NamedNode(XSD_INTEGER)),
        ox.Literal("x", language="en"),
    ):
        store.add(ox.Quad(s, p, value, ox.DefaultGraph()))
    before = listener.connections
    with contextlib.suppress(OSError):
        result = store.query(fill(HOSTILE[name], listener.url))
        if not isinstance(result, ox.QueryBoolean):
            list(result)
    assert listener.connections > before


@pytest.mark.parametrize("name", list(HOSTILE))
def test_every_form_of_service_is_found(name: str) -> None:
    query = fill(HOSTILE[name], "http://127.0.0.1:9905")
    with pytest.raises(ServiceNotAllowedError):
        check_federation(query, [])
    with pytest.raises(ServiceNotAllowedError):  # an allowed host elsewhere changes nothing
        check_federation(query, ["query.wikidata.org"])


def test_endpoints_are_read_as_the_engine_reads_them() -> None:
    url = "http://127.0.0.1:9905"
    assert service_endpoints(fill(HOSTILE["escaped IRI"], url)) == [url + "/f"]
    assert service_endpoints(fill(HOSTILE["prefixed"], url)) == [url + "/x"]
    assert service_endpoints(fill(HOSTILE["nested"], url)) == [url + "/o", url + "/p"]


@pytest.mark.parametrize("query", BENIGN)
def test_the_word_service_elsewhere_is_not_a_service_call(query: str) -> None:
    assert check_federation(query, []) == []


def test_no_named_query_calls_a_service(root: Path) -> None:
    for path in sorted((root / "queries").glob("*.rq")):
        assert service_endpoints(path.read_text(encoding="utf-8")) == [], path.name


@pytest.mark.parametrize(
    ("endpoint", "allowed"),
    [
        ("https://query.wikidata.org/sparql", True),
        ("HTTPS://QUERY.WIKIDATA.ORG:443/sparql", True),
        ("https://query.wikidata.org.evil.example/sparql", False),
        ("https://query.wikidata.org@127.0.0.1:9905/", False),
        ("https://user:pw@query.wikidata.org/sparql", False),
        ("ftp://query.wikidata.org/", False),
        ("file:///etc/passwd", False),
    ],
)
def test_the_allow_list_names_hosts_exactly(endpoint: str, allowed: bool) -> None:
    query = f"SELECT * WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}"
    if allowed:
        assert check_federation(query, ["query.wikidata.org"]) == [endpoint]
    else:
        with pytest.raises(ServiceNotAllowedError):
            check_federation(query, ["query.wikidata.org"])


@pytest.mark.parametrize("name", list(HOSTILE))
def test_the_server_refuses_every_form_without_a_connection(
    closed: str, listener: LoopbackListener, name: str
) -> None:
    url = closed
    query = fill(HOSTILE[name], listener.url)
    before = listener.connections
    via_get = httpx.get(url + "/sparql", params={"query": query}, timeout=60)
    via_post = httpx.post(
        url + "/sparql",
        content=query,
        headers={"Content-Type": "application/sparql-query"},
        timeout=60,
    )
    for response in (via_get, via_post):
        assert response.status_code == 403, response.text
        assert response.json()["error"] == "service not allowed"
    assert listener.connections == before, "the server connected to the listener"
    assert httpx.get(url + "/health", timeout=30).status_code == 200


def test_an_escaped_keyword_is_no_keyword_to_the_engine(
    closed: str, listener: LoopbackListener
) -> None:
    """pyoxigraph reads \\u escapes only inside IRIs and strings: an escaped SERVICE keyword
    is a syntax error, and nothing is called."""
    before = listener.connections
    query = f"SELECT * WHERE {{ \\u0053ERVICE <{listener.url}/z> {{ ?s ?p ?o }} }}"
    response = httpx.get(closed + "/sparql", params={"query": query}, timeout=60)
    assert response.status_code == 400
    assert response.json()["error"] == "query syntax error"
    assert listener.connections == before


def test_the_description_claims_federation_only_when_a_host_is_allowed(
    closed: str, opened: str
) -> None:
    turtle = {"Accept": "text/turtle"}
    assert SD not in httpx.get(closed + "/sparql", headers=turtle, timeout=30).text
    assert SD in httpx.get(opened + "/sparql", headers=turtle, timeout=30).text


def test_allowed_calls_never_echo_the_remote_answer(
    opened: str, listener: LoopbackListener
) -> None:
    url = opened
    refused = socket.create_server(("127.0.0.1", 0))
    closed_port = refused.getsockname()[1]
    refused.close()
    answers = []
    for target in (listener.url, f"http://127.0.0.1:{closed_port}"):
        query = f"SELECT * WHERE {{ SERVICE <{target}/sparql> {{ ?s ?p ?o }} }}"
        answers.append(httpx.get(url + "/sparql", params={"query": query}, timeout=60))
    assert listener.connections > 0, "the allowed call was not made"
    for response in answers:
        assert response.status_code == 502
        assert SECRET.decode() not in response.text
        assert response.json()["detail"].endswith("the remote endpoint did not answer")
    assert answers[0].json() == answers[1].json(), "an open port must look like a closed one"


def test_workers_without_federation_have_no_network(
    store_dir: Path, listener: LoopbackListener
) -> None:
    """The second barrier: even a SERVICE call that reached a worker could connect nowhere."""
    probe = "from cancerkg.endpoint.federation import cut_network; print(cut_network())"
    works = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    if works.stdout.strip() != "True":
        pytest.skip(reason="this machine allows no network namespaces (needs root or userns)")

    import asyncio

    async def scenario() -> str:
        pool = WorkerPool(Settings(store_dir), warm=1)
        await pool.start()
        try:
            query = f"SELECT * WHERE {{ SERVICE <{listener.url}/w> {{ ?s ?p ?o }} }}"
            try:
                await pool.run(QueryJob(query, federated=True))
            except Exception as error:  # the call fails: that is the point
                return str(error)
            return "answered"
        finally:
            await pool.close()

    before = listener.connections
    outcome = asyncio.run(scenario())
    assert outcome != "answered"
    assert listener.connections == before

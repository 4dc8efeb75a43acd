"""The hostile corpus (tests/hostile/): requests a hostile client sends to the real server, and
files a careless one gives the real CLI. Each must get its documented status or exit code with
a one-line message, never a traceback (in the answer or the server's log), and the service must
stay healthy afterwards."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cancerkg.testing import (
    LoopbackListener,
    free_port,
    run_cli,
    serve_command,
    stop_process,
    wait_until_up,
)

HOSTILE = Path(__file__).parent / "hostile"
REQUESTS = json.loads((HOSTILE / "requests.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def listener() -> Iterator[LoopbackListener]:
    """Where the corpus's outbound addresses (127.0.0.1:9) are pointed: nothing may connect."""
    sink = LoopbackListener()
    yield sink
    sink.sock.close()


def _aimed(case: dict[str, object], listener: LoopbackListener) -> dict[str, object]:
    """The case with every outbound address of the corpus pointed at the listener."""
    text = json.dumps(case).replace("127.0.0.1:9/", f"127.0.0.1:{listener.port}/")
    aimed: dict[str, object] = json.loads(text)
    return aimed


@pytest.fixture(scope="module")
def server(store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`cancerkg serve` on loopback with its log in a file: (URL, log path)."""
    log = tmp_path_factory.mktemp("hostile") / "server.log"
    port = free_port()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            serve_command(store_dir, port),
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(url + "/health", process)
            yield url, log
        finally:
            stop_process(process)


def _send(url: str, case: dict[str, object]) -> httpx.Response:
    return httpx.request(
        str(case["method"]),
        url + str(case["path"]),
        params=case.get("params"),  # type: ignore[arg-type]
        headers=case.get("headers"),  # type: ignore[arg-type]
        content=_body(case),
        timeout=60,
    )


def _body(case: dict[str, object]) -> bytes | None:
    if "body_repeat" in case:
        text, times = case["body_repeat"]  # type: ignore[misc]
        return str(text).encode() * int(times)
    if "body_latin1" in case:
        return str(case["body_latin1"]).encode("latin-1")
    if "body_hex" in case:
        return bytes.fromhex(str(case["body_hex"]))
    return str(case["body"]).encode() if "body" in case else None


@pytest.mark.parametrize("case", REQUESTS, ids=[c["name"] for c in REQUESTS])
def test_hostile_request(
    server: tuple[str, Path], listener: LoopbackListener, case: dict[str, object]
) -> None:
    url, _ = server
    case = _aimed(case, listener)
    before = listener.connections
    response = _send(url, case)
    assert response.status_code == case["status"], response.text[:300]
    assert "Traceback" not in response.text
    assert listener.connections == before, "the server connected out"
    if response.status_code >= 400 and response.headers["content-type"].startswith(
        "application/json"
    ):
        body = response.json()
        assert set(body) == {"error", "detail"}
        assert body["detail"] and "\n" not in body["detail"]


def test_the_server_stays_healthy_and_logs_no_traceback(server: tuple[str, Path]) -> None:
    url, log = server
    for case in REQUESTS:  # the whole corpus once more, then health
        _send(url, case)
    assert httpx.get(url + "/health", timeout=30).status_code == 200
    assert httpx.get(url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30).json()[
        "boolean"
    ]
    assert "Traceback" not in log.read_text(errors="replace")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("query", "{dir}"), 2, "not a regular file"),
        (("query", "/dev/null"), 2, "not a regular file"),
        (("query", "{dir}/missing.rq"), 2, "no such query file"),
        (("validate", "{dir}"), 2, "not a regular file"),
        (("validate", "{dir}/missing.ttl"), 2, "cannot read"),
        (("serve", "--port", "99999"), 2, "--port"),
        (("build", "--store", "{file}"), 2, "not a folder"),
        (("build", "--store", "{file}/store"), 2, "cannot create the store there"),
        (("validate", "{dir}/big.ttl", "--max-size", "0.001"), 2, "--max-size"),
        (("stats", "--store", "{dir}/nothing-built"), 2, "cancerkg build"),
    ],
)
def test_hostile_command_line(
    tmp_path: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "big.ttl").write_text("# padding\n" * 200)
    filled = [a.format(dir=tmp_path, file=tmp_path / "a-file") for a in args]
    run = run_cli(*filled, timeout=120)
    output = run.stdout + run.stderr
    assert run.returncode == code, output
    assert message in output, output
    assert "Traceback" not in output


def test_a_busy_port_is_named_before_serving(store_dir: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        run = run_cli("serve", "--port", str(port), "--store", str(store_dir), timeout=120)
    output = run.stdout + run.stderr
    assert run.returncode == 2, output
    assert f"cannot listen on 127.0.0.1:{port}" in output
    assert "serving on" not in output and "Traceback" not in output


def test_a_get_query_of_one_megabyte_gets_414_json_that_says_post(
    server: tuple[str, Path],
) -> None:
    """Not a reset connection nor a bare 400: the client learns to send it with POST.
    (http.client: httpx refuses URLs this long before sending them.)"""
    url, _ = server
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    connection.request("GET", "/sparql?query=ASK%7B%7D" + "%20" * 349_500)
    response = connection.getresponse()
    body = json.loads(response.read())
    connection.close()
    assert response.status == 414
    assert body["error"] == "uri too long" and "POST" in body["detail"]
    assert httpx.get(url + "/health", timeout=30).status_code == 200


def test_a_get_query_over_the_length_limit_gets_413_json(server: tuple[str, Path]) -> None:
    """Under the URL limit but over CANCERKG_MAX_QUERY_LENGTH: the endpoint names its limit."""
    url, _ = server
    query = "ASK{}" + " " * 100_000
    response = httpx.post(url + "/sparql", data={"query": query}, timeout=60)
    assert response.status_code == 413
    assert response.json()["error"] == "query too long" and "limit" in response.json()["detail"]


def test_a_slow_request_head_gets_408_and_the_connection_closed(serve: object) -> None:
    """A client that sends its head byte by byte (slowloris) does not hold a connection."""
    url = serve(env={"CANCERKG_HEADER_TIMEOUT": "1"})  # type: ignore[operator]
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=60) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        received = b""
        while chunk := sock.recv(4096):
            received += chunk
    assert received.startswith(b"HTTP/1.1 408")
    assert b"request timeout" in received
    assert httpx.get(url + "/health", timeout=30).status_code == 200


def test_a_request_head_over_4_mib_gets_431_and_the_connection_closed(
    server: tuple[str, Path],
) -> None:
    """The parser would buffer a head of any size: past 4 MiB the connection is refused and
    closed, before the head ends, and the server goes on answering."""
    url, _ = server
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=60) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        received = b""
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            for _ in range(5):  # 5 MiB of one header, never ended
                sock.sendall(b"X-Padding: " + b"a" * (2**20 - 13) + b"\r\n")
            while chunk := sock.recv(4096):
                received += chunk
    assert received.startswith(b"HTTP/1.1 431"), received[:200]
    assert b"request header fields too large" in received
    assert httpx.get(url + "/health", timeout=30).status_code == 200


def test_a_long_validation_says_what_it_is_doing(tmp_path: Path, store_dir: Path) -> None:
    lines = ["@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> ."]
    lines += [f'<https://example.org/x{i}> rdfs:comment "c{i}"@en .' for i in range(21_000)]
    (tmp_path / "long.ttl").write_text("\n".join(lines))
    run = run_cli("validate", str(tmp_path / "long.ttl"), "--store", str(store_dir))
    assert run.returncode in (0, 1), run.stderr
    assert "validating 21,000 triples against the shapes" in run.stderr
    assert "validated in" in run.stderr and "Traceback" not in run.stderr


def test_a_large_answer_comes_back_whole_every_time(server: tuple[str, Path]) -> None:
    """A worker's reply longer than one pipe read (here about 700 kB) is read whole: under uvloop
    the pipe was left non-blocking and such replies failed as a dead worker (503)."""
    url, _ = server
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 3000 OFFSET "
    for offset in range(0, 12_000, 3000):  # distinct queries: none answered from the cache
        answer = httpx.get(
            url + "/sparql",
            params={"query": query + str(offset)},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        assert answer.status_code == 200, answer.text[:300]
        assert len(answer.json()["results"]["bindings"]) == 3000

"""Support for tests and benchmarks, as numpy.testing is for numpy: loopback ports, starting and
stopping servers, the real `cancerkg` command in a subprocess, and a throwaway Virtuoso.

Shipped with the package so that tests/ and bench/ import one copy (bench used to put tests/ on
sys.path). Nothing in the service imports it; it uses the standard library only.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# A Virtuoso of its own: loopback ports, a temporary database folder, a high ResultSetMaxRows
# (Debian's default silently truncates at 10 000 rows), the system-wide instance left alone.
INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 20
CheckpointInterval = 60
DirsAllowed = ., {db}
NumberOfBuffers = 20000
MaxDirtyBuffers = 12000
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 20
MaxClientConnections = 20
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 0
DefaultGraph =
"""


def run_cli(
    *args: str, env: dict[str, str] | None = None, stdin: bytes | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run the real `cancerkg` command in a subprocess and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "cancerkg", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        input=stdin.decode() if stdin is not None else None,
        check=False,
    )


def serve_command(store: Path, port: int, *args: str) -> list[str]:
    """The `cancerkg serve` command line for `store` on loopback `port`."""
    return [
        sys.executable,
        "-m",
        "cancerkg",
        "serve",
        "--port",
        str(port),
        "--store",
        str(store),
        *args,
    ]


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def stop_process(process: subprocess.Popen[bytes], seconds: float = 20) -> None:
    """Stop a server started for a test or benchmark: SIGTERM, then SIGKILL after `seconds`."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 120) -> None:
    """Poll `url` until it answers 200 (a server builds and spawns workers first)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        if _answers(url):
            return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up in {seconds} s")


def find_virtuoso() -> str | None:
    """The virtuoso-t binary when Virtuoso (and its isql-vt) is installed."""
    binary = shutil.which("virtuoso-t")
    return binary if binary and shutil.which("isql-vt") else None


@contextmanager
def running_virtuoso(folder: Path, http_port: int, sql_port: int) -> Iterator[str]:
    """A Virtuoso on loopback with its database in `folder`; yields its /sparql URL."""
    binary = find_virtuoso()
    if binary is None:
        raise RuntimeError("Virtuoso is not installed (.ci/install-virtuoso.sh installs it)")
    folder.mkdir(parents=True, exist_ok=True)
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(db=folder, sql_port=sql_port, http_port=http_port))
    process = subprocess.Popen(
        [binary, "+foreground", "+configfile", str(ini)],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{http_port}/sparql"
    try:
        _wait_for_virtuoso(url, process, folder)
        yield url
    finally:
        stop_process(process, seconds=30)


def load_graph(url: str, store: Path, *, timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
    """`cancerkg load` the built store into the Virtuoso at `url` (its dba account, digest);
    `timeout`: seconds each request to it may take (a 1M-triple graph needs minutes)."""
    return run_cli(
        "load",
        "--endpoint",
        url,
        "--graph-store",
        url + "-graph-crud-auth",
        "--store",
        str(store),
        env={
            "CANCERKG_ENDPOINT_USER": "dba",
            "CANCERKG_ENDPOINT_PASSWORD": "dba",
            "CANCERKG_ENDPOINT_AUTH": "digest",
            "CANCERKG_QUERY_TIMEOUT": str(timeout),
        },
        timeout=max(300.0, timeout),
    )


def _wait_for_virtuoso(url: str, process: subprocess.Popen[bytes], folder: Path) -> None:
    ask = url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (folder / "virtuoso.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"virtuoso exited with {process.returncode}:\n{log}")
        if _answers(ask, accept="application/sparql-results+json"):
            return
        time.sleep(0.3)
    raise RuntimeError("virtuoso did not come up in 120 s")


def _answers(url: str, accept: str = "*/*") -> bool:
    """Whether `url` (on loopback) answers 200 now."""
    request = urllib.request.Request(url, headers={"Accept": accept})  # noqa: S310 - http(s) only
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def write_results_section(results: Path, name: str, body: str) -> None:
    """Put `body` between the `<!-- name:start -->` and `<!-- name:end -->` markers of a
    benchmark results file (appended when absent), leaving the other sections alone."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    section = f"{start}\n{body.strip()}\n{end}"
    text = results.read_text(encoding="utf-8") if results.exists() else "# Benchmarks\n"
    if start in text and end in text:
        text = text[: text.index(start)] + section + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    results.write_text(text, encoding="utf-8")


class LoopbackListener:
    """A loopback HTTP listener that counts the connections made to it and answers each with a
    500 whose body is `secret`: a test of request forgery points hostile input at it and checks
    that nothing connected, or that the secret never came back."""

    def __init__(self, secret: bytes = b"SECRET-INTERNAL-BODY") -> None:
        self.secret = secret
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.settimeout(5)
                try:
                    conn.recv(65536)
                    conn.sendall(
                        b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: "
                        + str(len(self.secret)).encode()
                        + b"\r\nConnection: close\r\n\r\n"
                        + self.secret
                    )
                except OSError:
                    pass

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

"""Start a throwaway Virtuoso (Debian's virtuoso-opensource) for the remote-backend tests.

Loopback ports only, a temporary database folder, its own ini (a high ResultSetMaxRows: the Debian
default silently truncates at 10 000 rows), and the system-wide instance left alone. Where it is
not installed the tests skip loudly; with CANCERKG_REQUIRE_VIRTUOSO=1 (CI) they fail instead.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from conftest import run_cli, stop_process
from support import skip_or_fail

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


def require_virtuoso() -> str:
    """The virtuoso-t binary, or a loud skip (a failure where CI requires it)."""
    binary = shutil.which("virtuoso-t")
    if binary and shutil.which("isql-vt"):
        return binary
    skip_or_fail(
        "virtuoso",
        "Virtuoso is not installed: the remote-backend tests against a real server did not run "
        "(install it with .ci/install-virtuoso.sh)",
    )


@contextmanager
def running_virtuoso(folder: Path, http_port: int, sql_port: int) -> Iterator[str]:
    """A Virtuoso on loopback with its database in `folder`; yields its /sparql URL."""
    binary = require_virtuoso()
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
        _wait_for(url, process, folder)
        yield url
    finally:
        stop_process(process, seconds=30)


def load_graph(url: str, store: Path) -> subprocess.CompletedProcess[str]:
    """`cancerkg load` the built store into the Virtuoso at `url` (its dba account, digest)."""
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
        },
    )


def _wait_for(url: str, process: subprocess.Popen[bytes], folder: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (folder / "virtuoso.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"virtuoso exited with {process.returncode}:\n{log}")
        try:
            response = httpx.get(
                url,
                params={"query": "ASK {}"},
                headers={"Accept": "application/sparql-results+json"},
                timeout=5,
            )
            if response.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("virtuoso did not come up in 120 s")

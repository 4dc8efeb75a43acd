"""The README as a newcomer follows it: every command in it runs, and every address in it answers.

Commands come from the README's ```sh blocks and from inline `cancerkg ...` code; each one is
run against a temporary store (and a server on a free loopback port). A README command with no
runnable form below fails the test, so a new command cannot be documented untested.

Cheaper equivalents, because they would install things:
- the set-up command (`pip install . && cancerkg serve`): the `cancerkg` of this test run (an
  install of the same tree) serves a temporary store, and /editor must have YASGUI from this host;
- the test command (`pip install -e '.[test]' && pytest`): `pytest --collect-only` must collect;
- `cancerkg load --endpoint URL`: run against a closed loopback port, it must fail with a
  one-line message and exit 1 (tests/test_backends_remote.py loads a real Virtuoso).
`cancerkg serve` is the `site` fixture (the real command on a free port). Not run here:
`bash .ci/run` (it is CI itself) and `python bench/run.py` (an hour of benchmarks).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from cancerkg.testing import free_port, run_cli

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
SETUP = "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/cancerkg serve"
TESTS = "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest"
INVALID = REPO / "tests" / "shapes" / "invalid" / "bad-country.ttl"


def shell_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", README, flags=re.DOTALL)


def readme_commands() -> set[str]:
    """Each `cancerkg` subcommand the README shows, as 'query' or 'query --list'."""
    lines = [line for block in shell_blocks() for line in block.splitlines()]
    lines += re.findall(r"`(cancerkg [^`]+)`", README)
    found = set()
    for line in lines:
        words = line.split("#")[0].split()
        if words[:1] == ["cancerkg"] and len(words) > 1:
            found.add(" ".join(words[1:3]) if words[2:3] == ["--list"] else words[1])
    return found


# How each README command is run here: arguments (with {store}, {file}, {port} filled in) and
# the exit code it must end with.
RUNS: dict[str, tuple[list[str], int]] = {
    "build": (["build", "--store", "{store}"], 0),
    "stats": (["stats", "--store", "{store}"], 0),
    "query --list": (["query", "--list"], 0),
    "query": (
        [
            "query",
            "network-members",
            "--param",
            "network=euracan",
            "--param",
            "country=PL",
            "--store",
            "{store}",
        ],
        0,
    ),
    "validate": (["validate", "{file}", "--store", "{store}"], 1),
    "export": (["export", "--format", "nt", "--store", "{store}"], 0),
    "load": (["load", "--endpoint", "http://127.0.0.1:{port}/sparql", "--store", "{store}"], 1),
    "assets": (["assets"], 0),
    "tokens": (["tokens", "list", "--store", "{store}"], 0),
    "diff": (["diff", "--list", "--store", "{store}"], 0),
    "template": (["template", "memberships", "--format", "csv"], 0),
    "publish": (["publish", "--store", "{store}"], 0),
    # Without a token it stops before sending (tests/test_submissions.py sends for real).
    "submit": (["submit", "{file}", "--to", "http://127.0.0.1:{port}"], 2),
}


@pytest.fixture(scope="module")
def site(serve: Callable[..., str]) -> str:
    return serve()


def test_the_readme_shows_the_two_set_up_commands() -> None:
    blocks = [block.strip() for block in shell_blocks()]
    assert SETUP in blocks and TESTS in blocks


def test_every_readme_command_has_a_run_here() -> None:
    assert readme_commands() - {"serve"} == set(RUNS), "a README command without a run below"


@pytest.mark.parametrize("command", sorted(RUNS))
def test_readme_command_runs(command: str, store_dir: Path) -> None:
    args, expected = RUNS[command]
    filled = [a.format(store=store_dir, file=INVALID, port=free_port()) for a in args]
    result = run_cli(*filled)
    assert result.returncode == expected, result.stderr
    assert "Traceback" not in result.stderr


def test_the_test_command_collects() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:]


def readme_paths() -> list[str]:
    """Every address on this service the README names in code: `/x`, `GET /x`, `POST /x`."""
    found = re.findall(r"`(?:GET |POST )?(/[^`\s]*)`", README)
    return sorted({path for path in found if "..." not in path})


def test_the_readme_names_addresses() -> None:
    assert {"/sparql", "/editor", "/validation", "/queries", "/docs"} <= set(readme_paths())


@pytest.mark.parametrize("path", readme_paths())
def test_readme_address_answers(site: str, path: str) -> None:
    """Each address answers a browser (after the redirects the README describes)."""
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    with httpx.Client(base_url=site, timeout=60, follow_redirects=True) as client:
        response = client.get(path, headers=browser)
    assert response.status_code == 200, f"{path}: {response.status_code} {response.text[:200]}"


def test_the_set_up_command_serves_a_working_editor(site: str) -> None:
    with httpx.Client(base_url=site, timeout=60) as client:
        sparql = client.get("/sparql", headers={"Accept": "text/html"})
        assert sparql.status_code == 303 and sparql.headers["location"] == "/editor"
        page = client.get("/editor").text
        assert "/static/vendor/yasgui/yasgui.min.js" in page and "editor-missing" not in page
        script = client.get("/static/vendor/yasgui/yasgui.min.js")
        assert script.status_code == 200 and len(script.content) > 100_000
        form = client.get("/validate", headers={"Accept": "text/html"})
        assert form.status_code == 303 and form.headers["location"] == "/validation"

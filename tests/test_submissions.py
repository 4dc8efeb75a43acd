"""The inbox end to end, against a real `cancerkg serve` and real HTTP clients: tokens and
scopes, durable receipt, background validation, review, publication as the next release."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from cancerkg.errors import AuthenticationError
from cancerkg.submissions.database import database_path
from cancerkg.submissions.tokens import authenticate, create_token, list_tokens, revoke_token
from cancerkg.testing import run_cli
from submissions_support import (
    FILES,
    Inbox,
    Server,
    get,
    make_inbox,
    send,
    status_of,
    wait_for,
)


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Inbox:
    return make_inbox(tmp_path_factory.mktemp("inbox"))


@pytest.fixture(scope="module")
def server(inbox: Inbox) -> Iterator[Server]:
    running = Server(inbox.store)
    yield running
    running.stop()


def settled(url: str, token: str, identifier: str) -> dict[str, object]:
    """The submission once its validation has run."""
    found: dict[str, object] = {}

    def done() -> bool:
        found.update(get(url, token, f"/submissions/{identifier}").json())
        return found["status"] not in ("received", "validating")

    wait_for(done)
    return found


# --- tokens ---------------------------------------------------------------------------------


def test_a_token_is_stored_only_as_a_hash_and_can_be_revoked(tmp_path: Path) -> None:
    secret, record = create_token(tmp_path, "Someone", "steward", ("https://example.org/n",))
    assert authenticate(tmp_path, secret).name == "Someone"
    stored = database_path(tmp_path).read_bytes() + b"".join(
        p.read_bytes() for p in database_path(tmp_path).parent.glob("*-wal")
    )
    assert secret.encode() not in stored and secret.split("_", 2)[2].encode() not in stored
    revoke_token(tmp_path, record.id)
    with pytest.raises(AuthenticationError, match="unknown or revoked"):
        authenticate(tmp_path, secret)
    assert list_tokens(tmp_path)[0].revoked_at is not None


@pytest.mark.parametrize("presented", ["", "nonsense", "ckg_00000000_" + "A" * 43, "Bearer ckg_x"])
def test_a_bad_token_is_refused(tmp_path: Path, presented: str) -> None:
    create_token(tmp_path, "Someone", "reviewer", ())
    with pytest.raises(AuthenticationError):
        authenticate(tmp_path, presented)


def test_tokens_cli_creates_lists_and_revokes(inbox: Inbox) -> None:
    made = run_cli(
        "tokens",
        "create",
        "--name",
        "CLI steward",
        "--scope",
        "euracan",
        "--store",
        str(inbox.store),
    )
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert token.startswith("ckg_")
    listed = run_cli("tokens", "list", "--store", str(inbox.store))
    assert "CLI steward" in listed.stdout and "net:euracan" in listed.stdout
    assert token not in listed.stdout
    revoked = run_cli("tokens", "revoke", token[4:12], "--store", str(inbox.store))
    assert revoked.returncode == 0 and "revoked" in revoked.stderr
    unknown = run_cli(
        "tokens", "create", "--name", "x", "--scope", "no-such-network", "--store", str(inbox.store)
    )
    assert unknown.returncode == 2 and "no network, organisation" in unknown.stderr


# --- who may send what ----------------------------------------------------------------------


def test_writes_need_a_token_and_reads_stay_anonymous(server: Server) -> None:
    body = (FILES / "valid.ttl").read_bytes()
    refused = httpx.post(
        server.url + "/submissions", content=body, headers={"Content-Type": "text/turtle"}
    )
    assert refused.status_code == 401
    assert refused.json()["error"] == "unauthorised"
    assert httpx.get(server.url + "/submissions").status_code == 401
    assert httpx.get(
        server.url + "/id/network/euracan", headers={"Accept": "text/turtle"}
    ).is_success


@pytest.mark.parametrize("name", ["other-network.ttl", "rename-other.ttl"])
def test_a_steward_cannot_speak_for_another_network(
    server: Server, inbox: Inbox, name: str
) -> None:
    answer = send(server.url, inbox.euracan, name)
    assert answer.status_code == 403, answer.text
    assert "outside what token" in answer.json()["detail"]


def test_a_steward_may_add_a_new_hospital_to_its_network(server: Server, inbox: Inbox) -> None:
    answer = send(server.url, inbox.euracan, "new-hospital.ttl")
    assert answer.status_code == 202, answer.text


def test_bad_input_gets_the_same_errors_as_validate(server: Server, inbox: Inbox) -> None:
    broken = send(server.url, inbox.euracan, "", body=b"<a> <b> .")
    assert broken.status_code == 400
    assert "syntax" in broken.json()["error"]
    checked = httpx.post(
        server.url + "/validate", content=b"<a> <b> .", headers={"Content-Type": "text/turtle"}
    )
    assert checked.json() == broken.json()
    wrong_type = httpx.post(
        server.url + "/submissions",
        content=b"hello",
        headers={"Content-Type": "application/pdf", "Authorization": f"Bearer {inbox.euracan}"},
    )
    assert wrong_type.status_code == 415
    huge = send(server.url, inbox.euracan, "", body=b"#" * (6 * 1024 * 1024))
    assert huge.status_code == 413


# --- receipt, validation, review, publication ----------------------------------------------


def test_a_submission_is_received_validated_reviewed_and_published(
    server: Server, inbox: Inbox
) -> None:
    answer = send(server.url, inbox.euracan, "valid.ttl")
    assert answer.status_code == 202
    sent = answer.json()
    assert answer.headers["location"] == sent["url"]
    assert sent["status"] == "received" and sent["steward"] == "EURACAN office"
    found = settled(server.url, inbox.euracan, sent["id"])
    assert found["status"] == "valid" and found["conforms"] is True
    said = get(server.url, inbox.reviewer, f"/submissions/{sent['id']}/changes").json()
    assert any("EB" in s["text"] and "EURACAN" in s["text"] for s in said["sentences"]), said

    not_yours = httpx.post(
        f"{server.url}/submissions/{sent['id']}/accept",
        headers={"Authorization": f"Bearer {inbox.euracan}"},
    )
    assert not_yours.status_code == 403
    accepted = httpx.post(
        f"{server.url}/submissions/{sent['id']}/accept",
        json={"reason": "matches the EURACAN list"},
        headers={"Authorization": f"Bearer {inbox.reviewer}"},
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    again = httpx.post(
        f"{server.url}/submissions/{sent['id']}/accept",
        headers={"Authorization": f"Bearer {inbox.reviewer2}"},
    )
    assert again.status_code == 409

    wait_for(lambda: status_of(inbox.store, sent["id"]) == "published")
    member = "/id/membership/euracan--eb-house-austria"
    wait_for(lambda: httpx.get(server.url + member, headers={"Accept": "text/turtle"}).is_success)
    graph = f"https://w3id.org/cancerkg/graph/submissions/{sent['id']}"
    attributed = "<http://www.w3.org/ns/prov#wasAttributedTo>"
    ask = f"ASK {{ GRAPH <{graph}> {{ ?g {attributed} <{EURACAN_IRI}> }} }}"
    answered = httpx.get(
        server.url + "/sparql",
        params={"query": ask},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert answered.json()["boolean"] is True


EURACAN_IRI = "https://w3id.org/cancerkg/id/network/euracan"


def test_an_invalid_submission_can_only_be_rejected_with_a_reason(
    server: Server, inbox: Inbox
) -> None:
    sent = send(server.url, inbox.euracan, "invalid.ttl").json()
    found = settled(server.url, inbox.euracan, sent["id"])
    assert found["status"] == "invalid"
    report = found["report"]
    assert isinstance(report, dict) and report["counts"]["Violation"] >= 1
    path = f"{server.url}/submissions/{sent['id']}"
    auth = {"Authorization": f"Bearer {inbox.reviewer}"}
    assert httpx.post(path + "/accept", headers=auth).status_code == 409
    assert httpx.post(path + "/reject", headers=auth).status_code == 400
    rejected = httpx.post(path + "/reject", json={"reason": "IRI breaks the rule"}, headers=auth)
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["reason"] == "IRI breaks the rule"


def test_stewards_see_their_own_submissions_only(server: Server, inbox: Inbox) -> None:
    mine = send(server.url, inbox.euracan, "valid.ttl").json()["id"]
    listed = get(server.url, inbox.skin, "/submissions").json()["submissions"]
    assert mine not in {s["id"] for s in listed}
    assert get(server.url, inbox.skin, f"/submissions/{mine}").status_code == 404
    everything = get(server.url, inbox.reviewer, "/submissions").json()["submissions"]
    assert mine in {s["id"] for s in everything}
    original = get(server.url, inbox.euracan, f"/submissions/{mine}/file")
    assert original.content == (FILES / "valid.ttl").read_bytes()


def test_submit_cli_waits_for_the_report(server: Server, inbox: Inbox) -> None:
    good = run_cli(
        "submit",
        str(FILES / "valid.ttl"),
        "--to",
        server.url,
        "--wait",
        env={"CANCERKG_TOKEN": inbox.euracan},
    )
    assert good.returncode == 0, good.stderr
    assert "valid" in good.stderr
    bad = run_cli(
        "submit", str(FILES / "invalid.ttl"), "--to", server.url, "--token", inbox.euracan, "--wait"
    )
    assert bad.returncode == 1 and "invalid" in bad.stderr
    outside = run_cli(
        "submit", str(FILES / "other-network.ttl"), "--to", server.url, "--token", inbox.euracan
    )
    assert outside.returncode == 2 and "403" in outside.stderr
    no_token = run_cli("submit", str(FILES / "valid.ttl"), "--to", server.url)
    assert no_token.returncode == 2 and "no token" in no_token.stderr


# --- pages ---------------------------------------------------------------------------------


def test_the_inbox_pages_sign_in_send_and_review(server: Server, inbox: Inbox) -> None:
    with httpx.Client(base_url=server.url, headers={"Accept": "text/html"}) as browser:
        assert "Your token" in browser.get("/inbox").text
        wrong = browser.post("/inbox/sign-in", data={"token": "ckg_nope"})
        assert wrong.status_code == 401
        browser.post("/inbox/sign-in", data={"token": inbox.euracan})
        page = browser.get("/inbox")
        assert "Signed in as" in page.text and "EURACAN office" in page.text
        origin = {"Origin": server.url}
        text = (FILES / "valid.ttl").read_text()
        sent = browser.post("/inbox", data={"text": text, "format": "auto"}, headers=origin)
        assert sent.status_code == 303
        location = sent.headers["location"]
        assert "Submission" in browser.get(location).text
        forged = browser.post(
            "/inbox", data={"text": text}, headers={"Origin": "https://evil.example"}
        )
        assert forged.status_code == 403
    with httpx.Client(base_url=server.url, headers={"Accept": "text/html"}) as reviewer:
        reviewer.post("/inbox/sign-in", data={"token": inbox.reviewer})
        identifier = location.rsplit("/", 1)[1]
        wait_for(lambda: status_of(inbox.store, identifier) != "validating")
        page = reviewer.get(location).text
        assert 'id="review"' in page and "What it changes" in page


# --- many at once ---------------------------------------------------------------------------


def test_concurrent_stewards_lose_nothing_and_one_reviewer_wins(
    server: Server, inbox: Inbox
) -> None:
    jobs = [(inbox.euracan, "valid.ttl")] * 6 + [(inbox.skin, "other-network.ttl")] * 6
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda job: send(server.url, *job), jobs))
    assert [a.status_code for a in answers] == [202] * 12
    ids = {a.json()["id"] for a in answers}
    assert len(ids) == 12
    for identifier in ids:
        settled(server.url, inbox.reviewer, identifier)
    target = sorted(ids)[0]
    path = f"{server.url}/submissions/{target}/accept"
    tokens = [inbox.reviewer, inbox.reviewer2]
    with ThreadPoolExecutor(max_workers=2) as pool:
        decisions = list(
            pool.map(lambda t: httpx.post(path, headers={"Authorization": f"Bearer {t}"}), tokens)
        )
    assert sorted(d.status_code for d in decisions) == [200, 409]
    with sqlite3.connect(database_path(inbox.store)) as db:
        decided = db.execute(
            "SELECT count(*) FROM events WHERE submission = ? AND status = 'accepted'", (target,)
        ).fetchone()[0]
    assert decided == 1


def test_a_spreadsheet_is_received_and_reported_by_row_and_column(
    server: Server, inbox: Inbox, tmp_path: Path
) -> None:
    """A network office sends its XLSX: stored as sent, mapped to RDF on receipt, its problems
    reported by sheet, row and column; accepted, it is published as the RDF it maps to."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "memberships"
    sheet.append(["institution", "network", "role", "start", "end", "source"])
    sheet.append(["eb-house-austria", "euracan", "full-member", "2025-01-01", "", SOURCE])
    good = tmp_path / "members.xlsx"
    book.save(good)
    sheet.append(["gustave-roussy", "euracan", "chief", "2025-13-01", "", SOURCE])
    bad = tmp_path / "members-bad.xlsx"
    book.save(bad)
    auth = {"Authorization": f"Bearer {inbox.euracan}"}

    def upload(path: Path) -> dict[str, object]:
        answer = httpx.post(
            server.url + "/submissions",
            files={"file": (path.name, path.read_bytes())},
            headers=auth,
            timeout=60,
        )
        assert answer.status_code == 202, answer.text
        return settled(server.url, inbox.euracan, answer.json()["id"])

    wrong = upload(bad)
    assert wrong["status"] == "invalid"
    problems = wrong["report"]["problems"]  # type: ignore[index]
    assert any(p["row"] == 3 and p["column"] == "start" for p in problems)
    assert any(p["row"] == 3 and p["column"] == "role" for p in problems)
    right = upload(good)
    assert right["status"] == "valid", right["report"]
    original = get(server.url, inbox.euracan, f"/submissions/{right['id']}/file")
    assert original.content == good.read_bytes()
    said = get(server.url, inbox.reviewer, f"/submissions/{right['id']}/changes").json()
    assert any("EURACAN" in s["text"] for s in said["sentences"]), said
    unreadable = httpx.post(
        server.url + "/submissions",
        files={"file": ("members.xlsx", b"PK\x03\x04 not really a workbook")},
        headers=auth,
    )
    assert unreadable.status_code == 400


SOURCE = "https://example.org/euracan-members-2025"

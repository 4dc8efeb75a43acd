"""Nothing lost: the server is killed with SIGKILL (with its workers and publisher) at every
step of a submission's way, and restarted. Every submission that got a 202 is still there in a
consistent state, and the store serves either the old release or the new one, whole."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from cancerkg.store.releases import RELEASES, TMP_PREFIX, current_release
from cancerkg.submissions.accepted import accepted_folder
from cancerkg.submissions.inbox import ACCEPTED, decide, get_submission
from cancerkg.submissions.tokens import authenticate
from cancerkg.testing import run_cli
from submissions_support import (
    Inbox,
    Server,
    all_ids,
    make_inbox,
    send,
    status_of,
    wait_for,
)

SETTLED = {"valid", "invalid", "failed", "accepted", "rejected", "published"}
MEMBER = "/id/membership/euracan--eb-house-austria"


@pytest.fixture
def inbox(tmp_path: Path) -> Inbox:
    return make_inbox(tmp_path / "store")


def many_memberships(count: int) -> bytes:
    """A large, valid EURACAN submission, so its validation takes a while."""
    lines = [
        "@prefix org: <http://www.w3.org/ns/org#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
    ]
    for n in range(count):
        lines.append(
            f"<https://w3id.org/cancerkg/id/membership/euracan--crash-test-{n}> a org:Membership ;"
            f" org:member <https://w3id.org/cancerkg/id/organisation/eb-house-austria> ;"
            " org:organization <https://w3id.org/cancerkg/id/network/euracan> ;"
            " org:role <https://w3id.org/cancerkg/id/role/full-member> ;"
            " dcterms:source <https://example.org/list> ."
        )
    return "\n".join(lines).encode()


def release_is_whole(store: Path) -> str:
    """The current release opens and answers; its fingerprint."""
    release = current_release(store)
    assert release is not None
    stats = run_cli("stats", "--store", str(store), "--json")
    assert stats.returncode == 0, stats.stderr
    return release.fingerprint


def test_kill_after_receipt_keeps_the_submission(inbox: Inbox) -> None:
    server = Server(inbox.store)
    ids = [send(server.url, inbox.euracan, "valid.ttl").json()["id"] for _ in range(5)]
    server.kill()
    assert set(ids) <= all_ids(inbox.store)
    restarted = Server(inbox.store)
    try:
        for identifier in ids:
            wait_for(lambda i=identifier: status_of(inbox.store, i) == "valid")
    finally:
        restarted.stop()


def test_kill_during_validation_validates_again_after_restart(inbox: Inbox) -> None:
    server = Server(inbox.store)
    answer = send(server.url, inbox.euracan, "", body=many_memberships(400))
    assert answer.status_code == 202
    identifier = answer.json()["id"]
    wait_for(lambda: status_of(inbox.store, identifier) == "validating", seconds=60)
    server.kill()
    assert status_of(inbox.store, identifier) in {"validating", "valid"}
    restarted = Server(inbox.store)
    try:
        wait_for(lambda: status_of(inbox.store, identifier) in SETTLED)
        assert status_of(inbox.store, identifier) == "valid"
    finally:
        restarted.stop()


def test_a_crash_between_review_and_file_is_mended(inbox: Inbox) -> None:
    """The on-disk state a kill leaves between the review's commit and the source file's
    rename: accepted in the database, no file. The next start writes it and publishes."""
    server = Server(inbox.store)
    identifier = send(server.url, inbox.euracan, "valid.ttl").json()["id"]
    wait_for(lambda: status_of(inbox.store, identifier) == "valid")
    server.kill()
    decide(inbox.store, identifier, authenticate(inbox.store, inbox.reviewer), ACCEPTED, "ok")
    assert not (accepted_folder(inbox.store) / f"{identifier}.ttl").exists()
    restarted = Server(inbox.store)
    try:
        wait_for(lambda: status_of(inbox.store, identifier) == "published")
        assert (accepted_folder(inbox.store) / f"{identifier}.ttl").is_file()
        wait_for(
            lambda: httpx.get(restarted.url + MEMBER, headers={"Accept": "text/turtle"}).is_success
        )
    finally:
        restarted.stop()


def test_kill_during_publish_leaves_a_whole_release_and_publishes_after_restart(
    inbox: Inbox,
) -> None:
    before = release_is_whole(inbox.store)
    server = Server(inbox.store)
    identifier = send(server.url, inbox.euracan, "valid.ttl").json()["id"]
    wait_for(lambda: status_of(inbox.store, identifier) == "valid")
    accepted = httpx.post(
        f"{server.url}/submissions/{identifier}/accept",
        headers={"Authorization": f"Bearer {inbox.reviewer}"},
    )
    assert accepted.status_code == 200
    releases = inbox.store / RELEASES
    wait_for(lambda: any(p.name.startswith(TMP_PREFIX) for p in releases.iterdir()), seconds=60)
    server.kill()
    assert release_is_whole(inbox.store) == before  # the half-built release was never published
    assert get_submission(inbox.store, identifier).status == "accepted"
    restarted = Server(inbox.store)
    try:
        wait_for(lambda: status_of(inbox.store, identifier) == "published")
        assert release_is_whole(inbox.store) != before
        wait_for(
            lambda: httpx.get(restarted.url + MEMBER, headers={"Accept": "text/turtle"}).is_success
        )
    finally:
        restarted.stop()


def test_two_acceptances_build_one_release_after_another(inbox: Inbox) -> None:
    server = Server(inbox.store)
    try:
        first = send(server.url, inbox.euracan, "valid.ttl").json()["id"]
        second = send(server.url, inbox.euracan, "new-hospital.ttl").json()["id"]
        for identifier in (first, second):
            wait_for(lambda i=identifier: status_of(inbox.store, i) == "valid")
        for identifier, token in ((first, inbox.reviewer), (second, inbox.reviewer2)):
            answer = httpx.post(
                f"{server.url}/submissions/{identifier}/accept",
                headers={"Authorization": f"Bearer {token}"},
            )
            assert answer.status_code == 200
        for identifier in (first, second):
            wait_for(lambda i=identifier: status_of(inbox.store, i) == "published")
        graphs = {s.graph for s in current_release(inbox.store).manifest().sources}  # type: ignore[union-attr]
        assert {
            f"https://w3id.org/cancerkg/graph/submissions/{i}" for i in (first, second)
        } <= graphs
    finally:
        server.stop()
    runs = run_cli("publish", "--store", str(inbox.store))
    assert runs.returncode == 0 and "up to date" in runs.stderr


def test_a_failed_publication_is_shown_and_loses_nothing(inbox: Inbox) -> None:
    """A broken accepted file (a hand edit, a bad disk) stops the build: the release stays, the
    next accepted submission waits, and its page says why."""
    server = Server(inbox.store)
    auth = {"Authorization": f"Bearer {inbox.reviewer}"}
    try:
        first = send(server.url, inbox.euracan, "valid.ttl").json()["id"]
        wait_for(lambda: status_of(inbox.store, first) == "valid")
        httpx.post(f"{server.url}/submissions/{first}/accept", headers=auth)
        wait_for(lambda: status_of(inbox.store, first) == "published")
        before = release_is_whole(inbox.store)
        broken = accepted_folder(inbox.store) / f"{first}.ttl"
        broken.write_text(broken.read_text() + "\nthis is not turtle\n")
        second = send(server.url, inbox.euracan, "new-hospital.ttl").json()["id"]
        wait_for(lambda: status_of(inbox.store, second) == "valid")
        httpx.post(f"{server.url}/submissions/{second}/accept", headers=auth)

        def shown() -> bool:
            found = httpx.get(f"{server.url}/submissions/{second}", headers=auth).json()
            return (found.get("publication") or {}).get("outcome") == "failed"

        wait_for(shown)
        found = httpx.get(f"{server.url}/submissions/{second}", headers=auth).json()
        assert f"{first}.ttl" in found["publication"]["detail"]
        assert found["status"] == "accepted"
        assert release_is_whole(inbox.store) == before
    finally:
        server.stop()

"""The service's background work for the inbox: validate what arrives, publish what reviewers
accept, and switch to each new release without stopping.

- Validation runs in the query workers under CANCERKG_VALIDATION_TIMEOUT, like POST /validate.
  At start-up every submission still `received` or `validating` (a crash stopped it) is
  validated again.
- Publishing runs `cancerkg publish` in a child process: the build is long and memory-hungry,
  and a crash of either process leaves the current release serving (the build publishes
  atomically; the next publisher mends the inbox's records).
- Every few seconds the `current` link of the store is read; when a build (ours or
  `cancerkg build` run by hand) has moved it, a new store and worker pool are opened and swapped
  in, and the old ones are closed once requests still using them have had their time limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from cancerkg.endpoint.workers import QueryRunner, start_runner
from cancerkg.errors import CancerKGError
from cancerkg.settings import Settings
from cancerkg.sheets.checking import sheet_report_json
from cancerkg.sheets.workbook import is_spreadsheet
from cancerkg.store.open import open_store
from cancerkg.store.protocol import Store
from cancerkg.store.releases import current_release
from cancerkg.submissions import inbox
from cancerkg.submissions.accepted import submission_triples
from cancerkg.validation.report import as_json
from cancerkg.web.validating import validate_sheet_with, validate_with

logger = logging.getLogger("cancerkg.inbox")
WATCH_SECONDS = 2.0


class InboxWorker:
    """Background tasks of one app; `wake_validation` / `wake_publisher` nudge them."""

    def __init__(self, app: FastAPI, settings: Settings, *, swap_releases: bool) -> None:
        self.app = app
        self.settings = settings
        self.store_dir = settings.store_dir
        self.swap_releases = swap_releases
        self._validate = asyncio.Event()
        self._publish = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._serving = self._current_target()
        self._publisher: asyncio.subprocess.Process | None = None
        self._retiring: list[tuple[Store, QueryRunner]] = []

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._validation_loop()),
            asyncio.create_task(self._publish_loop()),
        ]
        if self.swap_releases:
            self._tasks.append(asyncio.create_task(self._watch_loop()))
        try:
            waiting = await run_in_threadpool(inbox.accepted_unpublished, self.store_dir)
        except CancerKGError as error:  # e.g. a read-only store: serving goes on, writes fail
            logger.warning("submissions are unavailable: %s", error.message)
            return
        self.wake_validation()
        if waiting:
            self.wake_publisher()

    def wake_validation(self) -> None:
        self._validate.set()

    def wake_publisher(self) -> None:
        self._publish.set()

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._publisher is not None and self._publisher.returncode is None:
            self._publisher.terminate()  # a killed build leaves the current release as it was
            await self._publisher.wait()
        for store, runner in self._retiring:
            await runner.close()
            store.close()
        self._retiring.clear()

    async def _validation_loop(self) -> None:
        while True:
            await self._validate.wait()
            self._validate.clear()
            for identifier in await run_in_threadpool(inbox.claim_for_validation, self.store_dir):
                await self._validate_one(identifier)

    async def _validate_one(self, identifier: str) -> None:
        try:
            submission = await run_in_threadpool(inbox.get_submission, self.store_dir, identifier)
            if is_spreadsheet(submission.filename, submission.media_type):
                conforms, report = await self._check_sheet(submission)
            else:
                triples = await run_in_threadpool(submission_triples, self.store_dir, submission)
                checked = await validate_with(self.app.state.runner, self.settings, triples)
                conforms, report = checked.conforms(), as_json(checked)
        except CancerKGError as error:
            await run_in_threadpool(inbox.record_failure, self.store_dir, identifier, error.message)
            return
        await run_in_threadpool(inbox.record_report, self.store_dir, identifier, conforms, report)

    async def _check_sheet(self, submission: inbox.Submission) -> tuple[bool, dict[str, Any]]:
        """A spreadsheet's report by sheet, row and column, as POST /validate gives it."""
        body = await run_in_threadpool(inbox.submission_body, self.store_dir, submission.id)
        report, _ = await validate_sheet_with(
            self.app.state.runner,
            self.settings,
            body,
            submission.filename,
            submission.media_type,
            False,
        )
        return report.conforms(), sheet_report_json(report)

    async def _publish_loop(self) -> None:
        while True:
            await self._publish.wait()
            self._publish.clear()
            await self._run_publisher()
            await self.swap_if_new()

    async def _run_publisher(self) -> None:
        command = [sys.executable, "-m", "cancerkg", "publish", "--store", str(self.store_dir)]
        self._publisher = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
        output, _ = await self._publisher.communicate()
        text = output.decode("utf-8", errors="replace").strip()
        if self._publisher.returncode == 0:
            logger.info("publish: %s", text)
        else:
            logger.error("publish failed (exit %s): %s", self._publisher.returncode, text)

    async def _watch_loop(self) -> None:
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            await self.swap_if_new()

    async def swap_if_new(self) -> None:
        """Serve the release `current` points at, if it is not the one being served."""
        target = self._current_target()
        if not self.swap_releases or target is None or target == self._serving:
            return
        try:
            store = await run_in_threadpool(open_store, self.settings)
            runner = await start_runner(self.settings)
        except CancerKGError as error:
            logger.error("cannot open the new release %s: %s", target, error.message)
            return
        old_store, old_runner = self.app.state.store, self.app.state.runner
        self.app.state.store, self.app.state.runner = store, runner
        self.app.state.release = None
        self._serving = target
        logger.info("now serving release %s", target)
        self._retiring.append((old_store, old_runner))
        self._tasks.append(asyncio.create_task(self._retire((old_store, old_runner))))

    async def _retire(self, retired: tuple[Store, QueryRunner]) -> None:
        """Close what the previous release used once requests that hold it have finished."""
        await asyncio.sleep(max(self.settings.query_timeout, self.settings.validation_timeout) + 1)
        self._retiring.remove(retired)
        await retired[1].close()
        retired[0].close()

    def _current_target(self) -> str | None:
        release = current_release(self.store_dir)
        return str(release.path) if release is not None else None

"""How the service is served: uvicorn on uvloop with the httptools parser, a limit on the
request head, and a deadline for it.

httptools (llhttp, C) and uvloop (libuv) answer 35 % more small requests a second than uvicorn's
pure-Python h11 parser on asyncio's loop (bench/RESULTS.md, "SPARQL endpoint over HTTP"). On a
platform without uvloop, asyncio's loop serves.

A client that opens a connection and sends its request head slowly (or never) held a server
connection for as long as it liked: uvicorn times out idle keep-alive connections only after a
response. Here the first request's head must arrive within CANCERKG_HEADER_TIMEOUT seconds
(default 10) or the connection gets 408 and is closed. httptools buffers a head of any size, so a
head over 4 MiB gets 431 and the connection is closed. Its URL parser cannot read a URL over
64 KiB: such a request gets 414 JSON saying to send the query with POST (the SPARQL protocol's
way for long queries), not the bare 400 uvicorn would answer.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
from typing import Any

import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

ENV_HEADER_TIMEOUT = "CANCERKG_HEADER_TIMEOUT"
REQUEST_HEAD_LIMIT = 4 * 2**20  # bytes of request line and headers buffered
URL_LIMIT = 2**16 - 1  # httptools' URL parser keeps 16-bit offsets: a longer URL cannot be read
REASONS = {408: b"Request Timeout", 414: b"URI Too Long", 431: b"Request Header Fields Too Large"}


def serve(app: FastAPI, host: str, port: int) -> None:
    """Run `app` until interrupted."""
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        http=HeadLimitProtocol,
        loop="uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
        timeout_keep_alive=5,
    )


class HeadLimitProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, closing a connection whose first request head is late or
    whose request head is too large."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.head_timeout = float(os.environ.get(ENV_HEADER_TIMEOUT) or 10)
        self.head_deadline: asyncio.TimerHandle | None = None
        self.head_complete = False
        self.head_bytes = 0
        self.refused = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.head_deadline = self.loop.call_later(self.head_timeout, self.head_too_late)

    def data_received(self, data: bytes) -> None:
        if self.refused:
            return
        if not self.head_complete:
            self.head_bytes += len(data)
            if self.head_bytes > REQUEST_HEAD_LIMIT:
                self.refuse(431, f"the request head is over {REQUEST_HEAD_LIMIT // 2**20} MiB")
                return
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.head_complete = False
        self.head_bytes = 0

    def on_headers_complete(self) -> None:
        self.head_complete = True
        self.cancel_deadline()
        if len(self.url) > URL_LIMIT:
            detail = (
                f"the request URL is over {URL_LIMIT:,} bytes; send a long query with POST "
                "(application/sparql-query, or a form with query=...)"
            )
            self.refuse(414, detail)
            return
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self.refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self.refused:
            super().on_message_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self.cancel_deadline()
        super().connection_lost(exc)

    def cancel_deadline(self) -> None:
        if self.head_deadline is not None:
            self.head_deadline.cancel()
            self.head_deadline = None

    def head_too_late(self) -> None:
        """408: the head did not arrive in time (only while no request is under way)."""
        self.head_deadline = None
        if self.head_complete or self.transport.is_closing():
            return
        self.refuse(408, f"the request head did not arrive within {self.head_timeout:g} s")

    def refuse(self, status: int, detail: str) -> None:
        """Answer `status` with the service's JSON error and close the connection."""
        self.refused = True
        self.cancel_deadline()
        if self.transport.is_closing():
            return
        body = json.dumps({"error": REASONS[status].decode().lower(), "detail": detail}).encode()
        head = (
            b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\nconnection: close\r\n"
            b"content-length: %d\r\n\r\n" % (status, REASONS[status], len(body))
        )
        self.transport.write(head + body)
        self.transport.close()

"""How the service is served: uvicorn with its h11 parser, limits on the request head, and a
deadline for it.

A client that opens a connection and sends its request head slowly (or never) held a server
connection for as long as it liked: uvicorn times out idle keep-alive connections only after a
response. Here the first request's head must arrive within CANCERKG_HEADER_TIMEOUT seconds
(default 10) or the connection gets 408 and is closed. A long request line is buffered up to
4 MiB, so a long GET query reaches the endpoint, which answers 413 JSON.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from typing import Any

import h11
import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.h11_impl import H11Protocol

ENV_HEADER_TIMEOUT = "CANCERKG_HEADER_TIMEOUT"
REQUEST_HEAD_LIMIT = 4 * 2**20  # bytes of request line and headers buffered


def serve(app: FastAPI, host: str, port: int) -> None:
    """Run `app` until interrupted."""
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        http=HeadDeadlineProtocol,
        h11_max_incomplete_event_size=REQUEST_HEAD_LIMIT,
        timeout_keep_alive=5,
    )


class HeadDeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose first request head is late."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.head_timeout = float(os.environ.get(ENV_HEADER_TIMEOUT) or 10)
        self.head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.head_deadline = self.loop.call_later(self.head_timeout, self.head_too_late)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.cycle is not None:  # the head has arrived and a request is under way
            self.cancel_deadline()

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
        if self.cycle is not None or self.transport.is_closing():
            return
        if self.conn.our_state is h11.IDLE:
            headers = [(b"content-type", b"application/json"), (b"connection", b"close")]
            body = (
                b'{"error":"request timeout","detail":"the request head did not arrive within '
                + f"{self.head_timeout:g}".encode()
                + b' s"}'
            )
            with contextlib.suppress(h11.LocalProtocolError):
                self.transport.write(
                    self.conn.send(h11.Response(status_code=408, headers=headers))
                    + (self.conn.send(h11.Data(data=body)) or b"")
                    + (self.conn.send(h11.EndOfMessage()) or b"")
                )
        self.transport.close()

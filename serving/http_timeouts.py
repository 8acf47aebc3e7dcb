"""uvicorn's HTTP protocols with deadlines on slow clients (uvicorn has none: a client sending one header byte
at a time, slowloris, kept a connection and its memory for as long as it liked).

Headers: a timer starts when a connection opens and when the first byte of each later request arrives; it
stops when the request's headers are complete. When it fires, a client that sent part of a request gets a
JSON 408 and the connection is closed; one that sent nothing is closed (as the keep-alive timeout does). A
response still in progress on that connection (pipelining) is finished first, then the connection closes.

Bodies: while a request body is arriving, a pause longer than the body idle timeout ends the connection
after the response (when the app is waiting for the body, its BodyIdleTimeout, serving/middleware_limits.py,
answers a JSON 408 first). Once the response is out, what is left of a body nobody reads must arrive within
that timeout, pauses or not: uvicorn discards it as it comes, and every byte of a trickle used to restart
its keep-alive timer, holding the connection forever.

Errors uvicorn answers itself before the app runs (a malformed request) are JSON too.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

DEFAULT_HEADER_TIMEOUT_SECONDS = 10.0
DEFAULT_BODY_IDLE_TIMEOUT_SECONDS = 30.0


def raw_json_response(status_line: bytes, detail: str) -> bytes:
    body = json.dumps({"detail": detail}).encode()
    return (status_line + b"\r\ncontent-type: application/json\r\ncontent-length: " + str(len(body)).encode()
            + b"\r\nconnection: close\r\n\r\n" + body)


SLOW_HEADERS = raw_json_response(
    b"HTTP/1.1 408 Request Timeout",
    "The request headers did not arrive in time: send the whole request at once, and check the network.")


class Deadlines:
    """The timers, shared by both protocol classes below (they set `transport`, `loop`, `config` and `cycle`)."""

    transport: asyncio.Transport
    loop: asyncio.AbstractEventLoop
    config: Any
    cycle: Any
    _header_timer: asyncio.TimerHandle | None = None
    _request_begun = False
    _body_timer: asyncio.TimerHandle | None = None
    _body_seen = 0.0  # loop time of the body's last bytes

    def _arm_header_deadline(self) -> None:
        if self._header_timer is None and not self.transport.is_closing():
            seconds = getattr(self.config, "header_timeout", DEFAULT_HEADER_TIMEOUT_SECONDS)
            self._header_timer = self.loop.call_later(seconds, self._header_deadline_passed)

    def _disarm_header_deadline(self) -> None:
        self._request_begun = False
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _header_deadline_passed(self) -> None:
        self._header_timer = None
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.keep_alive = False  # finish the response under way, then close
            return
        if self._request_begun:
            self.transport.write(SLOW_HEADERS)
        self.transport.close()

    def _body_arrived(self) -> None:
        self._body_seen = self.loop.time()
        if self._body_timer is None and not self.transport.is_closing():
            self._body_timer = self.loop.call_later(self._body_idle_seconds(), self._body_pause_check)

    def _body_done(self) -> None:
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None

    def _body_idle_seconds(self) -> float:
        return getattr(self.config, "body_idle_timeout", DEFAULT_BODY_IDLE_TIMEOUT_SECONDS)

    def _body_pause_check(self) -> None:
        # One timer per body, pushed back by the time since the last bytes (no timer per chunk).
        self._body_timer = None
        paused = self.loop.time() - self._body_seen
        if paused < self._body_idle_seconds():
            self._body_timer = self.loop.call_later(self._body_idle_seconds() - paused, self._body_pause_check)
        elif self.transport.is_closing():
            return
        elif self.cycle is None or self.cycle.response_complete:
            self.transport.close()
        else:
            self.cycle.keep_alive = False

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        if self._body_timer is not None and not self.transport.is_closing():
            # The answer is out and the body is not: the rest may come within the idle timeout, with pauses or
            # without, then the connection ends (a steady trickle would otherwise hold it forever).
            self._body_timer.cancel()
            self._body_timer = self.loop.call_later(self._body_idle_seconds(), self._drain_deadline)

    def _drain_deadline(self) -> None:
        self._body_timer = None
        if not self.transport.is_closing():
            self.transport.close()

    def send_400_response(self, msg: str) -> None:
        self.transport.write(raw_json_response(
            b"HTTP/1.1 400 Bad Request", "The request is not valid HTTP/1.1: check what the client sends."))
        self.transport.close()


try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools is optional (uvicorn[standard]); h11 is always there
    HttpToolsProtocol = None  # type: ignore[assignment,misc]
else:

    class HttpToolsWithDeadlines(Deadlines, HttpToolsProtocol):
        """httptools tells us where a request begins, where its headers end, and where its body does."""

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm_header_deadline()

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._request_begun = True
            self._arm_header_deadline()  # no-op for the first request: armed at connection_made

        def on_headers_complete(self) -> None:
            self._disarm_header_deadline()
            self._body_arrived()  # cancelled at once by on_message_complete when there is no body
            super().on_headers_complete()

        def on_body(self, body: bytes) -> None:
            self._body_arrived()
            super().on_body(body)

        def on_message_complete(self) -> None:
            self._body_done()
            super().on_message_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm_header_deadline()
            self._body_done()
            super().connection_lost(exc)


class H11WithDeadlines(Deadlines, H11Protocol):
    """h11 buffers a request until its headers are complete: the client's state tells whether they are, and
    whether a body is still coming."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_deadline()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        state = self.conn.their_state
        if state is h11.IDLE:  # still waiting for (the rest of) a request's headers
            self._request_begun = self._request_begun or bool(self.conn.trailing_data[0])
            self._arm_header_deadline()
        else:
            self._disarm_header_deadline()
        if state is h11.SEND_BODY:
            self._body_arrived()
        else:
            self._body_done()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_deadline()
        self._body_done()
        super().connection_lost(exc)


def protocol_class(name: str = "auto") -> type[asyncio.Protocol]:
    """The protocol for uvicorn's `http=`: "httptools", "h11", or "auto" (httptools when installed)."""
    if name == "h11" or (name == "auto" and HttpToolsProtocol is None):
        return H11WithDeadlines
    if HttpToolsProtocol is None:
        raise SystemExit("httptools is not installed: use --http h11 (or install uvicorn[standard]).")
    return HttpToolsWithDeadlines

"""Request limits: a per-key token bucket (rate limit with Retry-After), a request body size cap and an idle
timeout between body chunks.

The rate-limit counters live in each worker's memory, not in Postgres: a shared counter would cost a
write per request on the same 2 cores that serve the reads, while the limit exists to stop floods, where
being off by a worker's share does not matter. Each worker keeps 1/WEB_CONCURRENCY of the rate, so N
workers together allow about the configured rate (requests are spread over workers by the kernel).
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Routes that take large bodies and enforce their own limit (the IES upload streams to disk, capped there).
OWN_BODY_LIMIT = {("POST", "/api/v1/ies")}


class BodyTooLarge(HTTPException):
    # An HTTPException, so that FastAPI's body parsing passes it on as a 413 instead of a 400.
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than {limit} bytes: send less "
                              "(IES statements go to POST /api/v1/ies, which takes files).")


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets keyed by caller: `rate` tokens a second, at most `burst` saved up."""

    MAX_BUCKETS = 100_000  # bounded memory under a flood of distinct keys

    def __init__(self, per_minute: int, burst: int, workers: int = 1) -> None:
        workers = max(1, workers)
        self.rate = per_minute / 60 / workers
        self.burst = max(1.0, burst / workers)
        self._buckets: dict[str, _Bucket] = {}

    def take(self, key: str, now: float | None = None) -> float:
        """0 when the request may go on, else the seconds to wait before the next one would."""
        now = time.monotonic() if now is None else now
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.MAX_BUCKETS:
                self._forget_full(now)
            bucket = self._buckets[key] = _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate if self.rate > 0 else 3600.0

    def _forget_full(self, now: float) -> None:
        # A bucket that has refilled is the same as no bucket: drop those (or, failing that, everything).
        full = [k for k, b in self._buckets.items() if b.tokens + (now - b.updated) * self.rate >= self.burst]
        for key in full or list(self._buckets):
            del self._buckets[key]


def retry_after_header(wait: float) -> str:
    return str(max(1, math.ceil(wait)))


class BodySizeLimit:
    """413 for a body over `limit` bytes, by Content-Length up front or by counting a chunked body."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (scope["method"], scope["path"].rstrip("/")) in OWN_BODY_LIMIT:
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await self._reject(send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._reject(send)

    async def _reject(self, send: Send) -> None:
        body = json.dumps({"detail": BodyTooLarge(self.limit).detail}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


class BodyStalled(HTTPException):
    # An HTTPException, so that FastAPI's body parsing passes it on (as a 408) instead of answering 400.
    def __init__(self, seconds: float) -> None:
        super().__init__(408, f"The request body stopped arriving for {seconds:g} s: send it without pauses, "
                              "and check the network.", headers={"Connection": "close"})


class BodyIdleTimeout:
    """408 (and the connection closed) when a request body stops arriving for `seconds`: a client that trickles
    its body, or stalls halfway, would otherwise hold a worker's task, its buffers and maybe a pool connection.

    Only the reading of the body is timed: once its last chunk is in, `receive` is passed through untouched
    (streaming responses wait on it for the client to disconnect, for as long as they stream).
    """

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body_done = False
        started = False

        async def timed_receive() -> Message:
            nonlocal body_done
            if body_done:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.seconds)
            except TimeoutError:
                raise BodyStalled(self.seconds) from None
            body_done = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, timed_receive, tracking_send)
        except BodyStalled as stalled:
            # Raised where the app's exception handlers do not reach (a middleware reading the body).
            if started:
                raise  # too late for a 408: uvicorn closes the connection
            body = json.dumps({"detail": stalled.detail}).encode()
            await send({"type": "http.response.start", "status": 408,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
            await send({"type": "http.response.body", "body": body})

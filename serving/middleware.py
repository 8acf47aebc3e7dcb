"""Request id, access log, metrics, security headers and the audit of uploads and downloads, in one pure ASGI
middleware (BaseHTTPMiddleware would cost a task and a copy of every response).

An incoming X-Request-ID is kept when it is short and plain (letters, digits, . _ -), else replaced, so a
caller cannot inject log lines or huge headers; the id goes back in the response and into every log line.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from serving import metrics
from serving.auth_audit import INSERT_AUDIT, audit_params

log = logging.getLogger("brainops.api.access")
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
# (method, route template) -> audit action; the document comes from the path, or the upload's Location.
AUDITED = {
    ("POST", "/api/v1/ies"): "ies.upload",
    ("GET", "/api/v1/ies/{document_id}/report.xlsx"): "ies.download",
    ("GET", "/api/v1/ies/{document_id}/report.csv"): "ies.download",
}


def request_id_of(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            if SANE_REQUEST_ID.match(candidate):
                return candidate
            break
    return uuid.uuid4().hex


class Observability:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = request_id_of(scope)
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        status = 500
        location = b""
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            nonlocal status, location
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                location = next((v for k, v in headers if k.lower() == b"location"), b"")
                present = {k.lower() for k, _ in headers}
                headers.append((b"x-request-id", request_id.encode()))
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                if https:
                    headers.append(HSTS)
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            seconds = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "<unmatched>"
            metrics.observe(scope["method"], route, status, seconds)
            caller = state.get("caller")
            log.info("request", extra={
                "request_id": request_id, "method": scope["method"], "route": route, "path": scope["path"],
                "status": status, "ms": round(seconds * 1000, 2), "caller": caller.owner if caller else None,
            })
        action = AUDITED.get((scope["method"], route))
        if action and status < 400:
            await self._audit(scope, action, caller, location.decode("latin-1"))

    async def _audit(self, scope: Scope, action: str, caller, location: str) -> None:
        target = scope.get("path_params", {}).get("document_id") or location.rstrip("/").rsplit("/", 1)[-1] or None
        try:
            async with scope["app"].state.pool.connection() as conn:
                await conn.execute(INSERT_AUDIT, audit_params(
                    scope, actor=caller.owner if caller else None, action=action, target=target,
                    detail={"route": scope.get("route").path, "key": caller.api_key_id if caller else None}))
        except Exception:  # the response is out already; a lost audit row is logged, not raised
            log.exception("audit row not written", extra={"action": action, "target": target})

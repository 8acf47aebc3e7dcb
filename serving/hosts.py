"""The Host header is checked against ALLOWED_HOSTS (Starlette's TrustedHostMiddleware), answering a refusal
in JSON like every other error. Absolute URLs never come from the Host header anyway (serving/urls.py); the
check keeps a request for another name (DNS rebinding, a stray virtual host) from being served at all."""

from __future__ import annotations

from starlette._utils import parse_host_header
from starlette.datastructures import Headers
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send


def allowed_hosts(setting: str) -> list[str]:
    return [h.strip() for h in setting.split(",") if h.strip()]


class TrustedHosts(TrustedHostMiddleware):
    def __init__(self, app: ASGIApp, hosts: list[str]) -> None:
        super().__init__(app, allowed_hosts=hosts, www_redirect=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.allow_any or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        parsed = parse_host_header(Headers(scope=scope).get("host"))
        host = parsed.host.lower() if parsed else None
        if host is not None and any(host == p or (p.startswith("*") and host.endswith(p[1:]))
                                    for p in self.allowed_hosts):
            await self.app(scope, receive, send)
            return
        detail = ("This server does not answer to that Host: use one of ALLOWED_HOSTS "
                  "(the server's administrator can add the name there).")
        await JSONResponse({"detail": detail}, status_code=400)(scope, receive, send)

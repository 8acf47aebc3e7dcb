"""Errors no route answers itself, in JSON like every other answer of the API (never a bare text 500).

- The database is unreachable (no pooled connection within API_POOL_TIMEOUT_SECONDS, a connection lost, the
  server shutting down or refusing connections): 503 with Retry-After. The pool reconnects by itself, so the
  same request succeeds once the database is back.
- Anything else unexpected: 500 with the request id, which the log line carrying the traceback also has.
"""

from __future__ import annotations

import logging

import psycopg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

log = logging.getLogger("brainops.api.errors")
RETRY_AFTER_SECONDS = 5


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    # psycopg_pool's PoolTimeout and TooManyRequests, AdminShutdown, CannotConnectNow, lost connections: all
    # OperationalError. The reason goes to the log, not to the client (it names hosts and sockets).
    rid = _request_id(request)
    log.warning("database unavailable", extra={"request_id": rid, "error": type(exc).__name__,
                                               "reason": str(exc).strip()})
    return JSONResponse({"detail": "The database is unavailable right now: try again in a few seconds (see "
                                   "Retry-After); if it lasts, tell the API's operator.", "request_id": rid},
                        status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


async def unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Starlette's ServerErrorMiddleware sends this instead of its text 500, then re-raises (uvicorn logs it too).
    rid = _request_id(request)
    log.error("unexpected error", exc_info=exc, extra={"request_id": rid, "path": request.url.path})
    return JSONResponse({"detail": "Something went wrong on our side: try again, and if it keeps failing, report "
                                   "the request_id to the API's operator.", "request_id": rid},
                        status_code=500, headers={"X-Request-ID": rid} if rid else None)


def install(app: FastAPI) -> None:
    app.add_exception_handler(psycopg.OperationalError, database_unavailable)
    app.add_exception_handler(Exception, unexpected)

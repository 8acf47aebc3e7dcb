"""The FastAPI app factory, served by `python -m serving.server` (serving/server.py: uvicorn with our timeouts)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from brainops.settings import get_settings
from brainops.warehouse.connection import warehouse_url
from serving import errors, metrics
from serving.auth import check_secrets
from serving.db import make_pool
from serving.deps import QuotaExceeded
from serving.embedding import embedder_for
from serving.hosts import TrustedHosts, allowed_hosts
from serving.logging_json import configure_logging
from serving.middleware import Observability
from serving.middleware_limits import BodyIdleTimeout, BodySizeLimit, RateLimiter
from serving.routes import (
    admin,
    auth,
    chat,
    customers,
    health,
    ies,
    notion_webhooks,
    openai_api,
    results,
    search,
    stripe_webhooks,
)


class ErrorBody(BaseModel):
    detail: Any  # a sentence saying what to do; FastAPI's validation errors are a list


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


# Answers any route may give, documented once so clients (and the schemathesis run) know their shape.
COMMON_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _error("The request could not be parsed, or its Host header is not one of ALLOWED_HOSTS."),
    401: _error("Missing, invalid, expired or revoked credentials."),
    403: _error("The credentials' role may not use this route."),
    404: _error("Not found, or not yours (the same answer, so ids do not leak)."),
    408: _error("The request body stopped arriving (API_BODY_IDLE_TIMEOUT_SECONDS); the connection is closed."),
    413: _error("The request body is too large."),
    422: _error("Invalid input: FastAPI's list of errors, or a sentence saying what to correct."),
    429: _error("Rate limit (see Retry-After) or monthly quota reached."),
    500: _error("An unexpected error; the body has the request_id to report."),
    503: _error("The data is not materialized yet, or a dependency (the database) is unavailable: see Retry-After."),
}


def create_app(database_url: str | None = None) -> FastAPI:
    settings = get_settings()
    check_secrets(settings)  # a short JWT_SECRET outside development, or no secret at all: stop before serving
    configure_logging()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = make_pool(database_url or warehouse_url(), max_size=settings.api_pool_max_size,
                         timeout=settings.api_pool_timeout_seconds,
                         connect_timeout=settings.api_db_connect_timeout_seconds)
        await pool.open(wait=True, timeout=30)
        app.state.pool = pool
        # The query embedder: shared by the process, loaded in the background (see serving/embedding.py).
        app.state.embedder = embedder_for(settings)
        app.state.embedder.warm_up()
        try:
            yield
        finally:
            await pool.close()

    app = FastAPI(
        title="BrainOps API",
        version="0.1.0",
        description="Search, chat and results from the assets the BrainOps pipelines materialize.",
        lifespan=lifespan,
    )
    app.state.rate_limiter = RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst,
                                         settings.web_concurrency)
    app.state.metrics_exporter = metrics.Exporter(app)
    # Outermost last: Observability sees every response (413s and CORS preflights too) to time, log and tag it.
    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes)
    app.add_middleware(BodyIdleTimeout, seconds=settings.api_body_idle_timeout_seconds)
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST", "DELETE"],
                           allow_headers=["Authorization", "X-API-Key", "Content-Type", "X-Request-ID"],
                           expose_headers=["X-Request-ID", "Retry-After", "Location"], max_age=600)
    app.add_middleware(TrustedHosts, hosts=allowed_hosts(settings.allowed_hosts))
    app.add_middleware(Observability)
    for module in (health, metrics, auth, admin, customers, results, ies, search, chat, openai_api, stripe_webhooks,
                   notion_webhooks):
        app.include_router(module.router, responses=COMMON_ERRORS)

    errors.install(app)

    @app.exception_handler(psycopg.errors.UndefinedTable)
    async def not_materialized(request: Request, exc: psycopg.errors.UndefinedTable) -> JSONResponse:
        return JSONResponse(
            {"detail": "This data has not been materialized yet: run `brainops materialize` (or `make run`)."},
            status_code=503,
        )

    # Values Postgres cannot take (a NUL character, an out-of-range number) come from the request: say so, no 500.
    @app.exception_handler(psycopg.errors.DataError)
    async def bad_value(request: Request, exc: psycopg.errors.DataError) -> JSONResponse:
        return JSONResponse({"detail": "A value in the request cannot be used (for example it holds a NUL character "
                                       "or is out of range): correct it and try again."}, status_code=422)

    @app.exception_handler(QuotaExceeded)
    async def quota_exceeded(request: Request, exc: QuotaExceeded) -> JSONResponse:
        return JSONResponse(
            {"detail": str(exc), "limit": exc.limit, "used": exc.used, "resets_at": exc.resets_at.isoformat(),
             "tier": exc.tier},
            status_code=429,
            headers={"Retry-After": str(max(1, int((exc.resets_at - datetime.now(UTC)).total_seconds())))},
        )

    return app

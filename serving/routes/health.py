"""Readiness: the database answers (within a bounded time) and its migrations are current.

The check takes a pooled connection with a deadline (API_POOL_TIMEOUT_SECONDS for the checkout, a second more
for the query), so with the database down /health answers 503 at once, saying what is down, instead of hanging.
"""

from __future__ import annotations

import asyncio
import logging

import psycopg
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from psycopg_pool import PoolTimeout

from brainops.modes import source_modes
from brainops.settings import get_settings
from brainops.warehouse.migrate import available

router = APIRouter(tags=["health"])
log = logging.getLogger("brainops.api.health")
APPLIED = "SELECT version FROM public.schema_migrations"
QUERY_SECONDS = 1.0  # for the query, once a connection is in hand


def _unreachable(what: str, exc: Exception) -> JSONResponse:
    # The client learns what is down; the reason (it names hosts and sockets) goes to the log only.
    log.warning("health: database unreachable", extra={"error": type(exc).__name__, "reason": str(exc).strip()})
    return JSONResponse({"status": "unavailable", "database": f"unreachable: {what}"}, 503)


@router.get("/health", summary="Database reachable, migrations current, and which sources are live or sample")
async def health(request: Request) -> JSONResponse:
    seconds = get_settings().api_pool_timeout_seconds
    try:
        async with asyncio.timeout(seconds + QUERY_SECONDS):
            async with request.app.state.pool.connection(timeout=seconds) as conn:
                cur = await conn.execute(APPLIED)
                applied = {row[0] for row in await cur.fetchall()}
    except (TimeoutError, PoolTimeout) as exc:
        return _unreachable(f"no answer within {seconds:g} s", exc)
    except psycopg.OperationalError as exc:  # refused, lost, shutting down
        return _unreachable(type(exc).__name__, exc)
    except psycopg.Error as exc:  # reachable, but the check failed (no migrations table yet, permissions)
        return JSONResponse({"status": "unavailable", "database": f"error: {type(exc).__name__}"}, 503)
    missing = [m.version for m in available() if m.version not in applied]
    settings = get_settings()
    body = {
        "status": "ok" if not missing else "degraded",
        "database": "ok",
        "migrations": "current" if not missing else f"pending: {missing}",
        # Sample mode said out loud: which sources read the generated business instead of a real account.
        "environment": settings.environment,
        "sources": source_modes(settings),
    }
    return JSONResponse(body, 200 if not missing else 503)

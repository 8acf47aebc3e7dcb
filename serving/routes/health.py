"""Liveness and readiness: the database answers and its migrations are current."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from brainops.warehouse.migrate import available
from serving.deps import DbDep

router = APIRouter(tags=["health"])


@router.get("/health", summary="Database reachable and migrations current")
async def health(conn: DbDep) -> JSONResponse:
    try:
        cur = await conn.execute("SELECT version FROM public.schema_migrations")
        applied = {row[0] for row in await cur.fetchall()}
    except Exception as exc:  # any database failure means not ready
        return JSONResponse({"status": "unavailable", "database": f"error: {exc.__class__.__name__}"}, 503)
    missing = [m.version for m in available() if m.version not in applied]
    body = {
        "status": "ok" if not missing else "degraded",
        "database": "ok",
        "migrations": "current" if not missing else f"pending: {missing}",
    }
    return JSONResponse(body, 200 if not missing else 503)

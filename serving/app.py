"""The FastAPI app factory: `uvicorn serving.app:create_app --factory`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from brainops.settings import get_settings
from brainops.warehouse.connection import warehouse_url
from serving.db import make_pool
from serving.embedding import embedder_for
from serving.routes import customers, health, ies, notion_webhooks, results, search, stripe_webhooks


def create_app(database_url: str | None = None) -> FastAPI:
    settings = get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = make_pool(database_url or warehouse_url(), max_size=settings.api_pool_max_size)
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
    app.include_router(health.router)
    app.include_router(customers.router)
    app.include_router(results.router)
    app.include_router(ies.router)
    app.include_router(search.router)
    app.include_router(stripe_webhooks.router)
    app.include_router(notion_webhooks.router)

    @app.exception_handler(psycopg.errors.UndefinedTable)
    async def not_materialized(request: Request, exc: psycopg.errors.UndefinedTable) -> JSONResponse:
        return JSONResponse(
            {"detail": "This data has not been materialized yet: run `brainops materialize` (or `make run`)."},
            status_code=503,
        )

    return app

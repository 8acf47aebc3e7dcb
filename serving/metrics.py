"""Prometheus metrics: GET /metrics.

Per request (recorded by serving/middleware.py): count and latency by method, route template and status.
At scrape time: the DB pool's use, LLM tokens and cost from app.llm_calls, and seconds since each
analytics asset's last materialization from Dagster's event storage (DAGSTER_PG_URL). The database
figures are cached for CACHE_SECONDS, so a scraper hammering /metrics costs two small queries at most.

With PROMETHEUS_MULTIPROC_DIR set (several uvicorn workers), request metrics are aggregated over workers
by prometheus-client's multiprocess mode; without it each worker reports its own.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any

import psycopg
from fastapi import APIRouter, Depends, Request, Response, Security
from fastapi.security import HTTPAuthorizationCredentials
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from serving.deps import SettingsDep, api_key_header, bearer, current_caller

log = logging.getLogger("brainops.api.metrics")
CACHE_SECONDS = 15.0
MULTIPROC = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

# Request metrics live in their own registry (not the global one), so building several apps in one process
# (tests) does not register them twice.
REQUEST_REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter("brainops_api_requests", "HTTP requests served, by route template and status.",
                   ["method", "route", "status"], registry=REQUEST_REGISTRY)
LATENCY = Histogram("brainops_api_request_duration_seconds", "Time to serve a request, by route template.",
                    ["method", "route", "status"], registry=REQUEST_REGISTRY,
                    buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))


def observe(method: str, route: str, status: int, seconds: float) -> None:
    labels = (method, route, str(status))
    REQUESTS.labels(*labels).inc()
    LATENCY.labels(*labels).observe(seconds)


@dataclass
class Snapshot:
    taken: float = 0.0
    llm: list[tuple[Any, ...]] = field(default_factory=list)
    marts: list[tuple[str, float]] = field(default_factory=list)
    dagster_up: bool = False


LLM_TOTALS = """SELECT provider, model, purpose, status, count(*), coalesce(sum(input_tokens), 0),
                       coalesce(sum(output_tokens), 0), coalesce(sum(cost_usd), 0)::float8
                FROM app.llm_calls GROUP BY provider, model, purpose, status"""
# Dagster keeps each asset's last materialization in asset_keys (naive UTC timestamps).
MART_AGES = """SELECT asset_key, extract(epoch FROM (now() AT TIME ZONE 'UTC') - last_materialization_timestamp)::float8
               FROM asset_keys
               WHERE asset_key LIKE '["analytics", %%' AND last_materialization_timestamp IS NOT NULL
                 AND (wipe_timestamp IS NULL OR wipe_timestamp < last_materialization_timestamp)"""


def dagster_dsn() -> str | None:
    """DAGSTER_PG_URL as psycopg takes it (Dagster's form names the SQLAlchemy driver); None when unset."""
    url = os.environ.get("DAGSTER_PG_URL")
    return url.replace("postgresql+psycopg2://", "postgresql://", 1) if url else None


class Exporter(Collector):
    """Collects the scrape-time figures from the app's pool and the latest Snapshot."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.snapshot = Snapshot()

    async def refresh(self) -> None:
        if time.monotonic() - self.snapshot.taken < CACHE_SECONDS and self.snapshot.taken:
            return
        fresh = Snapshot(taken=time.monotonic())
        try:
            async with self.app.state.pool.connection() as conn:
                cur = await conn.execute(LLM_TOTALS)
                fresh.llm = await cur.fetchall()
        except psycopg.OperationalError as exc:  # the database is away: still serve the request metrics
            log.warning("LLM totals unavailable", extra={"error": type(exc).__name__})
            fresh.llm = self.snapshot.llm
        dsn = dagster_dsn()
        if dsn:
            try:
                async with await psycopg.AsyncConnection.connect(dsn, connect_timeout=3, autocommit=True) as dconn:
                    cur = await dconn.execute(MART_AGES)
                    fresh.marts = [(_asset_name(key), age) for key, age in await cur.fetchall()]
                    fresh.dagster_up = True
            except psycopg.Error as exc:  # metrics must not fail because Dagster's storage is away
                log.warning("mart freshness unavailable: %s", exc.__class__.__name__)
        self.snapshot = fresh

    def collect(self) -> Iterator[GaugeMetricFamily]:
        pool = getattr(self.app.state, "pool", None)
        if pool is not None:
            stats = pool.get_stats()
            for name, help_text in (("pool_size", "Connections open in the API's pool."),
                                    ("pool_available", "Idle connections in the API's pool."),
                                    ("pool_max", "Largest size the API's pool may grow to."),
                                    ("requests_waiting", "Requests waiting for a pool connection.")):
                yield GaugeMetricFamily(f"brainops_db_{name}", help_text, value=stats.get(name, 0))
        labels = ["provider", "model", "purpose", "status"]
        calls = GaugeMetricFamily("brainops_llm_calls", "LLM calls recorded in app.llm_calls.", labels=labels)
        tokens = GaugeMetricFamily("brainops_llm_tokens", "LLM tokens used.", labels=[*labels, "direction"])
        cost = GaugeMetricFamily("brainops_llm_cost_usd", "LLM cost in US dollars.", labels=labels)
        for provider, model, purpose, status, count, tokens_in, tokens_out, usd in self.snapshot.llm:
            key = [provider, model, purpose, status]
            calls.add_metric(key, count)
            tokens.add_metric([*key, "input"], tokens_in)
            tokens.add_metric([*key, "output"], tokens_out)
            cost.add_metric(key, usd)
        yield from (calls, tokens, cost)
        yield GaugeMetricFamily("brainops_dagster_storage_up", "1 when Dagster's event storage answered.",
                                value=1 if self.snapshot.dagster_up else 0)
        ages = GaugeMetricFamily("brainops_mart_seconds_since_materialization",
                                 "Seconds since each analytics asset was last materialized.", labels=["mart"])
        for name, age in self.snapshot.marts:
            ages.add_metric([name], age)
        yield ages


def _asset_name(key: str) -> str:
    # '["analytics", "customers"]' -> 'customers'
    return key.strip("[]").split(",")[-1].strip().strip('"')


def exposition(exporter: Exporter) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    if MULTIPROC:
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest(REQUEST_REGISTRY)
    own = CollectorRegistry(auto_describe=False)
    own.register(exporter)
    return body + generate_latest(own)


async def metrics_access(
    request: Request,
    settings: SettingsDep,
    header_key: Annotated[str | None, Security(api_key_header)],
    bearer_key: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> None:
    """With METRICS_REQUIRE_KEY, /metrics takes the same credentials as the API (any role)."""
    if settings.metrics_require_key:
        async with request.app.state.pool.connection() as conn:
            await current_caller(request, conn, settings, header_key, bearer_key)


router = APIRouter(tags=["health"])


@router.get("/metrics", summary="Prometheus metrics (text exposition format)", response_class=Response,
            responses={200: {"content": {CONTENT_TYPE_LATEST.split(";")[0]: {}}}})
async def metrics(request: Request, _access: Annotated[None, Depends(metrics_access)]) -> Response:
    exporter: Exporter = request.app.state.metrics_exporter
    await exporter.refresh()
    return Response(exposition(exporter), media_type=CONTENT_TYPE_LATEST)

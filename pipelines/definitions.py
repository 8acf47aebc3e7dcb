"""The code location: gathers assets, resources, jobs, schedules and sensors. Touches no network or
database at import time."""

from __future__ import annotations

import os

import dagster as dg

from brainops.settings import get_settings
from pipelines.assets.centerpoint import centerpoint_raw
from pipelines.assets.dbt import analytics_dbt, analytics_stripe_incremental
from pipelines.assets.ies import ies_extractions
from pipelines.assets.notion import notion_raw
from pipelines.assets.rag import rag_chunks
from pipelines.assets.stripe import stripe_raw
from pipelines.checks.gx import GX_CHECKS
from pipelines.jobs import analytics_full_refresh, centerpoint_daily, materialize_all, stripe_hourly
from pipelines.resources.centerpoint import CenterPointResource
from pipelines.resources.dbt import dbt_resource
from pipelines.resources.embedder import EmbedderResource
from pipelines.resources.notion import NotionResource
from pipelines.resources.stripe import StripeResource
from pipelines.resources.warehouse import WarehouseResource
from pipelines.schedules import analytics_full_refresh_schedule, centerpoint_daily_schedule, stripe_hourly_schedule
from sensors import ALL_SENSORS


def _env(name: str) -> dg.EnvVar | str:
    """An EnvVar when the variable is set, else empty (the resource's own default applies)."""
    return dg.EnvVar(name) if os.environ.get(name) else ""


_retry_seconds = get_settings().source_retry_seconds  # how long each source request retries an outage

defs = dg.Definitions(
    assets=[
        centerpoint_raw,
        stripe_raw,
        notion_raw,
        ies_extractions,
        analytics_dbt,
        analytics_stripe_incremental,
        rag_chunks,
    ],
    asset_checks=GX_CHECKS,
    jobs=[materialize_all, centerpoint_daily, analytics_full_refresh, stripe_hourly],
    schedules=[centerpoint_daily_schedule, analytics_full_refresh_schedule, stripe_hourly_schedule],
    sensors=ALL_SENSORS,
    resources={
        "warehouse": WarehouseResource(database_url=_env("BRAINOPS_WAREHOUSE_URL")),
        "centerpoint": CenterPointResource(
            api_key=_env("CENTERPOINT_API_KEY"),
            base_url=_env("CENTERPOINT_BASE_URL"),
            auth_scheme=_env("CENTERPOINT_AUTH_SCHEME") or "Bearer",
            page_size=dg.EnvVar.int("CENTERPOINT_PAGE_SIZE") if os.environ.get("CENTERPOINT_PAGE_SIZE") else 100,
            retry_seconds=_retry_seconds,
        ),
        "stripe": StripeResource(api_key=_env("STRIPE_API_KEY"), api_base=_env("STRIPE_API_BASE"),
                                 retry_seconds=_retry_seconds),
        "notion": NotionResource(token=_env("NOTION_TOKEN"), base_url=_env("NOTION_BASE_URL"),
                                 retry_seconds=_retry_seconds),
        "dbt": dbt_resource(),
        "embedder": EmbedderResource(
            provider=_env("EMBEDDINGS_PROVIDER") or "local", openai_api_key=_env("OPENAI_API_KEY")
        ),
    },
)

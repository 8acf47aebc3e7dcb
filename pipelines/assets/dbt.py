"""dbt models as assets (group `analytics`); dbt tests surface as asset checks.

Two dbt asset definitions over one manifest:
- `analytics_dbt`: every model except the incremental Stripe facts. Unpartitioned.
- `analytics_stripe_incremental`: the incremental Stripe facts (tag `stripe_incremental`: events, charges,
  balance transactions), partitioned by day. A partition run, or a backfilled range (one run per range,
  BackfillPolicy.single_run), passes the window to dbt as vars min_date/max_date and rebuilds exactly
  the rows created or loaded in it (delete+insert). Run without a partition (`brainops materialize`, the
  webhook sensor, the daily full refresh) it catches up on everything loaded since its last run, so
  the unpartitioned path alone still builds every mart.
"""

import json
import os
from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets
from pydantic import Field

from pipelines.dbt_vars import FULL_REFRESH_TAG, dbt_vars
from pipelines.resources.dbt import dbt_project, export_dbt_env
from pipelines.resources.warehouse import WarehouseResource

STRIPE_INCREMENTAL = "tag:stripe_incremental"
# Stripe history in the sample starts in September 2023. end_offset=1: today's partition exists, so the
# hourly schedule can fill it as the day goes.
STRIPE_DAILY = dg.DailyPartitionsDefinition(start_date="2023-09-01", end_offset=1)


class BrainOpsTranslator(DagsterDbtTranslator):
    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props["resource_type"] == "source":
            # Sources are the raw tables our ingest assets write: raw/<table>, unless the source names the
            # asset that writes it (meta.dagster.asset_key: raw.ies_* all come from raw/ies_extractions).
            meta = (props.get("config") or {}).get("meta") or props.get("meta") or {}
            key = (meta.get("dagster") or {}).get("asset_key") or ["raw", props["name"]]
            return spec.replace_attributes(key=dg.AssetKey(key))
        spec = spec.replace_attributes(key=dg.AssetKey(["analytics", props["name"]]), group_name="analytics")
        # Marts declare how stale they may get: meta.freshness {warn_hours, fail_hours} in their .yml.
        freshness = (props.get("config", {}).get("meta") or props.get("meta") or {}).get("freshness")
        if freshness:
            spec = spec.replace_attributes(
                freshness_policy=dg.FreshnessPolicy.time_window(
                    fail_window=timedelta(hours=freshness["fail_hours"]),
                    warn_window=timedelta(hours=freshness["warn_hours"]) if "warn_hours" in freshness else None,
                )
            )
        return spec


translator = BrainOpsTranslator(
    # Several sources may name one asset (the three raw.ies_* tables of raw/ies_extractions).
    settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_duplicate_source_asset_keys=True)
)


class DbtBuildConfig(dg.Config):
    full_refresh: bool = Field(
        default=False, description="dbt --full-refresh: rebuild incremental models from all the raw data."
    )


def _build(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource, args: list[str]
) -> Iterator:
    export_dbt_env(warehouse.url())
    # Cautious: a targeted run (e.g. from a webhook) runs only tests whose every parent it builds,
    # not tests that also read sibling models outside the selection. Set through the environment so
    # dagster-dbt can still override it when it selects individual asset checks.
    os.environ["DBT_INDIRECT_SELECTION"] = "cautious"
    context.log.info(f"dbt {' '.join(args)}")
    yield from dbt.cli(args, context=context).stream()


def _args(context: dg.AssetExecutionContext, config: DbtBuildConfig, variables: dict[str, Any]) -> list[str]:
    args = ["build"]
    if variables:
        args += ["--vars", json.dumps(variables)]
    if config.full_refresh or context.run.tags.get(FULL_REFRESH_TAG) == "true":
        args.append("--full-refresh")
    return args


@dbt_assets(
    manifest=dbt_project().manifest_path,
    exclude=STRIPE_INCREMENTAL,
    dagster_dbt_translator=translator,
    project=dbt_project(),
)
def analytics_dbt(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource, config: DbtBuildConfig
):
    yield from _build(context, dbt, warehouse, _args(context, config, dbt_vars()))


@dbt_assets(
    manifest=dbt_project().manifest_path,
    select=STRIPE_INCREMENTAL,
    name="analytics_stripe_incremental",
    partitions_def=STRIPE_DAILY,
    backfill_policy=dg.BackfillPolicy.single_run(),
    dagster_dbt_translator=translator,
    project=dbt_project(),
)
def analytics_stripe_incremental(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource, config: DbtBuildConfig
):
    window = None
    if context.has_partition_key or context.has_partition_key_range:
        time_window = context.partition_time_window
        window = (time_window.start, time_window.end)
        context.log.info(f"Partition window {window[0].isoformat()} .. {window[1].isoformat()}")
    else:
        context.log.info("No partition: catching up on everything loaded since the last run.")
    yield from _build(context, dbt, warehouse, _args(context, config, dbt_vars(window=window)))

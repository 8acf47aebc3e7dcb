"""raw.centerpoint_* assets: one multi-asset, so a run starts one client (and, in sample mode, one
local server) for all resources; any subset can be materialized alone."""

import dagster as dg

from pipelines.assets.source_failures import source_errors, source_retry_policy
from pipelines.centerpoint.catalog import RESOURCES
from pipelines.centerpoint.client import CenterPointError, CenterPointUnavailable
from pipelines.centerpoint.sync import SyncResult, sync_resource
from pipelines.resources.centerpoint import CenterPointResource
from pipelines.resources.warehouse import WarehouseResource

GROUP = "centerpoint"


class CenterPointSyncConfig(dg.Config):
    full_refresh: bool = False


def asset_key(resource: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", f"centerpoint_{resource}"])


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            asset_key(name),
            group_name=GROUP,
            description=f"CenterPoint {name}, upserted by id from the API (incremental on updatedAt).",
            kinds={"python", "postgres"},
            metadata={"table": f"raw.{spec.table}"},
            skippable=True,
        )
        for name, spec in RESOURCES.items()
    ],
    can_subset=True,
    op_tags={"source": "centerpoint"},
    retry_policy=source_retry_policy(),
)
def centerpoint_raw(
    context: dg.AssetExecutionContext,
    config: CenterPointSyncConfig,
    centerpoint: CenterPointResource,
    warehouse: WarehouseResource,
):
    wanted = [name for name in RESOURCES if asset_key(name) in context.selected_asset_keys]

    def log_progress(result: SyncResult, total: int) -> None:
        context.log.info(f"{result.resource}: {result.fetched:,}/{total:,} records, {result.pages} pages")

    with source_errors(CenterPointError, CenterPointUnavailable), centerpoint.open_client() as client, \
            warehouse.connect() as conn:
        mode = "sample (local stand-in)" if centerpoint.sample_mode else "live"
        context.log.info(f"CenterPoint sync in {mode} mode: {', '.join(wanted)}")
        for name in wanted:
            result = sync_resource(
                conn, client, RESOURCES[name], full_refresh=config.full_refresh, progress=log_progress
            )
            table_rows = conn.execute(f"SELECT count(*) FROM raw.{RESOURCES[name].table}").fetchone()[0]
            yield dg.MaterializeResult(
                asset_key=asset_key(name),
                metadata={
                    "records_fetched": result.fetched,
                    "rows_inserted": result.upserted.inserted,
                    "rows_updated": result.upserted.updated,
                    "dagster/row_count": table_rows,
                    "pages": result.pages,
                    "cursor_before": result.cursor_before or "",
                    "cursor_after": result.cursor_after or "",
                    "seconds": round(result.seconds, 2),
                    "rows_per_second": round(result.rows_per_second, 1),
                    "mode": mode,
                },
            )

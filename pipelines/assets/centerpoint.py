"""raw.centerpoint_* assets: one multi-asset, so a run starts one client (and, in sample mode, one
local server) for all resources; any subset can be materialized alone."""

import dagster as dg

from pipelines.assets.source_failures import source_errors, source_failure, source_retry_policy
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

    failures: dict[str, CenterPointError] = {}
    with source_errors(CenterPointError, CenterPointUnavailable), centerpoint.open_client() as client, \
            warehouse.connect() as conn:
        mode = "sample (local stand-in)" if centerpoint.sample_mode else "live"
        context.log.info(f"CenterPoint sync in {mode} mode: {', '.join(wanted)}")
        for name in wanted:
            try:
                result = sync_resource(
                    conn, client, RESOURCES[name], full_refresh=config.full_refresh, progress=log_progress
                )
            except CenterPointUnavailable as exc:
                failures[name] = exc  # an outage: the rest would wait out the same retries; the run is retried
                context.log.error(f"CenterPoint {name} failed: {exc}")
                break
            except CenterPointError as exc:
                # One resource the key may not read (403) or this account lacks (404) fails alone: its batches
                # committed so far stay, and the other resources load.
                conn.rollback()
                failures[name] = exc
                context.log.error(f"CenterPoint {name} failed: {exc}")
                continue
            if result.note:
                context.log.warning(result.note)
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
    outage = next((exc for exc in failures.values() if isinstance(exc, CenterPointUnavailable)), None)
    if outage:  # the whole API is down: one sentence for it, and the run is retried
        raise source_failure(str(outage), retry=True)
    if failures:
        reasons = " ".join(f"{name}: {exc}" for name, exc in failures.items())
        raise source_failure(f"CenterPoint sync failed for {', '.join(failures)}. {reasons}", retry=False)

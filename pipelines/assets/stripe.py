"""raw.stripe_* assets: one multi-asset, so a run starts one client (and, in sample mode, one local
server) for all objects, syncing several side by side; any subset can be materialized alone."""

from concurrent.futures import ThreadPoolExecutor, as_completed

import dagster as dg
from psycopg import sql

from pipelines.assets.source_failures import source_failure, source_retry_policy
from pipelines.resources.stripe import StripeResource
from pipelines.resources.warehouse import WarehouseResource
from pipelines.stripe.catalog import OBJECTS
from pipelines.stripe.client import StripeApi, StripeSyncError, StripeUnavailable
from pipelines.stripe.sync import SyncResult, sync_object

GROUP = "stripe"


class StripeSyncConfig(dg.Config):
    full_refresh: bool = False


def asset_key(name: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", f"stripe_{name}"])


def _description(name: str) -> str:
    if OBJECTS[name].mutable:
        return f"Stripe {name}, listed in full once, then kept current from their events (upserted by id)."
    return f"Stripe {name}, append-only, loaded incrementally on `created`."


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            asset_key(name),
            group_name=GROUP,
            description=_description(name),
            kinds={"python", "postgres"},
            metadata={"table": f"raw.{spec.table}"},
            skippable=True,
        )
        for name, spec in OBJECTS.items()
    ],
    can_subset=True,
    op_tags={"source": "stripe"},
    retry_policy=source_retry_policy(),
)
def stripe_raw(
    context: dg.AssetExecutionContext,
    config: StripeSyncConfig,
    stripe: StripeResource,
    warehouse: WarehouseResource,
):
    wanted = [name for name in OBJECTS if asset_key(name) in context.selected_asset_keys]

    def log_progress(result: SyncResult) -> None:
        context.log.info(f"{result.object}: {result.fetched:,} read ({result.mode}), {result.pages} pages")

    def sync_one(api: StripeApi, name: str) -> tuple[SyncResult, int]:
        spec = OBJECTS[name]
        with warehouse.connect() as conn:
            result = sync_object(
                conn,
                api,
                spec,
                full_refresh=config.full_refresh,
                max_event_age=stripe.event_retention,
                progress=log_progress,
            )
            count = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier("raw", spec.table))
            return result, conn.execute(count).fetchone()[0]

    mode = "sample (local stand-in)" if stripe.sample_mode else "live"
    failures: dict[str, StripeSyncError] = {}
    with stripe.open_api() as api, ThreadPoolExecutor(max_workers=max(1, stripe.concurrency)) as pool:
        context.log.info(f"Stripe sync in {mode} mode at {api.api_base}: {', '.join(wanted)}")
        futures = {pool.submit(sync_one, api, name): name for name in wanted}
        for future in as_completed(futures):
            name = futures[future]
            try:
                result, table_rows = future.result()
            except StripeSyncError as exc:
                failures[name] = exc
                context.log.error(f"Stripe {name} failed: {exc}")
                continue
            if result.note:
                context.log.warning(f"{name}: {result.note}")
            yield dg.MaterializeResult(
                asset_key=asset_key(name),
                metadata={
                    "sync_mode": result.mode,
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
        context.log.info(
            f"Stripe: {api.requests_made:,} requests, {api.rate_limited} rate-limited "
            f"(waited {api.seconds_waited:.1f} s as told by Retry-After)"
        )
    if failures:
        # Objects that did synchronise are materialized above; their rows and cursors are committed. A retry
        # (only when every failure was an outage) resumes each object from its cursor.
        reasons = " ".join(dict.fromkeys(str(exc) for exc in failures.values()))  # an outage reads the same for all
        raise source_failure(f"Stripe sync failed for {', '.join(sorted(failures))}: {reasons}",
                             retry=all(isinstance(exc, StripeUnavailable) for exc in failures.values()))

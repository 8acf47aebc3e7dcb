"""raw.notion_* assets: one multi-asset, so a run starts one client (and, in sample mode, one local
server). Data sources can be materialized alone; pages and blocks are always loaded together (a page's
rendered text and its block rows must agree), whichever of the two is selected."""

import dagster as dg
from psycopg import sql

from pipelines.assets.source_failures import source_errors, source_retry_policy
from pipelines.notion.client import NotionError, NotionUnavailable
from pipelines.notion.sync import NotionSyncResult, sync_notion
from pipelines.resources.notion import NotionResource
from pipelines.resources.warehouse import WarehouseResource

GROUP = "notion"
DATA_SOURCES = dg.AssetKey(["raw", "notion_data_sources"])
PAGES = dg.AssetKey(["raw", "notion_pages"])
BLOCKS = dg.AssetKey(["raw", "notion_blocks"])
DESCRIPTIONS = {
    DATA_SOURCES: "Notion data sources (database tables) shared with the integration, listed in full each run.",
    PAGES: "Notion pages with their content rendered as markdown-like text; incremental on last_edited_time. "
    "Trashed pages stay flagged (archived/in_trash), vanished ones get deleted_at.",
    BLOCKS: "Every block of every live Notion page (nested, in reading order); replaced when its page changes.",
}


class NotionSyncConfig(dg.Config):
    full_refresh: bool = False


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key,
            group_name=GROUP,
            description=description,
            kinds={"python", "postgres"},
            metadata={"table": f"raw.{key.path[-1]}"},
            skippable=True,
        )
        for key, description in DESCRIPTIONS.items()
    ],
    can_subset=True,
    op_tags={"source": "notion"},
    retry_policy=source_retry_policy(),
)
def notion_raw(
    context: dg.AssetExecutionContext,
    config: NotionSyncConfig,
    notion: NotionResource,
    warehouse: WarehouseResource,
):
    selected = context.selected_asset_keys
    load_pages = PAGES in selected or BLOCKS in selected

    def log_progress(result: NotionSyncResult, total: int) -> None:
        done = result.pages_fetched + result.pages_unchanged + result.pages_trashed + result.pages_deleted
        context.log.info(
            f"notion: {done:,}/{total:,} pages ({result.pages_fetched:,} fetched, {result.blocks_fetched:,} blocks)"
        )

    with source_errors(NotionError, NotionUnavailable), notion.open_client() as client, warehouse.connect() as conn:
        mode = "sample (local stand-in)" if notion.sample_mode else "live"
        context.log.info(f"Notion sync in {mode} mode: {', '.join(k.to_user_string() for k in selected)}")
        result = sync_notion(
            conn,
            client,
            full_refresh=config.full_refresh,
            load_data_sources=DATA_SOURCES in selected,
            load_pages=load_pages,
            progress=log_progress,
        )
        if result.note:
            context.log.warning(result.note)
        counts = {
            key: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(*key.path))).fetchone()[0]
            for key in DESCRIPTIONS
        }
        live_pages = conn.execute(
            "SELECT count(*) FROM raw.notion_pages WHERE NOT (archived OR in_trash) AND deleted_at IS NULL"
        ).fetchone()[0]

    common = {
        "seconds": round(result.seconds, 2),
        "requests_made": result.requests,
        "retries": result.retries,
        "rate_limited_429s": result.rate_limited,
        "limiter_wait_seconds": round(result.limiter_wait_seconds, 2),
        "mode": mode,
    }
    if DATA_SOURCES in selected:
        yield dg.MaterializeResult(
            asset_key=DATA_SOURCES,
            metadata={
                "data_sources_listed": result.data_sources_listed,
                "rows_inserted": result.data_sources_upserted.inserted,
                "rows_updated": result.data_sources_upserted.updated,
                "marked_deleted": result.data_sources_deleted,
                "dagster/row_count": counts[DATA_SOURCES],
                **common,
            },
        )
    if PAGES in selected:
        yield dg.MaterializeResult(
            asset_key=PAGES,
            metadata={
                "pages_listed": result.pages_listed,
                "pages_fetched": result.pages_fetched,
                "pages_unchanged": result.pages_unchanged,
                "pages_trashed": result.pages_trashed,
                "pages_deleted": result.pages_deleted,
                "rows_inserted": result.pages_upserted.inserted,
                "rows_updated": result.pages_upserted.updated,
                "live_pages": live_pages,
                "dagster/row_count": counts[PAGES],
                "cursor_before": result.cursor_before or "",
                "cursor_after": result.cursor_after or "",
                "list_seconds": round(result.list_seconds, 2),
                "fetch_seconds": round(result.fetch_seconds, 2),
                "load_seconds": round(result.load_seconds, 2),
                "pages_per_second": round(result.pages_per_second, 1),
                **common,
            },
        )
    if BLOCKS in selected:
        yield dg.MaterializeResult(
            asset_key=BLOCKS,
            metadata={
                "blocks_fetched": result.blocks_fetched,
                "rows_written": result.blocks_upserted.written,
                "rows_dropped": result.blocks_dropped,
                "dagster/row_count": counts[BLOCKS],
                "blocks_per_second": round(result.blocks_per_second, 1),
                **common,
            },
        )

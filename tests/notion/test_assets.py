"""The raw/notion_* multi-asset in sample mode (the stand-in in a thread), alone and subset."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import psycopg

from pipelines.assets.notion import BLOCKS, DATA_SOURCES, PAGES, notion_raw
from pipelines.resources.notion import NotionResource
from pipelines.resources.warehouse import WarehouseResource


def materialize(url: str, selection=None, **config) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [notion_raw],
        selection=selection,
        resources={"notion": NotionResource(), "warehouse": WarehouseResource(database_url=url)},
        run_config={"ops": {"notion_raw": {"config": config}}} if config else None,
        instance=dg.DagsterInstance.ephemeral(),
    )


def metadata(result: dg.ExecuteInProcessResult, key: dg.AssetKey) -> dict:
    (event,) = [e for e in result.get_asset_materialization_events() if e.asset_key == key]
    return {k: v.value for k, v in event.materialization.metadata.items()}


def test_sample_mode_materializes_all_three_with_counts(fresh_warehouse: str, sample_dir: Path) -> None:
    assert NotionResource().sample_mode
    result = materialize(fresh_warehouse)
    assert result.success
    pages, blocks, sources = (metadata(result, k) for k in (PAGES, BLOCKS, DATA_SOURCES))
    with psycopg.connect(fresh_warehouse) as conn:
        n_pages = conn.execute("SELECT count(*) FROM raw.notion_pages").fetchone()[0]
        n_blocks = conn.execute("SELECT count(*) FROM raw.notion_blocks").fetchone()[0]
    assert pages["dagster/row_count"] == n_pages == pages["rows_inserted"] > 0
    assert blocks["dagster/row_count"] == n_blocks == blocks["blocks_fetched"] > 0
    assert sources["dagster/row_count"] == 3
    assert pages["mode"] == "sample (local stand-in)" and pages["requests_made"] > 0
    assert pages["cursor_before"] == "" and pages["cursor_after"]
    assert pages["limiter_wait_seconds"] == 0  # the sample stand-in is not throttled

    again = materialize(fresh_warehouse)
    assert metadata(again, PAGES)["pages_fetched"] == 0
    assert metadata(again, PAGES)["cursor_before"] == pages["cursor_after"]

    refreshed = materialize(fresh_warehouse, full_refresh=True)
    assert metadata(refreshed, PAGES)["pages_fetched"] == pages["pages_fetched"]
    assert metadata(refreshed, BLOCKS)["dagster/row_count"] == n_blocks


def test_data_sources_alone(fresh_warehouse: str, sample_dir: Path) -> None:
    result = materialize(fresh_warehouse, selection=[DATA_SOURCES])
    assert result.success
    assert {e.asset_key for e in result.get_asset_materialization_events()} == {DATA_SOURCES}
    with psycopg.connect(fresh_warehouse) as conn:
        assert conn.execute("SELECT count(*) FROM raw.notion_data_sources").fetchone()[0] == 3
        assert conn.execute("SELECT count(*) FROM raw.notion_pages").fetchone()[0] == 0

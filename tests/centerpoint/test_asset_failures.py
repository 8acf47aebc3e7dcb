"""One CenterPoint resource's failure is its own: a resource the key may not read fails its asset, and the
others load in the same run (Dagster, the real client, the local server, a real Postgres)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import psycopg

from brainops.standins import centerpoint as standin
from brainops.standins.runner import serve_in_thread
from pipelines.assets.centerpoint import asset_key, centerpoint_raw
from pipelines.centerpoint.catalog import RESOURCES
from pipelines.resources.centerpoint import CenterPointResource
from pipelines.resources.warehouse import WarehouseResource


def test_a_resource_the_key_may_not_read_fails_alone(fresh_warehouse: str, sample_dir: Path) -> None:
    app = standin.create_app(standin.open_store(sample_dir), api_key="cp-key", forbidden=frozenset({"employees"}))
    with serve_in_thread(app) as url:
        result = dg.materialize(
            [centerpoint_raw],
            resources={"centerpoint": CenterPointResource(api_key="cp-key", base_url=f"{url}/centerpoint/"),
                       "warehouse": WarehouseResource(database_url=fresh_warehouse)},
            raise_on_error=False,
        )
    assert not result.success
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert materialized == {asset_key(name) for name in RESOURCES if name != "employees"}
    failure = next(e for e in result.all_events if e.is_step_failure)
    message = failure.step_failure_data.error.message  # type: ignore[union-attr]
    assert "employees" in message and "403" in message and "CENTERPOINT_API_KEY" in message
    with psycopg.connect(fresh_warehouse) as conn:
        companies = conn.execute("SELECT count(*) FROM raw.centerpoint_companies").fetchone()[0]
        employees = conn.execute("SELECT count(*) FROM raw.centerpoint_employees").fetchone()[0]
    with (sample_dir / "centerpoint" / "companies.jsonl").open() as f:
        assert companies == sum(1 for _ in f) and employees == 0

"""Asset jobs: everything, and the daily CenterPoint sync with the dbt models downstream of it."""

from __future__ import annotations

import dagster as dg

materialize_all = dg.define_asset_job(
    "materialize_all", selection=dg.AssetSelection.all(), description="Every asset, in dependency order."
)

centerpoint_daily = dg.define_asset_job(
    "centerpoint_daily",
    selection=dg.AssetSelection.groups("centerpoint").downstream(),
    description="Sync CenterPoint incrementally, then build the dbt models and tests downstream of it.",
)

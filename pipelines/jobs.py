"""Asset jobs: everything; the daily CenterPoint sync with the dbt models downstream of it; the daily full
refresh of the analytics; the hourly incremental Stripe run."""

from __future__ import annotations

import dagster as dg

from pipelines.dbt_vars import FULL_REFRESH_TAG

# Per-document assets (raw/ies_extractions, one partition per upload) run from the upload sensor, one
# document at a time; "everything" is every other asset.
EVERY_UNPARTITIONED_ASSET = dg.AssetSelection.all() - dg.AssetSelection.tag("partitioning", "per_document")

materialize_all = dg.define_asset_job(
    "materialize_all",
    selection=EVERY_UNPARTITIONED_ASSET,
    description="Every asset except the per-document IES extractions (the upload sensor runs those), in "
    "dependency order.",
)

centerpoint_daily = dg.define_asset_job(
    "centerpoint_daily",
    selection=dg.AssetSelection.groups("centerpoint").downstream(),
    description="Sync CenterPoint incrementally, then build the dbt models and tests downstream of it.",
)

# The incremental Stripe facts (analytics_stripe_incremental) are partitioned by day, but a run without a
# partition builds them too (catching up on everything loaded since their last run), so "everything"
# above and the full refresh below include them.

analytics_full_refresh = dg.define_asset_job(
    "analytics_full_refresh",
    selection=dg.AssetSelection.groups("centerpoint", "stripe", "analytics"),
    tags={FULL_REFRESH_TAG: "true"},
    description="Sync CenterPoint and Stripe, then rebuild every dbt model from scratch (--full-refresh, the "
    "incremental Stripe facts included), with dbt tests and the Great Expectations checks.",
)

stripe_hourly = dg.define_asset_job(
    "stripe_hourly",
    selection=dg.AssetSelection.groups("stripe").downstream() - dg.AssetSelection.tag("partitioning", "per_document"),
    description="Sync Stripe incrementally, build the day's partition of the incremental Stripe facts, then "
    "the marts downstream of them.",
)

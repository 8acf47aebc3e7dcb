"""What the Dagster UI shows for the analytics: asset checks, freshness policies, the partitioned
incremental facts, the daily full refresh and the hourly incremental schedule."""

from __future__ import annotations

from datetime import UTC, datetime

import dagster as dg

from pipelines.dbt_vars import FULL_REFRESH_TAG
from pipelines.definitions import defs

MARTS = ["customer_360", "revenue_monthly", "job_profitability", "sales_pipeline", "ar_aging", "payment_risk"]


def test_every_mart_has_a_freshness_policy() -> None:
    graph = defs.resolve_asset_graph()
    for mart in MARTS:
        policy = graph.get(dg.AssetKey(["analytics", mart])).freshness_policy
        assert isinstance(policy, dg.FreshnessPolicy), mart


def test_blocking_gx_checks_guard_the_raw_tables_and_the_marts() -> None:
    graph = defs.resolve_asset_graph()
    gx = {key.asset_key for key in graph.asset_check_keys if key.name == "gx_expectations"}
    assert dg.AssetKey(["raw", "stripe_charges"]) in gx and dg.AssetKey(["raw", "centerpoint_invoices"]) in gx
    assert {dg.AssetKey(["analytics", m]) for m in MARTS} <= gx
    for key in graph.asset_check_keys:
        if key.name == "gx_expectations":
            assert graph.get_check_spec(key).blocking


def test_one_dbt_run_builds_the_unpartitioned_models_in_every_job() -> None:
    # The partitioned facts read the raw tables, not the main dbt asset, so no job splits the dbt run.
    for name in ("materialize_all", "analytics_full_refresh", "stripe_hourly", "centerpoint_daily"):
        nodes = set(defs.resolve_job_def(name).graph.node_dict)
        assert "analytics_dbt" in nodes and "analytics_dbt_2" not in nodes, name


def test_the_daily_full_refresh_rebuilds_every_dbt_model_from_scratch() -> None:
    schedule = defs.get_schedule_def("analytics_full_refresh_schedule")
    job = defs.resolve_job_def(schedule.job_name)
    # Both as context managers: the schedule context makes an instance from the ref and must close it before the
    # test instance goes, or it lingers as the thread's definitions-state storage for later tests.
    with (
        dg.instance_for_test() as instance,
        dg.build_schedule_context(instance=instance, repository_def=defs.get_repository_def()) as context,
    ):
        [request] = schedule.evaluate_tick(context).run_requests
    assert request.partition_key is None  # the incremental facts rebuild whole, not by day
    assert job.tags[FULL_REFRESH_TAG] == "true"  # every run of the job, however launched
    keys = set(job.asset_layer.selected_asset_keys)
    assert {dg.AssetKey(["analytics", "fct_stripe_events"]), dg.AssetKey(["analytics", "customer_360"])} <= keys
    assert dg.AssetKey(["raw", "centerpoint_invoices"]) in keys and dg.AssetKey(["raw", "stripe_charges"]) in keys


def test_the_hourly_schedule_runs_todays_partition_of_the_stripe_facts() -> None:
    schedule = defs.get_schedule_def("stripe_hourly_schedule")
    with (
        dg.instance_for_test() as instance,
        dg.build_schedule_context(
            instance=instance,
            scheduled_execution_time=datetime(2026, 11, 24, 15, 15, tzinfo=UTC),
            repository_def=defs.get_repository_def(),
        ) as context,
    ):
        [request] = schedule.evaluate_tick(context).run_requests
    assert request.partition_key == "2026-11-24"
    assert schedule.cron_schedule == "15 * * * *"
    job = defs.resolve_job_def(schedule.job_name)
    assert dg.AssetKey(["analytics", "fct_stripe_charges"]) in job.asset_layer.selected_asset_keys

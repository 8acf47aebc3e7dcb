"""Scheduled materializations."""

from __future__ import annotations

from datetime import UTC

import dagster as dg

from pipelines.assets.dbt import STRIPE_DAILY
from pipelines.jobs import analytics_full_refresh, centerpoint_daily, stripe_hourly

centerpoint_daily_schedule = dg.ScheduleDefinition(
    name="centerpoint_daily_schedule",
    job=centerpoint_daily,
    cron_schedule="0 5 * * *",
    execution_timezone="America/Chicago",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="05:00 daily: CenterPoint sync and the dbt build downstream of it.",
)


analytics_full_refresh_schedule = dg.ScheduleDefinition(
    name="analytics_full_refresh_schedule",
    job=analytics_full_refresh,
    cron_schedule="30 2 * * *",
    execution_timezone="America/Chicago",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="02:30 daily: sync CenterPoint and Stripe, then rebuild every dbt model from scratch (the job's "
    "tag brainops/dbt_full_refresh).",
)


@dg.schedule(
    name="stripe_hourly_schedule",
    job=stripe_hourly,
    cron_schedule="15 * * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Hourly at :15: Stripe sync, today's partition of the incremental Stripe facts, and the marts "
    "downstream of them.",
)
def stripe_hourly_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    # Today's (UTC) partition: it exists all day (end_offset=1) and holds what was created or loaded today.
    day = context.scheduled_execution_time.astimezone(UTC).strftime(STRIPE_DAILY.fmt)
    return dg.RunRequest(
        run_key=context.scheduled_execution_time.astimezone(UTC).strftime("%Y-%m-%dT%H"), partition_key=day
    )

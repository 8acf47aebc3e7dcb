"""Scheduled materializations."""

from __future__ import annotations

import dagster as dg

from pipelines.jobs import centerpoint_daily

centerpoint_daily_schedule = dg.ScheduleDefinition(
    name="centerpoint_daily_schedule",
    job=centerpoint_daily,
    cron_schedule="0 5 * * *",
    execution_timezone="America/Chicago",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="05:00 daily: CenterPoint sync and the dbt build downstream of it.",
)

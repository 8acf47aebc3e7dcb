"""Every failed run lands in app.pipeline_failures and, when ALERT_WEBHOOK_URL is set, is posted there."""

import os

import dagster as dg

from brainops.warehouse.connection import warehouse_url
from sensors.failures import Failure, mark_alerted, post_alert, record_failure


def _planned_assets(context: dg.RunFailureSensorContext) -> set[dg.AssetKey]:
    """A run of a whole job has no asset_selection; its planned materializations say what it covered."""
    records = context.instance.get_records_for_run(
        context.dagster_run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED
    ).records
    return {r.event_log_entry.dagster_event.asset_key for r in records if r.event_log_entry.dagster_event}


@dg.run_failure_sensor(
    name="record_run_failures",
    monitor_all_code_locations=False,
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="Records failed runs in app.pipeline_failures and posts them to ALERT_WEBHOOK_URL when set.",
)
def record_run_failures(context: dg.RunFailureSensorContext) -> None:
    run = context.dagster_run
    keys = sorted("/".join(k.path) for k in (run.asset_selection or _planned_assets(context)))
    error = context.failure_event.message or "run failed"
    failure = Failure(run_id=run.run_id, job_name=run.job_name, asset_keys=keys, error=error)
    import psycopg

    with psycopg.connect(warehouse_url()) as conn:
        new = record_failure(conn, failure)
        conn.commit()
        url = os.environ.get("ALERT_WEBHOOK_URL")
        if new and url:
            try:
                post_alert(url, failure, dagster_ui_url=os.environ.get("DAGSTER_UI_URL"))
                mark_alerted(conn, run.run_id)
            except Exception as exc:  # the failure is recorded either way; the alert is best effort
                context.log.warning(f"Could not post the alert to ALERT_WEBHOOK_URL: {exc}")
    context.log.info(f"Recorded failed run {run.run_id} ({run.job_name}).")

"""Every failed run lands in app.pipeline_failures and, when ALERT_WEBHOOK_URL is set, is posted there.

The recorded error is the run's failure message followed by what its failed steps said (for a source that was
down: which source, for how long, and what to do), and says when Dagster retries the run on its own (run
retries, for a run whose worker died)."""

import os

import dagster as dg
from dagster._core.storage.tags import WILL_RETRY_TAG

from brainops.warehouse.connection import warehouse_url
from sensors.failures import Failure, mark_alerted, post_alert, record_failure
from sensors.step_failures import step_failures

MAX_STEP_ERRORS = 3


def _planned_assets(context: dg.RunFailureSensorContext) -> set[dg.AssetKey]:
    """A run of a whole job has no asset_selection; its planned materializations say what it covered."""
    records = context.instance.get_records_for_run(
        context.dagster_run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED
    ).records
    return {r.event_log_entry.dagster_event.asset_key for r in records if r.event_log_entry.dagster_event}


def _step_errors(context: dg.RunFailureSensorContext) -> list[str]:
    errors = [f"{step}: {text}" for step, text in step_failures(context.instance, context.dagster_run.run_id)]
    return list(dict.fromkeys(errors))[:MAX_STEP_ERRORS]


def describe_failure(context: dg.RunFailureSensorContext) -> str:
    run = context.instance.get_run_by_id(context.dagster_run.run_id) or context.dagster_run
    parts = [context.failure_event.message or "run failed", *_step_errors(context)]
    if run.tags.get(WILL_RETRY_TAG) == "true":
        parts.append("Dagster retries the run automatically (run_retries in dagster.yaml).")
    return "\n".join(parts)


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
    failure = Failure(run_id=run.run_id, job_name=run.job_name, asset_keys=keys, error=describe_failure(context))
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

"""The sensors leave a run Dagster is retrying (run_retries: its worker died) to that retry: the upload sensor does
not fail the upload, the webhook sensor does not count a failed attempt nor request the batch again, until the
last retry has ended. The runs are recorded in a real Dagster instance with the platform's run-retry settings and
failed the way run monitoring fails a run whose worker died; the sensors are evaluated as the daemon does."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import psycopg
import pytest
from dagster._core.storage.tags import (
    AUTO_RETRY_RUN_ID_TAG,
    PARENT_RUN_ID_TAG,
    RETRY_NUMBER_TAG,
    ROOT_RUN_ID_TAG,
    WILL_RETRY_TAG,
)
from dagster._core.test_utils import create_run_for_test, instance_for_test

from pipelines.ies import uploads
from tests.faults.conftest import instance_config
from tests.ies_pipeline.conftest import make_env, sample_statements
from tests.ies_pipeline.conftest import tick as uploads_tick
from tests.stripe.test_webhook_sensor import tick as webhooks_tick

RETRIES = {"run_retries": {**instance_config()["run_retries"], "max_retries": 1}}


def worker_died(instance: dg.DagsterInstance, run: dg.DagsterRun) -> dg.DagsterRun:
    """As run monitoring reports a run whose worker is gone (no step failed, so run retries apply)."""
    instance.report_run_failed(run, "Detected run worker status FAILED (test).")
    return instance.get_run_by_id(run.run_id)


def retried(instance: dg.DagsterInstance, run: dg.DagsterRun) -> dg.DagsterRun:
    """The retry Dagster's run-retry daemon launches: the parent's tags, linked both ways."""
    root = run.root_run_id or run.run_id
    tags = {**{k: v for k, v in run.tags.items() if k not in (WILL_RETRY_TAG, AUTO_RETRY_RUN_ID_TAG)},
            PARENT_RUN_ID_TAG: run.run_id, ROOT_RUN_ID_TAG: root, RETRY_NUMBER_TAG: "1"}
    retry = create_run_for_test(instance, job_name=run.job_name, tags=tags, parent_run_id=run.run_id,
                                root_run_id=root, status=dg.DagsterRunStatus.STARTED)
    instance.add_run_tags(run.run_id, {AUTO_RETRY_RUN_ID_TAG: retry.run_id})
    return retry


def upload_state(url: str, document_id: str) -> tuple[str, str | None]:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT status, error FROM app.uploads WHERE document_id = %s",
                            (document_id,)).fetchone()


def test_the_upload_sensor_leaves_a_retried_extraction_to_its_retry(
    fresh_warehouse: str, sample_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_env(tmp_path, monkeypatch)
    path, _ = sample_statements(sample_dir)["csv"]
    with psycopg.connect(fresh_warehouse) as conn:
        stored = uploads.UploadStore().put_bytes(path.read_bytes(), kind="csv")
        document_id = uploads.record_upload(conn, stored, source_file=path.name, received_via="api").upload.document_id
        conn.commit()
    with instance_for_test(overrides=RETRIES) as instance:
        first = uploads_tick(instance, fresh_warehouse, None)
        [request] = first.run_requests
        run = create_run_for_test(instance, job_name="__ASSET_JOB", tags=request.tags,
                                  status=dg.DagsterRunStatus.STARTED)
        with psycopg.connect(fresh_warehouse) as conn:
            uploads.mark_processing(conn, document_id, run.run_id)  # what the extraction asset does first
            conn.commit()

        run = worker_died(instance, run)
        assert run.tags[WILL_RETRY_TAG] == "true"
        uploads_tick(instance, fresh_warehouse, first.cursor)
        assert upload_state(fresh_warehouse, document_id) == ("processing", None)  # the retry is coming

        retry = retried(instance, run)
        uploads_tick(instance, fresh_warehouse, first.cursor)
        assert upload_state(fresh_warehouse, document_id) == ("processing", None)  # the retry is running

        retry = worker_died(instance, retry)
        assert retry.tags[WILL_RETRY_TAG] == "false"  # max_retries reached
        uploads_tick(instance, fresh_warehouse, first.cursor)
        status, error = upload_state(fresh_warehouse, document_id)
        assert status == "failed" and error.startswith(f"The extraction run {retry.run_id} ended (failure)")
        assert f"re-run partition {document_id}" in error


def test_the_webhook_sensor_leaves_a_retried_batch_to_its_retry(fresh_warehouse: str) -> None:
    event = {"id": "evt_retry_1", "object": "event", "type": "customer.updated", "created": 1_790_000_000,
             "data": {"object": {"id": "cus_retry_1", "object": "customer", "name": "Retry Roofing"}}}
    with psycopg.connect(fresh_warehouse) as conn:
        conn.execute("INSERT INTO app.webhook_events (source, event_id, event_type, payload) VALUES (%s, %s, %s, %s)",
                     ("stripe", event["id"], event["type"], json.dumps(event)))
    with instance_for_test(overrides=RETRIES) as instance:
        first = webhooks_tick(instance, fresh_warehouse, None)
        [request] = first.run_requests
        run = worker_died(instance, create_run_for_test(instance, job_name="__ASSET_JOB", tags=request.tags,
                                                        status=dg.DagsterRunStatus.STARTED))
        waiting = webhooks_tick(instance, fresh_warehouse, first.cursor)
        assert not waiting.run_requests and "Dagster is launching a retry" in waiting.skip_message

        retry = retried(instance, run)
        running = webhooks_tick(instance, fresh_warehouse, first.cursor)
        assert not running.run_requests and retry.run_id in running.skip_message
        with psycopg.connect(fresh_warehouse) as conn:
            assert conn.execute("SELECT attempts FROM app.webhook_events").fetchone() == (0,)  # no attempt lost

        instance.report_dagster_event(dg.DagsterEvent(dg.DagsterEventType.RUN_SUCCESS.value, job_name=retry.job_name),
                                      run_id=retry.run_id)  # the retry succeeds
        webhooks_tick(instance, fresh_warehouse, first.cursor)
        with psycopg.connect(fresh_warehouse) as conn:
            assert conn.execute("SELECT run_id, processed_at IS NOT NULL, attempts FROM app.webhook_events"
                                ).fetchone() == (retry.run_id, True, 0)

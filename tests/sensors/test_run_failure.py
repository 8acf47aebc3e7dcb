"""A failed run is recorded once in app.pipeline_failures and posted to ALERT_WEBHOOK_URL."""

from __future__ import annotations

import dagster as dg
import psycopg
import pytest
from fastapi import FastAPI, Request

from brainops.standins.runner import serve_in_thread
from sensors.run_failure import record_run_failures


@dg.asset
def always_fails() -> None:
    raise RuntimeError("CenterPoint is down")


def failed_run_context(instance: dg.DagsterInstance) -> dg.RunFailureSensorContext:
    result = dg.materialize([always_fails], instance=instance, raise_on_error=False)
    assert not result.success
    failure_event = next(e for e in result.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE)
    return dg.build_run_status_sensor_context(
        sensor_name="record_run_failures",
        dagster_event=failure_event,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
    ).for_run_failure()


def test_failure_is_recorded_once_and_alerted(fresh_warehouse: str, monkeypatch: pytest.MonkeyPatch) -> None:
    received: list[dict] = []
    hook = FastAPI()

    @hook.post("/alert")
    async def alert(request: Request) -> dict:
        received.append(await request.json())
        return {"ok": True}

    instance = dg.DagsterInstance.ephemeral()
    context = failed_run_context(instance)
    with serve_in_thread(hook) as url:
        monkeypatch.setenv("ALERT_WEBHOOK_URL", f"{url}/alert")
        record_run_failures(context)
        record_run_failures(context)  # a re-evaluation of the same run

    with psycopg.connect(fresh_warehouse) as conn:
        rows = conn.execute("SELECT run_id, asset_keys, error, alerted_at FROM app.pipeline_failures").fetchall()
    assert len(rows) == 1
    run_id, keys, error, alerted_at = rows[0]
    assert run_id == context.dagster_run.run_id and keys == ["always_fails"] and "failed" in error
    assert alerted_at is not None
    assert len(received) == 1 and received[0]["run_id"] == run_id and "failed" in received[0]["text"]


def test_without_an_alert_url_the_failure_is_still_recorded(
    fresh_warehouse: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ALERT_WEBHOOK_URL", raising=False)
    context = failed_run_context(dg.DagsterInstance.ephemeral())
    record_run_failures(context)
    with psycopg.connect(fresh_warehouse) as conn:
        assert conn.execute("SELECT count(*), count(alerted_at) FROM app.pipeline_failures").fetchone() == (1, 0)

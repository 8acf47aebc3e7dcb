"""A source down for an hour, compressed into seconds: the platform backs off, alerts, keeps the cursor, and
resumes from it once the source is back.

The real code location runs the real ingest assets (`dagster asset materialize`, as `brainops materialize` does)
against the local stand-ins of CenterPoint and Stripe, one answering 503 to every request (with Retry-After), the
other refusing connections. The production retry budget (SOURCE_RETRY_SECONDS per request, SOURCE_RUN_RETRIES
step retries with exponential backoff) spans about an hour; here it is set to a second and two quick retries.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import httpx
import psycopg

from brainops.paths import PROJECT_ROOT
from brainops.standins import centerpoint, stripe
from brainops.standins.faults import Faults
from brainops.standins.jsonl_store import JsonlStore
from brainops.standins.runner import free_port, serve_in_thread
from pipelines.loaders.sync_state import read_cursor
from sensors.run_failure import record_run_failures
from tests.faults.conftest import DagsterHome

DAGSTER = str(Path(sys.executable).parent / "dagster")
COMPANIES = dg.AssetKey(["raw", "centerpoint_companies"])
CUSTOMERS = dg.AssetKey(["raw", "stripe_customers"])
SELECT = "raw/centerpoint_companies,raw/stripe_customers"
RUN_RETRIES = 2
COMPRESSED = {"SOURCE_RETRY_SECONDS": "1", "SOURCE_RUN_RETRIES": str(RUN_RETRIES),
              "SOURCE_RUN_RETRY_DELAY_SECONDS": "0.2"}


# Steps in the run's own process: the step retries behave the same, without a fresh import of the code
# location for every attempt (several seconds each on a busy machine).
IN_PROCESS = json.dumps({"execution": {"config": {"in_process": {}}}})


def materialize(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([DAGSTER, "asset", "materialize", "-m", "pipelines.definitions", "--select", SELECT,
                           "--config-json", IN_PROCESS],
                          cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)


def state(url: str) -> dict[str, Any]:
    """What the failed run must not touch: the cursors and the rows."""
    with psycopg.connect(url) as conn:
        return {
            "cursors": (read_cursor(conn, "centerpoint", "companies"), read_cursor(conn, "stripe", "customers")),
            "companies": conn.execute("SELECT count(*), max(_loaded_at) FROM raw.centerpoint_companies").fetchone(),
            "customers": conn.execute("SELECT count(*), max(_loaded_at) FROM raw.stripe_customers").fetchone(),
        }


def events(instance: dg.DagsterInstance, run_id: str, kind: dg.DagsterEventType) -> list[dg.DagsterEvent]:
    return [r.event_log_entry.dagster_event for r in instance.get_records_for_run(run_id, of_type=kind).records]


def centerpoint_store(sample_dir: Path, tmp_path: Path) -> JsonlStore:
    """The sample's companies in an index of this test's own (it edits one)."""
    files = {"companies": sample_dir / "centerpoint" / "companies.jsonl"}
    return JsonlStore.build(tmp_path / "centerpoint.sqlite", files, lambda r: r["attributes"]["updatedAt"])


def test_an_outage_backs_off_alerts_keeps_the_cursor_and_the_next_run_resumes_from_it(
    fresh_warehouse: str, sample_dir: Path, tmp_path: Path, dagster_home: DagsterHome, alerts: list[dict[str, Any]]
) -> None:
    cp_faults = Faults()
    cp_app = centerpoint.create_app(centerpoint_store(sample_dir, tmp_path), api_key="sample", faults=cp_faults)
    stripe_app = stripe.create_app(stripe.open_store(sample_dir, index=tmp_path / "stripe.sqlite"))
    stripe_url = f"http://127.0.0.1:{free_port()}"
    with serve_in_thread(cp_app) as cp_url:
        env = {**dagster_home.env, **COMPRESSED, "BRAINOPS_WAREHOUSE_URL": fresh_warehouse,
               "CENTERPOINT_BASE_URL": f"{cp_url}/centerpoint/", "STRIPE_API_BASE": stripe_url}

        # Up: a first sync sets the cursors.
        with serve_in_thread(stripe_app, port=int(stripe_url.rsplit(":", 1)[1])):
            first = materialize(env)
        assert first.returncode == 0, first.stderr[-3000:]
        before = state(fresh_warehouse)
        assert all(before["cursors"]) and before["companies"][0] > 0 and before["customers"][0] > 0

        # Down: CenterPoint answers 503 to everything (asking for 0.3 s between tries); Stripe is not listening.
        cp_faults.outage, cp_faults.outage_retry_after = 503, "0.3"
        asked_before = cp_faults.count
        down = materialize(env)
        assert down.returncode != 0

        instance = dagster_home.instance()
        [run] = instance.get_runs(limit=1)
        assert run.status == dg.DagsterRunStatus.FAILURE
        # Each step was retried by its RetryPolicy, then failed with a sentence naming the source and what to do.
        retried = [e.step_key for e in events(instance, run.run_id, dg.DagsterEventType.STEP_UP_FOR_RETRY)]
        assert sorted(retried) == sorted(["centerpoint_raw", "stripe_raw"] * RUN_RETRIES)
        failures = {e.step_key: e.step_failure_data.user_failure_data.description
                    for e in events(instance, run.run_id, dg.DagsterEventType.STEP_FAILURE)}
        assert failures["centerpoint_raw"].startswith(f"CenterPoint at {cp_url}/centerpoint/ is unavailable after ")
        assert "(HTTP 503)" in failures["centerpoint_raw"]
        assert "Earlier data and the sync cursor are untouched" in failures["centerpoint_raw"]
        assert failures["stripe_raw"].startswith(f"Stripe sync failed for customers: Stripe at {stripe_url} is "
                                                 "unavailable after ")
        assert "could not connect" in failures["stripe_raw"] and "re-run the sync when Stripe is back" in (
            failures["stripe_raw"])
        # Backoff, as Retry-After asked: 2 to 4 requests in each one-second attempt, no hot loop.
        asked = cp_faults.count - asked_before
        assert 2 * (RUN_RETRIES + 1) <= asked <= 4 * (RUN_RETRIES + 1), asked

        # The alert: the run-failure sensor records the run and posts the steps' sentences.
        failure_event = events(instance, run.run_id, dg.DagsterEventType.RUN_FAILURE)[0]
        record_run_failures(dg.build_run_status_sensor_context(
            sensor_name="record_run_failures", dagster_event=failure_event, dagster_instance=instance,
            dagster_run=run).for_run_failure())
        assert len(alerts) == 1 and alerts[0]["run_id"] == run.run_id
        assert f"CenterPoint at {cp_url}/centerpoint/ is unavailable" in alerts[0]["error"]
        assert f"Stripe at {stripe_url} is unavailable" in alerts[0]["error"]
        assert "raw/centerpoint_companies" in alerts[0]["text"]
        with psycopg.connect(fresh_warehouse) as conn:
            recorded = conn.execute("SELECT run_id, alerted_at IS NOT NULL FROM app.pipeline_failures").fetchall()
        assert recorded == [(run.run_id, True)]

        # Nothing moved: not the cursors, not a row.
        assert state(fresh_warehouse) == before

        # Back, with one change made meanwhile at each source (stamped after the cursors).
        company = json.loads((sample_dir / "centerpoint" / "companies.jsonl").open().readline())
        edited_at = (datetime.fromisoformat(before["cursors"][0]) + timedelta(minutes=1)).strftime(
            "%Y-%m-%dT%H:%M:%S.%fZ")
        cp_faults.outage = 0
        httpx.post(f"{cp_url}/_admin/companies/{company['id']}",
                   json={"name": "Back Online Roofing", "updatedAt": edited_at}).raise_for_status()
        since = json.loads(before["cursors"][1])["events_since"]
        customer = json.loads((sample_dir / "stripe" / "customers.jsonl").open().readline())
        with serve_in_thread(stripe_app, port=int(stripe_url.rsplit(":", 1)[1])) as url:
            httpx.post(f"{url}/_admin/v1/customers/{customer['id']}",
                       json={"set": {"name": "Back Online Customer"}, "created": since + 60}).raise_for_status()
            back = materialize(env)
        assert back.returncode == 0, back.stderr[-3000:]

    after = state(fresh_warehouse)
    assert after["companies"][0] == before["companies"][0] and after["customers"][0] == before["customers"][0]
    for key, cursor in ((COMPANIES, before["cursors"][0]), (CUSTOMERS, before["cursors"][1])):
        [record] = instance.fetch_materializations(key, limit=1).records
        metadata = record.asset_materialization.metadata
        assert metadata["cursor_before"].value == cursor  # resumed from the cursor the failed run left alone
        assert metadata["records_fetched"].value < before["companies"][0] / 4  # only what changed since
    with psycopg.connect(fresh_warehouse) as conn:
        assert conn.execute("SELECT attributes->>'name' FROM raw.centerpoint_companies WHERE id = %s",
                            (company["id"],)).fetchone() == ("Back Online Roofing",)
        assert conn.execute("SELECT name FROM raw.stripe_customers WHERE id = %s",
                            (customer["id"],)).fetchone() == ("Back Online Customer",)
        for table in ("centerpoint_companies", "stripe_customers"):
            assert conn.execute(f"SELECT count(*) = count(DISTINCT id) FROM raw.{table}").fetchone() == (True,)

"""IES intake → sensor → per-document runs → warehouse → dbt marts → API, against a real Postgres.

`ies_env` points the upload store and landing dir at a temp folder; `api` is the real app on a fresh
warehouse; `keys` holds two applicants' keys, an admin's and a staff analyst's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import psycopg
import pytest
from fastapi.testclient import TestClient

from brainops.apikeys import create_key
from pipelines.definitions import defs
from pipelines.resources.dbt import dbt_resource
from pipelines.resources.warehouse import WarehouseResource
from serving.app import create_app

SENSOR = defs.get_sensor_def("ies_uploads_sensor")


@dataclass(frozen=True)
class IesEnv:
    upload_dir: Path
    landing_dir: Path


@dataclass(frozen=True)
class Keys:
    applicant: str
    other_applicant: str
    admin: str
    analyst: str  # staff: reads every document, like an admin (serving/routes/ies.py READABLE)

    def h(self, who: str) -> dict[str, str]:
        return {"X-API-Key": getattr(self, who)}


def make_env(root: Path, monkeypatch: pytest.MonkeyPatch) -> IesEnv:
    env = IesEnv(root / "uploads", root / "landing")
    env.landing_dir.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("UPLOAD_DIR", str(env.upload_dir))
    monkeypatch.setenv("IES_LANDING_DIR", str(env.landing_dir))
    return env


def make_keys(url: str) -> Keys:
    with psycopg.connect(url) as conn:
        return Keys(applicant=create_key(conn, name="applicant a", role="applicant").secret,
                    other_applicant=create_key(conn, name="applicant b", role="applicant").secret,
                    admin=create_key(conn, name="admin", role="admin").secret,
                    analyst=create_key(conn, name="lender analyst", role="analyst").secret)


@pytest.fixture
def ies_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> IesEnv:
    return make_env(tmp_path, monkeypatch)


@pytest.fixture
def api(fresh_warehouse: str, ies_env: IesEnv) -> Iterator[TestClient]:
    with TestClient(create_app(fresh_warehouse)) as client:
        yield client


@pytest.fixture
def keys(fresh_warehouse: str) -> Keys:
    return make_keys(fresh_warehouse)


def sample_statements(sample_dir: Path) -> dict[str, tuple[Path, dict[str, Any]]]:
    """One readable statement per format from the sample corpus, with its generator truth."""
    chosen: dict[str, tuple[Path, dict[str, Any]]] = {}
    for truth_path in sorted((sample_dir / "truth" / "ies").glob("*.json")):
        truth = json.loads(truth_path.read_text())
        if truth["scanned"] or truth["format"] in chosen:
            continue
        chosen[truth["format"]] = (sample_dir / "ies" / truth["file"], truth)
    assert set(chosen) == {"pdf", "xlsx", "csv"}, chosen
    return chosen


def upload(client: TestClient, key_headers: dict[str, str], name: str, data: bytes):
    return client.post("/api/v1/ies", headers=key_headers, files={"file": (name, data, "application/octet-stream")})


def tick(instance: dg.DagsterInstance, url: str, cursor: str | None):
    # With the instance's ref, as the daemon evaluates it: run requests for partitions the same tick adds resolve.
    context = dg.build_sensor_context(instance=instance, instance_ref=instance.get_ref(), cursor=cursor,
                                      definitions=defs, resources={"warehouse": WarehouseResource(database_url=url)})
    result = SENSOR.evaluate_tick(context)
    for request in result.dynamic_partitions_requests or []:  # what the daemon does with them
        instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys or []))
    return result


def run(instance: dg.DagsterInstance, request: dg.RunRequest, url: str) -> dg.ExecuteInProcessResult:
    """Execute a sensor's run request as the daemon would: its selection, partition and tags."""
    return dg.materialize(
        list(defs.assets or []),
        selection=request.asset_selection,
        partition_key=request.partition_key,
        resources={**(defs.resources or {}), "warehouse": WarehouseResource(database_url=url),
                   "dbt": dbt_resource()},
        instance=instance,
        tags=request.tags,
        raise_on_error=False,
    )


def table_counts(url: str) -> dict[str, int]:
    tables = ["app.uploads", "app.upload_quarantine", "raw.ies_documents", "raw.ies_line_items", "raw.ies_checks"]
    with psycopg.connect(url) as conn:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
        for mart in ("ies_spreads", "ies_ratios", "ies_risk_scores"):
            exists = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (f"analytics.{mart}",)).fetchone()[0]
            counts[f"analytics.{mart}"] = (conn.execute(f"SELECT count(*) FROM analytics.{mart}").fetchone()[0]
                                           if exists else -1)
    return counts

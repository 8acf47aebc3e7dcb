"""`make run` (brainops up) submits the sample business's statements as uploads, once; the upload sensor
then takes them like any upload: a partition and run per document, the marts refresh, and
GET /api/v1/ies/{id}/risk answers for them (admins: nobody's key uploaded them)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import dagster as dg
import psycopg
import pytest
from fastapi.testclient import TestClient

from brainops import cli
from brainops.ies_cli import submit_sample_statements
from sensors import uploads as upload_sensor
from serving.app import create_app
from tests.ies_pipeline.conftest import IesEnv, make_keys, run, tick


def test_make_run_submits_the_sample_statements_once_and_their_risk_is_served(
        fresh_warehouse: str, ies_env: IesEnv, sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = fresh_warehouse
    monkeypatch.setenv("BRAINOPS_WAREHOUSE_URL", url)
    monkeypatch.setenv("BRAINOPS_SAMPLE_DIR", str(sample_dir))
    monkeypatch.setattr(upload_sensor, "SETTLE_SECONDS", 0)
    files = sorted(p for p in (sample_dir / "ies").iterdir() if p.is_file())
    by_sha = {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in files}
    assert len(files) >= 5

    cli._submit_sample_statements(url)  # what `brainops up` does before it starts the daemon
    assert submit_sample_statements(url, sample_dir) == (0, len(files))  # a second `make run` adds nothing
    with psycopg.connect(url) as conn:
        recorded = conn.execute("SELECT sha256, received_via, api_key_id, owner_id, status FROM app.uploads").fetchall()
        ids = {doc: by_sha[sha] for doc, sha in conn.execute("SELECT document_id, sha256 FROM app.uploads")}
    # No applicant owns the sample's statements: staff read them (brainops/access.py).
    assert sorted(recorded) == sorted((sha, "sample", None, None, "queued") for sha in by_sha)
    assert all(p.exists() for p in files)  # the sample keeps its files; the store has copies

    truths = {json.loads(t.read_text())["file"]: json.loads(t.read_text())
              for t in (sample_dir / "truth" / "ies").glob("*.json")}
    keys = make_keys(url)
    with dg.instance_for_test() as instance, TestClient(create_app(url)) as client:
        first = tick(instance, url, None)
        assert sorted(r.partition_key for r in first.run_requests) == sorted(ids)
        # One text-layer PDF is enough to follow the path to the end (the others run the same asset).
        pdf = next(doc for doc, p in ids.items() if p.suffix == ".pdf" and not truths[p.name]["scanned"])
        request = next(r for r in first.run_requests if r.partition_key == pdf)
        assert run(instance, request, url).success
        second = tick(instance, url, first.cursor)
        (refresh,) = second.run_requests
        assert refresh.partition_key is None and run(instance, refresh, url).success
        assert not tick(instance, url, second.cursor).run_requests  # nothing submitted twice

        risk = client.get(f"/api/v1/ies/{pdf}/risk", headers=keys.h("admin"))
        assert risk.status_code == 200, risk.text
        body = risk.json()
        assert 0 <= body["score"] <= 100 and body["grade"] in "ABCDE"
        assert client.get(f"/api/v1/ies/{pdf}", headers=keys.h("admin")).json()["status"] == "extracted"
        assert client.get(f"/api/v1/ies/{pdf}/risk", headers=keys.h("applicant")).status_code == 404
        waiting = next(doc for doc in ids if doc != pdf)
        assert client.get(f"/api/v1/ies/{waiting}", headers=keys.h("admin")).json()["status"] == "queued"

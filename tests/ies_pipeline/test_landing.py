"""Files dropped into IES_LANDING_DIR: moved into the store and recorded as uploads by the sensor's
tick; what is no statement is quarantined with its reason; partial files wait."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import dagster as dg
import psycopg

from pipelines.ies import uploads
from tests.ies_pipeline.conftest import IesEnv, sample_statements, tick


def test_the_landing_dir_is_taken_in_and_junk_quarantined(
    fresh_warehouse: str, ies_env: IesEnv, sample_dir: Path
) -> None:
    csv_path, _truth = sample_statements(sample_dir)["csv"]
    landing = ies_env.landing_dir
    (landing / csv_path.name).write_bytes(csv_path.read_bytes())
    (landing / "photo.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(500))  # named .pdf, is not one
    (landing / "upload.csv.part").write_bytes(b"Line,2025\n")  # still being copied
    (landing / ".DS_Store").write_bytes(b"\x00\x01")
    old = time.time() - 60
    for path in landing.iterdir():
        os.utime(path, (old, old))

    store = uploads.UploadStore()
    with psycopg.connect(fresh_warehouse) as conn:
        intake = uploads.intake_landing(conn, store, landing)
    assert [r.upload.source_file for r in intake.recorded] == [csv_path.name]
    assert [name for name, _reason in intake.quarantined] == ["photo.pdf"]
    assert "is a picture" in intake.quarantined[0][1] and "Accepted: PDF" in intake.quarantined[0][1]
    assert sorted(p.name for p in landing.iterdir()) == [".DS_Store", "upload.csv.part"]

    sha = hashlib.sha256(csv_path.read_bytes()).hexdigest()
    assert (ies_env.upload_dir / "store" / sha[:2] / f"{sha}.csv").read_bytes() == csv_path.read_bytes()
    quarantined = list((ies_env.upload_dir / "quarantine").iterdir())
    assert sorted(p.name.split("__", 1)[1] for p in quarantined) == ["photo.pdf", "photo.pdf.reason.txt"]
    with psycopg.connect(fresh_warehouse) as conn:
        assert conn.execute("SELECT received_via, api_key_id, status FROM app.uploads").fetchall() == [
            ("landing", None, "queued")]
        reason = conn.execute("SELECT source_file, received_via, reason FROM app.upload_quarantine").fetchall()
    assert reason[0][:2] == ("photo.pdf", "landing") and "Accepted: PDF" in reason[0][2]

    # The same statement dropped again is a duplicate: it leaves the landing dir, no second upload.
    (landing / "copy.csv").write_bytes(csv_path.read_bytes())
    os.utime(landing / "copy.csv", (old, old))
    with psycopg.connect(fresh_warehouse) as conn:
        again = uploads.intake_landing(conn, store, landing)
        assert conn.execute("SELECT count(*) FROM app.uploads").fetchone()[0] == 1
    assert [r.duplicate for r in again.recorded] == [True] and not (landing / "copy.csv").exists()


def test_a_file_still_being_written_waits_for_the_next_scan(fresh_warehouse: str, ies_env: IesEnv) -> None:
    (ies_env.landing_dir / "fresh.csv").write_bytes(b"Line,2025\nRent,100\nTotal Income,100\n")
    with psycopg.connect(fresh_warehouse) as conn:
        intake = uploads.intake_landing(conn, uploads.UploadStore(), ies_env.landing_dir, settle_seconds=30)
    assert intake.waiting == ["fresh.csv"] and intake.recorded == []
    assert (ies_env.landing_dir / "fresh.csv").exists()


def test_the_sensor_takes_in_the_landing_dir_and_requests_a_run_per_document(
    fresh_warehouse: str, ies_env: IesEnv, sample_dir: Path, monkeypatch
) -> None:
    from sensors import uploads as upload_sensor

    monkeypatch.setattr(upload_sensor, "SETTLE_SECONDS", 0)
    statements = sample_statements(sample_dir)
    for path, _truth in statements.values():
        (ies_env.landing_dir / path.name).write_bytes(path.read_bytes())
    with dg.instance_for_test() as instance:
        first = tick(instance, fresh_warehouse, None)
        partitions = sorted(instance.get_dynamic_partitions("ies_documents"))
        assert len(first.run_requests) == 3 and len(partitions) == 3
        assert sorted(r.partition_key for r in first.run_requests) == partitions
        assert all(r.asset_selection == [dg.AssetKey(["raw", "ies_extractions"])] for r in first.run_requests)
        assert list(ies_env.landing_dir.iterdir()) == []
        second = tick(instance, fresh_warehouse, first.cursor)  # nothing new, nothing materialized yet
        assert not second.run_requests and not second.dynamic_partitions_requests

"""CenterPoint → raw.centerpoint_* end to end: the real client, the local server, a real Postgres."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg
import pytest

from brainops.standins import centerpoint as standin
from brainops.standins.runner import free_port, serve_in_thread
from pipelines.centerpoint.catalog import RESOURCES
from pipelines.centerpoint.client import CenterPointClient, CenterPointError
from pipelines.centerpoint.sync import sync_resource


def jsonl_ids(sample_dir: Path, resource: str) -> set[str]:
    with (sample_dir / "centerpoint" / f"{resource}.jsonl").open() as f:
        return {json.loads(line)["id"] for line in f}


def table_ids(conn: psycopg.Connection, resource: str) -> list[str]:
    return [r[0] for r in conn.execute(f"SELECT id FROM raw.centerpoint_{resource}")]


@pytest.fixture
def standin_url(sample_dir: Path):
    with serve_in_thread(standin.create_app(standin.open_store(sample_dir))) as url:
        yield f"{url}/centerpoint/"


def test_full_sync_lands_every_record_and_a_rerun_changes_nothing(
    fresh_warehouse: str, sample_dir: Path, standin_url: str
) -> None:
    with psycopg.connect(fresh_warehouse) as conn, CenterPointClient(standin_url, "sample") as client:
        for name, spec in RESOURCES.items():
            first = sync_resource(conn, client, spec)
            assert first.upserted.inserted == len(jsonl_ids(sample_dir, name)), name
        counts = {name: len(table_ids(conn, name)) for name in RESOURCES}
        for name, spec in RESOURCES.items():
            again = sync_resource(conn, client, spec)
            assert again.upserted.inserted == 0, name
            # Only records at the cursor's own timestamp come back (the `gte` overlap).
            assert again.fetched < max(10, counts[name] // 10), name
        assert {name: len(table_ids(conn, name)) for name in RESOURCES} == counts
        for name in RESOURCES:
            assert set(table_ids(conn, name)) == jsonl_ids(sample_dir, name)


def test_an_edit_in_the_crm_arrives_incrementally(fresh_warehouse: str, sample_dir: Path, standin_url: str) -> None:
    spec = RESOURCES["companies"]
    some_id = sorted(jsonl_ids(sample_dir, "companies"))[3]
    with psycopg.connect(fresh_warehouse) as conn, CenterPointClient(standin_url, "sample") as client:
        sync_resource(conn, client, spec)
        httpx.post(
            standin_url.replace("/centerpoint/", f"/_admin/companies/{some_id}"), json={"name": "Renamed Roofing"}
        )
        result = sync_resource(conn, client, spec)
        name = conn.execute(
            "SELECT attributes->>'name' FROM raw.centerpoint_companies WHERE id = %s", (some_id,)
        ).fetchone()[0]
    assert name == "Renamed Roofing"
    # The edit, plus the record(s) at the old cursor's timestamp (the `gte` overlap), which change nothing.
    assert result.fetched <= 3 and result.upserted.updated == 1 and result.upserted.inserted == 0


def _start_server(sample_dir: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "brainops.standins", "centerpoint", "--sample", str(sample_dir), "--port", str(port)]
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/centerpoint/companies", headers={"Authorization": "Bearer sample"})
            return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("stand-in did not start")


def test_a_sync_cut_off_midway_resumes_without_duplicates_or_loss(fresh_warehouse: str, sample_dir: Path) -> None:
    spec = RESOURCES["invoices"]
    expected = jsonl_ids(sample_dir, "invoices")
    port = free_port()
    base = f"http://127.0.0.1:{port}/centerpoint/"
    server = _start_server(sample_dir, port)
    try:
        with psycopg.connect(fresh_warehouse) as conn:
            client = CenterPointClient(base, "sample", page_size=25, max_retries=1, backoff_base=0.01)

            def kill_after_first_batch(result, total) -> None:
                if server.poll() is None:
                    server.kill()
                    server.wait()

            conn.execute("SELECT 1")  # leave an implicit transaction open, as callers do
            with pytest.raises(CenterPointError, match="unavailable"):
                sync_resource(conn, client, spec, batch_rows=100, progress=kill_after_first_batch)
            conn.rollback()  # what a failing caller does: the batches already committed must survive
            with psycopg.connect(fresh_warehouse) as other:  # seen from another session
                partial = table_ids(other, "invoices")
            assert 0 < len(partial) < len(expected)

            server = _start_server(sample_dir, port)
            resumed = sync_resource(conn, client, spec)
            ids = table_ids(conn, "invoices")
            client.close()
        assert resumed.cursor_before is not None  # it resumed from the saved cursor, not from scratch
        assert resumed.fetched < len(expected)
        assert len(ids) == len(set(ids)) == len(expected)
        assert set(ids) == expected
    finally:
        server.kill()

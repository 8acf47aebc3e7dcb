"""The upload sensor's queue: the cursor, and uploads that stay queued (late commits, lost runs)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import psycopg

from pipelines.ies import uploads
from sensors.uploads import Cursor
from tests.ies_pipeline.conftest import IesEnv, sample_statements, tick


def test_an_upload_left_queued_is_requested_again_under_the_same_run_key(
    fresh_warehouse: str, ies_env: IesEnv, sample_dir: Path
) -> None:
    path, _truth = sample_statements(sample_dir)["csv"]
    store = uploads.UploadStore()
    with psycopg.connect(fresh_warehouse) as conn:
        stored = store.put_bytes(path.read_bytes(), kind="csv")
        recorded = uploads.record_upload(conn, stored, source_file=path.name, received_via="api")
        conn.commit()
    with dg.instance_for_test() as instance:
        first = tick(instance, fresh_warehouse, None)
        assert [r.run_key for r in first.run_requests] == [f"ies-extract-{recorded.upload.upload_id}"]
        assert Cursor.parse(first.cursor).after == recorded.upload.upload_id
        assert not tick(instance, fresh_warehouse, first.cursor).run_requests  # recent: its run may be queued

        with psycopg.connect(fresh_warehouse) as conn:
            conn.execute("UPDATE app.uploads SET received_at = now() - interval '1 hour'")
        again = tick(instance, fresh_warehouse, first.cursor)
        # Same run key: the daemon launches it only if no run with that key exists (a lost or never-launched run).
        assert [r.run_key for r in again.run_requests] == [f"ies-extract-{recorded.upload.upload_id}"]
        assert not again.dynamic_partitions_requests  # the partition exists already

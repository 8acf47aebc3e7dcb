"""A test-only code location: one asset that takes a few seconds, so that a test can kill the daemon (with the
code server and the run worker it spawned) while a run of it is in flight. Each start and finish leaves a file in
FAULTS_MARKER_DIR, named after the run. (No `from __future__ import annotations`: Dagster reads the context's
type hint.)"""

import os
import time
from pathlib import Path

import dagster as dg


@dg.asset
def slow_asset(context: dg.AssetExecutionContext) -> None:
    markers = Path(os.environ["FAULTS_MARKER_DIR"])
    (markers / f"started-{context.run.run_id}").write_text(str(os.getpid()))
    time.sleep(float(os.environ.get("FAULTS_SLOW_SECONDS", "4")))
    (markers / f"finished-{context.run.run_id}").write_text(str(os.getpid()))


slow_job = dg.define_asset_job("slow_job", selection=[slow_asset])

defs = dg.Definitions(assets=[slow_asset], jobs=[slow_job])

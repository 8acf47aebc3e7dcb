"""The Dagster daemon killed mid-run: SIGKILL to its process group, so the code server it spawned and the run
worker die with it (as when `brainops up` has to kill what does not stop, or the host goes down). Nothing is left
to report the run's end, so it would stay STARTED for ever; once the daemon is back, run monitoring (with the
platform's run launcher's health check) marks it FAILURE, saying its worker died, and run retries launch it
again, which succeeds.

Real processes: `dagster-daemon run` against a Dagster home on Postgres with the platform's dagster.yaml (only its
intervals shortened), a test code location whose asset sleeps a few seconds, the run queued by `dagster job
launch` as the UI would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TypeVar

import dagster as dg
import pytest
import yaml

from brainops import bootstrap
from brainops.paths import PROJECT_ROOT
from tests.faults.conftest import DagsterHome

BIN = Path(sys.executable).parent
LOCATION = Path(__file__).with_name("slow_location.py")
SLOW_SECONDS = 4
T = TypeVar("T")


def wait_for(check: Callable[[], T | None], what: str, log: Path, timeout: float = 180) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}; the daemon said:\n{log.read_text()[-4000:]}")


class Daemon:
    """`dagster-daemon run` as `brainops up` starts it: its own session, so its process group holds the code
    server and run workers it spawns."""

    def __init__(self, home: DagsterHome, workspace: Path, env: dict[str, str], log: Path) -> None:
        self.args = [str(BIN / "dagster-daemon"), "run", "-w", str(workspace)]
        self.env, self.log = env, log
        self.process: subprocess.Popen | None = None
        self._out: IO[str] | None = None

    def start(self) -> None:
        self._out = self.log.open("a")
        self.process = subprocess.Popen(self.args, cwd=self.log.parent, env=self.env, start_new_session=True,
                                        stdout=self._out, stderr=subprocess.STDOUT)

    def kill_group(self, sig: int) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)
        if self._out is not None:
            self._out.close()


@pytest.fixture
def daemon(dagster_home: DagsterHome, tmp_path: Path) -> Iterator[Daemon]:
    workspace = tmp_path / "workspace.yaml"
    workspace.write_text(yaml.safe_dump({"load_from": [{"python_file": {
        "relative_path": str(LOCATION), "working_directory": str(LOCATION.parent), "location_name": "faults"}}]}))
    (tmp_path / "markers").mkdir()
    env = {**dagster_home.env, "FAULTS_MARKER_DIR": str(tmp_path / "markers"),
           "FAULTS_SLOW_SECONDS": str(SLOW_SECONDS),
           "DAGSTER_EVENT_LOG_CONSUMER_DAEMON_INTERVAL_SECONDS": "1"}  # how often run retries look (default 5)
    running = Daemon(dagster_home, workspace, env, tmp_path / "daemon.log")
    try:
        yield running
    finally:
        try:
            running.kill_group(signal.SIGTERM)
        except subprocess.TimeoutExpired:
            running.kill_group(signal.SIGKILL)


def test_a_run_whose_daemon_was_killed_is_marked_failed_and_retried(
    dagster_home: DagsterHome, daemon: Daemon, tmp_path: Path
) -> None:
    markers, log = tmp_path / "markers", daemon.log
    daemon.start()
    launched = subprocess.run([str(BIN / "dagster"), "job", "launch", "-w", str(tmp_path / "workspace.yaml"),
                               "-j", "slow_job"], env=daemon.env, cwd=tmp_path, capture_output=True, text=True,
                              timeout=180)
    assert launched.returncode == 0, launched.stderr[-3000:]
    instance = dagster_home.instance()
    [queued] = instance.get_runs()
    run_id = queued.run_id

    # Mid-run: the daemon dequeued and launched it, and the asset is sleeping in its run worker.
    wait_for(lambda: (markers / f"started-{run_id}").exists(), "the run to start", log)
    daemon.kill_group(signal.SIGKILL)
    time.sleep(2)  # were anything left to report the end, it would have by now
    assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.STARTED  # and nothing ever would
    assert not (markers / f"finished-{run_id}").exists()

    daemon.start()
    failed = wait_for(lambda: (r := instance.get_run_by_id(run_id)).is_finished and r, "the run to be ended", log)
    assert failed.status == dg.DagsterRunStatus.FAILURE
    [failure] = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.RUN_FAILURE).records
    reason = failure.event_log_entry.message
    assert "Detected run worker status FAILED" in reason
    assert "that launched this run is gone, and its run worker (pid " in reason

    def retry_done() -> dg.DagsterRun | None:
        runs = instance.get_runs(filters=dg.RunsFilter(tags={"dagster/parent_run_id": run_id}))
        return runs[0] if runs and runs[0].is_finished else None

    retry = wait_for(retry_done, "the retry to finish", log)
    assert retry.status == dg.DagsterRunStatus.SUCCESS, log.read_text()[-4000:]
    assert retry.root_run_id == run_id and retry.tags["dagster/retry_number"] == "1"
    assert (markers / f"finished-{retry.run_id}").exists()
    assert instance.get_run_by_id(run_id).tags["dagster/will_retry"] == "true"


def test_the_local_and_the_compose_instance_share_these_settings() -> None:
    local = yaml.safe_load(bootstrap.DAGSTER_YAML)
    deployed = yaml.safe_load((PROJECT_ROOT / "deploy" / "dagster.yaml").read_text())
    for block in ("run_launcher", "run_monitoring", "run_retries"):
        assert local[block] == deployed[block], block
    assert local["run_launcher"] == {"module": "brainops.run_launcher", "class": "MonitoredRunLauncher"}
    assert local["run_monitoring"]["enabled"] and local["run_retries"]["enabled"]
    assert local["run_retries"]["retry_on_asset_or_op_failure"] is False  # only a dead worker is retried

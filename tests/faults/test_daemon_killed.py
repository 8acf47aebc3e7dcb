"""The Dagster daemon killed mid-run.

Local form (`brainops up`): SIGKILL to the daemon's process group, so the code server it spawned and the run
worker die with it (as when `brainops up` has to kill what does not stop, or the host goes down). Nothing is left
to report the run's end, so it would stay STARTED for ever; once the daemon is back, run monitoring (with the
platform's run launcher's health check) marks it FAILURE, saying its worker died, and run retries launch it
again, which succeeds.

docker-compose form (a code server of its own, `dagster api grpc`): the daemon alone killed leaves the run to
finish on the code server, and the daemon back does not fail it; the daemon and the code server both killed (the
host restarted) make the run FAILURE once they are back, and its retry succeeds.

Real processes: `dagster-daemon run` against a Dagster home on Postgres with the platform's dagster.yaml (only its
intervals shortened), a test code location whose asset sleeps a few seconds, runs queued by `dagster job launch`
as the UI would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TypeVar

import dagster as dg
import pytest
import yaml

from brainops import bootstrap
from brainops.paths import PROJECT_ROOT
from brainops.standins.runner import free_port
from tests.faults.conftest import DagsterHome

BIN = Path(sys.executable).parent
LOCATION = Path(__file__).with_name("slow_location.py")
SLOW_SECONDS = 4
T = TypeVar("T")


class Process:
    """A long-running Dagster process in its own session (as `brainops up` and containers start them), so its
    process group holds what it spawns: a daemon's code server and run workers, a code server's run workers."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.args, self.env, self.log = args, env, log
        self.process: subprocess.Popen | None = None
        self._out: IO[str] | None = None

    def start(self) -> None:
        self._out = self.log.open("a")
        self.process = subprocess.Popen(self.args, cwd=self.log.parent, env=self.env, start_new_session=True,
                                        stdout=self._out, stderr=subprocess.STDOUT)

    def kill_group(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)
        if self._out is not None:
            self._out.close()

    def stop(self) -> None:
        try:
            self.kill_group(signal.SIGTERM)
        except subprocess.TimeoutExpired:
            self.kill_group(signal.SIGKILL)


@dataclass
class Stack:
    home: DagsterHome
    instance: dg.DagsterInstance
    workspace: Path
    markers: Path
    env: dict[str, str]
    logs: list[Path]

    def wait_for(self, check: Callable[[], T | None], what: str, timeout: float = 180) -> T:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if found := check():
                return found
            time.sleep(0.5)
        said = "\n".join(log.read_text()[-3000:] for log in self.logs if log.exists())
        raise AssertionError(f"timed out waiting for {what}; the processes said:\n{said}")

    def launch(self) -> str:
        """Queue a run of slow_job as the UI does; its id."""
        before = {r.run_id for r in self.instance.get_runs()}
        done = subprocess.run([str(BIN / "dagster"), "job", "launch", "-w", str(self.workspace), "-j", "slow_job"],
                              env=self.env, cwd=self.workspace.parent, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr[-3000:]
        [run_id] = {r.run_id for r in self.instance.get_runs()} - before
        return run_id

    def mid_run(self, run_id: str) -> None:
        self.wait_for(lambda: (self.markers / f"started-{run_id}").exists(), f"run {run_id} to start its asset")

    def ended(self, run_id: str) -> dg.DagsterRun:
        return self.wait_for(lambda: (r := self.instance.get_run_by_id(run_id)).is_finished and r,
                             f"run {run_id} to end")

    def retry_of(self, run_id: str) -> dg.DagsterRun:
        def finished_retry() -> dg.DagsterRun | None:
            runs = self.instance.get_runs(filters=dg.RunsFilter(tags={"dagster/parent_run_id": run_id}))
            return runs[0] if runs and runs[0].is_finished else None

        return self.wait_for(finished_retry, f"the retry of {run_id} to finish")

    def failure_reason(self, run_id: str) -> str:
        [failure] = self.instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.RUN_FAILURE).records
        return failure.event_log_entry.message


def make_stack(home: DagsterHome, tmp_path: Path, location: dict) -> Stack:
    workspace = tmp_path / "workspace.yaml"
    workspace.write_text(yaml.safe_dump({"load_from": [location]}))
    markers = tmp_path / "markers"
    markers.mkdir()
    env = {**home.env, "FAULTS_MARKER_DIR": str(markers), "FAULTS_SLOW_SECONDS": str(SLOW_SECONDS),
           "DAGSTER_EVENT_LOG_CONSUMER_DAEMON_INTERVAL_SECONDS": "1"}  # how often run retries look (default 5)
    return Stack(home, home.instance(), workspace, markers, env, [])


@pytest.fixture
def processes() -> Iterator[list[Process]]:
    started: list[Process] = []
    try:
        yield started
    finally:
        for process in reversed(started):
            process.stop()


def test_a_run_whose_daemon_was_killed_is_marked_failed_and_retried(
    dagster_home: DagsterHome, tmp_path: Path, processes: list[Process]
) -> None:
    stack = make_stack(dagster_home, tmp_path, {"python_file": {
        "relative_path": str(LOCATION), "working_directory": str(LOCATION.parent), "location_name": "faults"}})
    daemon = Process([str(BIN / "dagster-daemon"), "run", "-w", str(stack.workspace)], stack.env,
                     tmp_path / "daemon.log")
    processes.append(daemon)
    stack.logs.append(daemon.log)
    daemon.start()
    run_id = stack.launch()

    stack.mid_run(run_id)  # the daemon dequeued and launched it; the asset sleeps in the run worker
    daemon.kill_group()
    time.sleep(2)  # were anything left to report the end, it would have by now
    assert stack.instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.STARTED  # and nothing ever would
    assert not (stack.markers / f"finished-{run_id}").exists()

    daemon.start()
    failed = stack.ended(run_id)
    assert failed.status == dg.DagsterRunStatus.FAILURE
    reason = stack.failure_reason(run_id)
    assert "Detected run worker status FAILED" in reason
    assert "that launched this run is gone, and its run worker (pid " in reason

    retry = stack.retry_of(run_id)
    assert retry.status == dg.DagsterRunStatus.SUCCESS
    assert retry.root_run_id == run_id and retry.tags["dagster/retry_number"] == "1"
    assert (stack.markers / f"finished-{retry.run_id}").exists()
    assert stack.instance.get_run_by_id(run_id).tags["dagster/will_retry"] == "true"


def test_with_a_code_server_of_its_own_only_a_run_that_lost_its_worker_is_failed_and_retried(
    dagster_home: DagsterHome, tmp_path: Path, processes: list[Process]
) -> None:
    port = free_port()
    stack = make_stack(dagster_home, tmp_path, {"grpc_server": {
        "host": "localhost", "port": port, "location_name": "faults"}})
    # As docker-compose's code-location runs it.
    server = Process([str(BIN / "dagster"), "api", "grpc", "-h", "127.0.0.1", "-p", str(port), "-f", str(LOCATION),
                      "-d", str(LOCATION.parent)], stack.env, tmp_path / "code-server.log")
    daemon = Process([str(BIN / "dagster-daemon"), "run", "-w", str(stack.workspace)], stack.env,
                     tmp_path / "daemon.log")
    processes.extend([server, daemon])
    stack.logs.extend([server.log, daemon.log])

    def healthy() -> bool:
        check = subprocess.run([str(BIN / "dagster"), "api", "grpc-health-check", "-p", str(port)],
                               capture_output=True, timeout=60)
        return check.returncode == 0

    server.start()
    stack.wait_for(healthy, "the code server")
    daemon.start()

    # The daemon alone killed: the run goes on in the code server, and the daemon back leaves it be.
    first = stack.launch()
    stack.mid_run(first)
    daemon.kill_group()
    daemon.start()
    assert stack.ended(first).status == dg.DagsterRunStatus.SUCCESS
    assert not stack.instance.get_runs(filters=dg.RunsFilter(tags={"dagster/parent_run_id": first}))

    # Both killed, as a host restart does: once they are back, the run is failed and retried.
    second = stack.launch()
    stack.mid_run(second)
    daemon.kill_group()
    server.kill_group()
    server.start()
    stack.wait_for(healthy, "the code server to be back")
    daemon.start()
    assert stack.ended(second).status == dg.DagsterRunStatus.FAILURE
    assert f"The code server at localhost:{port} no longer runs this run" in stack.failure_reason(second)
    retry = stack.retry_of(second)
    assert retry.status == dg.DagsterRunStatus.SUCCESS
    assert (stack.markers / f"finished-{retry.run_id}").exists()


def test_the_local_and_the_compose_instance_share_these_settings() -> None:
    local = yaml.safe_load(bootstrap.DAGSTER_YAML)
    deployed = yaml.safe_load((PROJECT_ROOT / "deploy" / "dagster.yaml").read_text())
    for block in ("run_launcher", "run_monitoring", "run_retries"):
        assert local[block] == deployed[block], block
    assert local["run_launcher"] == {"module": "brainops.run_launcher", "class": "MonitoredRunLauncher"}
    assert local["run_monitoring"]["enabled"] and local["run_retries"]["enabled"]
    assert local["run_retries"]["retry_on_asset_or_op_failure"] is False  # only a dead worker is retried

"""The run launcher of both Dagster instances (dagster.yaml from brainops/bootstrap.py, deploy/dagster.yaml):
Dagster's DefaultRunLauncher (each run a subprocess of the code server that holds its code) plus the run-worker
health check DefaultRunLauncher lacks, so that run monitoring can tell a run whose worker died from one at work.

Without it a run whose code server and worker were killed (the daemon that spawned them SIGKILLed, the container
or host restarted) stays STARTED for ever: nothing is left to report its end, and Dagster's run monitoring only
checks the workers of launchers that support it (not DefaultRunLauncher, as of Dagster 1.13). With it, the
monitoring daemon asks, every poll_interval_seconds, whether each started run's worker lives:
- the code server that launched the run answers and still runs it: RUNNING;
- it answers but does not know the run (it restarted since, and the worker went with it): FAILED;
- it is gone (connection refused, no such host or socket): FAILED, unless the worker's process (its pid is in the
  run's events) is still alive on this host: an orphaned worker finishes and reports on its own;
- anything else (slow to answer, a server that cannot tell): RUNNING, asked again next poll. This needs a
  `dagster api grpc` code server (what the daemon spawns locally, and docker-compose's code-location): the
  `dagster code-server start` proxy does not pass the question on.
Dagster marks a FAILED one failed, with the reason below, and run retries (run_retries) launch it again.
"""

from __future__ import annotations

import json
import os
import socket

import grpc
from dagster import DagsterEventType
from dagster._core.errors import DagsterUserCodeUnreachableError
from dagster._core.launcher import CheckRunHealthResult, DefaultRunLauncher, WorkerStatus
from dagster._core.storage.dagster_run import DagsterRun
from dagster._core.storage.tags import GRPC_INFO_TAG
from dagster._grpc.client import DagsterGrpcClient
from dagster._grpc.types import GetCurrentRunsResult
from dagster._serdes import deserialize_value

WORKER_STARTED = "Started process for run"  # the run worker's first engine event, with its pid
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


class MonitoredRunLauncher(DefaultRunLauncher):
    """DefaultRunLauncher whose run workers the monitoring daemon can health-check."""

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: DagsterRun) -> CheckRunHealthResult:
        info = json.loads(run.tags.get(GRPC_INFO_TAG) or "{}")
        if not info:
            # Not launched through a code server (e.g. `dagster job execute` runs it in its own process).
            return CheckRunHealthResult(WorkerStatus.RUNNING, "not launched by a code server; not checked")
        where = info.get("socket") or f"{info.get('host')}:{info.get('port')}"
        client = DagsterGrpcClient(host=info.get("host", "localhost"), port=info.get("port"),
                                   socket=info.get("socket"), use_ssl=bool(info.get("use_ssl")))
        try:
            current = deserialize_value(client.get_current_runs(), GetCurrentRunsResult).current_runs
        except DagsterUserCodeUnreachableError as exc:
            code = exc.__cause__.code() if isinstance(exc.__cause__, grpc.RpcError) else None
            if code == grpc.StatusCode.UNAVAILABLE:  # refused, no such socket or host: the server is gone
                return self._server_gone(run, info, where)
            # Slow to answer, or a server that cannot tell (`dagster code-server start` does not pass this
            # question on to the server that runs the code): never fail a run on a doubt; asked again next poll.
            return CheckRunHealthResult(WorkerStatus.RUNNING, f"the code server at {where} could not tell: {exc}")
        if run.run_id in current:
            return CheckRunHealthResult(WorkerStatus.RUNNING)
        return CheckRunHealthResult(
            WorkerStatus.FAILED,
            f"The code server at {where} no longer runs this run: it restarted after launching it, and the run "
            "worker went with it. The run did not finish.",
        )

    def _server_gone(self, run: DagsterRun, info: dict, where: str) -> CheckRunHealthResult:
        pid = self._worker_pid(run)
        local = bool(info.get("socket")) or info.get("host") in LOCAL_HOSTS | {socket.gethostname()}
        if pid is not None and local and _alive(pid):
            return CheckRunHealthResult(
                WorkerStatus.RUNNING, f"its code server at {where} is gone, but its worker (pid {pid}) still runs")
        worker = f"its run worker (pid {pid})" if pid is not None else "its run worker"
        return CheckRunHealthResult(
            WorkerStatus.FAILED,
            f"The code server at {where} that launched this run is gone, and {worker} with it: the processes were "
            "killed (the daemon, container or host went down) before the run finished.",
        )

    def _worker_pid(self, run: DagsterRun) -> int | None:
        records = self._instance.get_records_for_run(
            run.run_id, of_type=DagsterEventType.ENGINE_EVENT, limit=50).records
        for record in records:
            entry = record.event_log_entry
            event = entry.dagster_event
            if event is None or not (entry.message or "").startswith(WORKER_STARTED):
                continue
            pid = event.engine_event_data.metadata.get("pid")
            if pid is not None:
                return int(getattr(pid, "text", pid))
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True

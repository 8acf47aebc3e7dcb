"""Following a run through Dagster's automatic retries (run_retries in dagster.yaml: a run whose worker died is
launched again): a sensor settles the work of a failed run only once no retry of it is coming."""

from __future__ import annotations

import dagster as dg
from dagster._core.storage.tags import AUTO_RETRY_RUN_ID_TAG

MAX_CHAIN = 20  # retries of retries; run_retries allows far fewer


def latest_attempt(instance: dg.DagsterInstance, run: dg.DagsterRun) -> dg.DagsterRun:
    """The newest run in `run`'s chain of automatic retries (`run` itself when it was not retried)."""
    for _ in range(MAX_CHAIN):
        retry_id = run.tags.get(AUTO_RETRY_RUN_ID_TAG)
        retry = instance.get_run_by_id(retry_id) if retry_id else None
        if retry is None:
            return run
        run = retry
    return run


def retry_pending(run: dg.DagsterRun) -> bool:
    """Failed, and Dagster is about to launch a retry of it."""
    return run.is_complete_and_waiting_to_retry

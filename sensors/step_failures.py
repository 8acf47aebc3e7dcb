"""What a failed step said, for the sensors that report it: a dg.Failure's description (how the source assets
word an outage: which source, for how long, what to do), else the exception the step raised. After step retries
Dagster's own message is only "Exceeded max_retries of N"; the step's reason is underneath."""

from __future__ import annotations

import dagster as dg
from dagster._core.execution.plan.objects import StepFailureData


def step_failure_text(data: StepFailureData | None) -> str | None:
    if data is None:
        return None
    if data.user_failure_data is not None and data.user_failure_data.description:
        return data.user_failure_data.description.strip()
    if data.error is not None:
        return (data.error.cause or data.error).message.strip()
    return None


def step_failures(instance: dg.DagsterInstance, run_id: str) -> list[tuple[str, str]]:
    """(step key, what it said) for each failed step of a run, in order."""
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.STEP_FAILURE).records
    found = []
    for record in records:
        event = record.event_log_entry.dagster_event
        text = step_failure_text(event.step_failure_data) if event else None
        if event is not None and text:
            found.append((event.step_key or "", text))
    return found

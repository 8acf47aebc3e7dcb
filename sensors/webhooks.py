"""The webhook sensor: turns stored webhook events (app.webhook_events) into targeted runs.

Each tick, first the batch in flight: once its run succeeded its events get processed_at; if it
failed (or never launched) they are counted a failed attempt and retried with the next batch, up to
WEBHOOK_MAX_ATTEMPTS, then left unprocessed with last_error. A run that Dagster retries itself (run_retries:
its worker died) is waited for; the retry carries the batch's tags. Then, with no batch in flight, the new
events of every source that can route them become ONE run of the assets they change plus every
dbt model downstream. One batch at a time: events arriving meanwhile wait for the next, bigger batch.

The cursor (JSON) holds the last webhook_event_id seen per source and the batch in flight. New events
are read from the table as a queue (never handed to a run yet), so an insert that committed late is not
skipped. The SQL and the routing live in pipelines/webhook_queue.py.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field

import dagster as dg

from pipelines import webhook_queue as queue
from pipelines.resources.warehouse import WarehouseResource
from sensors.retries import retry_pending
from sensors.step_failures import step_failures

BATCH_TAG = "brainops/webhook_batch"
EVENTS_TAG = "brainops/webhook_event_ids"
MAX_BATCH = 500
LAUNCH_TIMEOUT_SECONDS = 600  # a requested run that never appears counts as failed
INTERVAL_SECONDS = int(os.environ.get("WEBHOOK_SENSOR_INTERVAL_SECONDS") or 15)
MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS") or 3)
FINISHED = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}


@dataclass
class Batch:
    key: str
    ids: list[int]
    requested_at: float


@dataclass
class Cursor:
    after: dict[str, int] = field(default_factory=dict)  # last webhook_event_id seen, per source
    batch: Batch | None = None

    @classmethod
    def parse(cls, raw: str | None) -> Cursor:
        if not raw:
            return cls()
        data = json.loads(raw)
        batch = data.get("batch")
        return cls(after=dict(data.get("after") or {}), batch=Batch(**batch) if batch else None)

    def dump(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))


def _run_of(instance: dg.DagsterInstance, batch: Batch) -> dg.DagsterRun | None:
    runs = instance.get_runs(filters=dg.RunsFilter(tags={BATCH_TAG: batch.key}), limit=1)
    return runs[0] if runs else None


def _failure_message(instance: dg.DagsterInstance, run: dg.DagsterRun) -> str:
    try:
        for _step, text in step_failures(instance, run.run_id):
            return f"run {run.run_id} {run.status.value.lower()}: {text[:1500]}"
    except Exception:  # the message is a courtesy; the status is what counts
        pass
    return f"run {run.run_id} {run.status.value.lower()}"


def _downstream(graph, keys: set[tuple[str, ...]]) -> list[dg.AssetKey]:
    """The routed assets plus everything downstream of them (the dbt models), resolved on this code location."""
    selected = dg.AssetSelection.assets(*(dg.AssetKey(list(k)) for k in keys)).downstream().resolve(graph)
    return sorted(selected & graph.materializable_asset_keys, key=lambda k: k.to_user_string())


def _settle(context: dg.SensorEvaluationContext, conn, batch: Batch) -> str | list[int]:
    """What became of the batch in flight: a reason to keep waiting, or the events to try again."""
    run = _run_of(context.instance, batch)
    if run is not None:
        queue.record_run(conn, batch.ids, run.run_id)
    if run is None and time.time() - batch.requested_at < LAUNCH_TIMEOUT_SECONDS:
        return f"Waiting for the run of webhook batch {batch.key} to start."
    if run is not None and run.status not in FINISHED:
        return f"Webhook batch {batch.key} is in run {run.run_id} ({run.status.value})."
    if run is not None and retry_pending(run):  # its worker died; the retry carries the batch's tag too
        return f"Webhook batch {batch.key}: run {run.run_id} failed and Dagster is launching a retry of it."
    if run is not None and run.status == dg.DagsterRunStatus.SUCCESS:
        queue.mark_processed(conn, batch.ids, run.run_id)
        context.log.info(f"Webhook batch {batch.key}: {len(batch.ids)} events processed by run {run.run_id}.")
        return []
    error = _failure_message(context.instance, run) if run else f"the run of batch {batch.key} never launched"
    retry = queue.mark_failed(conn, batch.ids, error, max_attempts=MAX_ATTEMPTS)
    given_up = len(batch.ids) - len(retry)
    context.log.warning(
        f"Webhook batch {batch.key} failed ({error}); retrying {len(retry)} events"
        + (f", {given_up} gave up after {MAX_ATTEMPTS} attempts (see last_error)" if given_up else "")
    )
    return retry


def _routers(context: dg.SensorEvaluationContext) -> dict[str, queue.Router]:
    routers = {}
    for source in queue.ROUTER_MODULES:
        router = queue.router_for(source)
        if router is None:
            context.log.warning(f"No {source} event routing (pipelines.{source}.events) yet: its events wait.")
        else:
            routers[source] = router
    return routers


@dg.sensor(
    name="webhook_events_sensor",
    minimum_interval_seconds=INTERVAL_SECONDS,
    # Not the per-document IES extractions: webhooks never change an upload (and one target cannot mix
    # their dynamic partitions with the daily ones of the incremental Stripe facts).
    target=dg.AssetSelection.all() - dg.AssetSelection.tag("partitioning", "per_document"),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Re-materializes what stored webhook events changed (and the dbt models downstream), one batch "
    "at a time; marks events processed once their run succeeded, retries failed ones.",
)
def webhook_events_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
    cursor = Cursor.parse(context.cursor)
    graph = context.repository_def.asset_graph  # type: ignore[union-attr]
    with warehouse.connect() as conn:
        retry: list[int] = []
        if cursor.batch is not None:
            settled = _settle(context, conn, cursor.batch)
            if isinstance(settled, str):
                conn.commit()
                return dg.SkipReason(settled)
            retry, cursor.batch = settled, None

        routers = _routers(context)
        events = [e for e in queue.events_by_id(conn, retry) if e.source in routers]
        for source in routers:
            fresh = queue.new_events(conn, source, MAX_BATCH)
            if fresh:
                cursor.after[source] = max(cursor.after.get(source, 0), fresh[-1].webhook_event_id)
            events += fresh

        routing = queue.route(events, routers, known={tuple(k.path) for k in graph.materializable_asset_keys})
        queue.mark_processed(conn, routing.nothing_to_do, None)
        for event_id, keys in routing.unknown_assets.items():
            queue.note_error(conn, [event_id], f"routed to assets this code location does not define: {keys}")
            context.log.warning(f"Webhook event {event_id} names undefined assets {keys}; left unprocessed.")
        if not routing.routed:
            conn.commit()
            return dg.SensorResult(skip_reason="No new webhook events to process.", cursor=cursor.dump())

        ids = sorted(routing.routed)
        key = f"webhooks-{ids[0]}-{ids[-1]}-{int(time.time())}"
        cursor.batch = Batch(key=key, ids=ids, requested_at=time.time())
        conn.commit()
    selection = _downstream(graph, routing.assets)
    context.log.info(f"Webhook batch {key}: {len(ids)} events -> {len(selection)} assets.")
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=key,
                asset_selection=selection,
                tags={BATCH_TAG: key, EVENTS_TAG: ",".join(map(str, ids))[:4000]},
            )
        ],
        cursor=cursor.dump(),
    )

"""The upload sensor: IES uploads become per-document runs, and the IES marts follow.

Each tick:
1. Files dropped into the landing dir (IES_LANDING_DIR) move into the upload store and become uploads;
   what is no statement is quarantined with its reason (pipelines/ies/uploads.py).
2. Uploads after the cursor (the last upload id requested) get a dynamic partition of `ies_documents`
   and one run each of raw/ies_extractions for that partition. Uploads at or below the cursor still
   queued minutes later (an insert that committed late, a run that never launched) are requested again
   under the same run key, which the daemon does not launch twice.
3. When raw/ies_extractions has materialized since the last refresh, one unpartitioned run of the assets
   downstream of it (the dbt models stg_ies__*, ies_spreads, ies_ratios, ies_risk_scores and their tests;
   rag/chunks, which indexes the documents' text for search), unless such a run is still in flight;
   extractions that finish meanwhile wait for the next one.

Why a separate refresh run and not the dbt models in each document's run: dbt is not partitioned, so in
a per-document run it would rebuild every document's marts anyway, once per document; a batch of uploads
would queue N dbt builds (several seconds each) instead of one. Why this sensor and not an automation
condition: eager() waits while any partition of its upstream is missing, and a dynamic partition that
was added but never materialized (a run that failed) would then block the marts for every document;
here the refresh only needs some new materialization, and it is testable tick by tick.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass

import dagster as dg

from pipelines.assets.ies import EXTRACTIONS_KEY, ies_documents_partitions
from pipelines.ies import uploads
from pipelines.resources.warehouse import WarehouseResource
from sensors.retries import latest_attempt, retry_pending

INTERVAL_SECONDS = int(os.environ.get("IES_SENSOR_INTERVAL_SECONDS") or 15)
MAX_PER_TICK = 100
STALE_SECONDS = 120  # a queued upload this old with no run is requested again
SETTLE_SECONDS = float(os.environ.get("IES_LANDING_SETTLE_SECONDS") or 2)  # a file written since waits a tick
DOCUMENT_TAG = "brainops/ies_document"
UPLOAD_TAG = "brainops/ies_upload"
REFRESH_TAG = "brainops/ies_marts_refresh"
COVERS_TAG = "brainops/ies_marts_covers"  # the extraction materialization (storage id) a refresh covers
IN_FLIGHT = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]
ENDED_WITHOUT_VERDICT = {dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}


@dataclass
class Cursor:
    after: int = 0  # last upload_id requested
    marts_after: int = 0  # storage id of the newest extraction materialization a refresh was requested for

    @classmethod
    def parse(cls, raw: str | None) -> Cursor:
        return cls(**json.loads(raw)) if raw else cls()

    def dump(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))


def marts_keys(graph) -> list[dg.AssetKey]:
    """The dbt models (and anything else) downstream of the extractions, on this code location."""
    selected = dg.AssetSelection.assets(EXTRACTIONS_KEY).downstream(include_self=False).resolve(graph)
    return sorted(selected & graph.materializable_asset_keys, key=lambda k: k.to_user_string())


def _latest_extraction(instance: dg.DagsterInstance) -> int:
    records = instance.fetch_materializations(dg.AssetRecordsFilter(asset_key=EXTRACTIONS_KEY), limit=1).records
    return records[0].storage_id if records else 0


def _refresh_in_flight(instance: dg.DagsterInstance) -> dg.DagsterRun | None:
    runs = instance.get_runs(filters=dg.RunsFilter(tags={REFRESH_TAG: "true"}, statuses=IN_FLIGHT), limit=1)
    return runs[0] if runs else None


def _settle_abandoned(context: dg.SensorEvaluationContext, conn) -> list[str]:
    """Uploads left 'processing' by a run that died without recording a verdict (killed, terminated), once no
    automatic retry of it is pending or running (a retry's own run records the verdict)."""
    settled = []
    for upload in uploads.processing(conn):
        run = context.instance.get_run_by_id(upload.run_id) if upload.run_id else None
        if run is None:
            continue
        run = latest_attempt(context.instance, run)
        if run.status in ENDED_WITHOUT_VERDICT and not retry_pending(run):
            reason = (f"The extraction run {run.run_id} ended ({run.status.value.lower()}) before it finished; "
                      f"re-run partition {upload.document_id} of raw/ies_extractions in the Dagster UI.")
            uploads.mark_finished(conn, upload.document_id, "failed", reason, run_id=upload.run_id)
            settled.append(upload.document_id)
    return settled


@dg.sensor(
    name="ies_uploads_sensor",
    minimum_interval_seconds=INTERVAL_SECONDS,
    target=dg.AssetSelection.assets(EXTRACTIONS_KEY).downstream(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Takes in the IES landing dir, adds a partition and requests an extraction run per new upload, "
    "then refreshes the IES marts (one unpartitioned dbt run) once extractions have materialized.",
)
def ies_uploads_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
    cursor = Cursor.parse(context.cursor)
    with warehouse.connect() as conn:
        intake = uploads.intake_landing(conn, uploads.UploadStore(), uploads.landing_dir(),
                                        settle_seconds=SETTLE_SECONDS, max_files=MAX_PER_TICK)
        fresh = uploads.uploads_after(conn, cursor.after, MAX_PER_TICK)
        retry = uploads.stale_queued(conn, up_to=cursor.after, older_than_seconds=STALE_SECONDS, limit=MAX_PER_TICK)
        abandoned = _settle_abandoned(context, conn)
        conn.commit()
    for name, reason in intake.quarantined:
        context.log.warning(f"Landing dir: quarantined {name}: {reason}")
    if intake.recorded:
        context.log.info(f"Landing dir: {len(intake.new)} new uploads, "
                         f"{len(intake.recorded) - len(intake.new)} duplicates of stored documents.")
    if abandoned:
        context.log.warning(f"Marked failed (their runs ended without a verdict): {', '.join(abandoned)}")

    todo = [*retry, *fresh]
    new_partitions = sorted({u.document_id for u in todo
                             if not context.instance.has_dynamic_partition(ies_documents_partitions.name,
                                                                           u.document_id)})
    requests = [
        dg.RunRequest(
            run_key=f"ies-extract-{u.upload_id}",
            partition_key=u.document_id,
            asset_selection=[EXTRACTIONS_KEY],
            tags={DOCUMENT_TAG: u.document_id, UPLOAD_TAG: str(u.upload_id)},
        )
        for u in todo
    ]
    if fresh:
        cursor.after = fresh[-1].upload_id

    latest = _latest_extraction(context.instance)
    if latest > cursor.marts_after:
        running = _refresh_in_flight(context.instance)
        if running is None:
            graph = context.repository_def.asset_graph  # type: ignore[union-attr]
            requests.append(dg.RunRequest(run_key=f"ies-marts-{latest}", asset_selection=marts_keys(graph),
                                          tags={REFRESH_TAG: "true", COVERS_TAG: str(latest)}))
            cursor.marts_after = latest
        else:
            context.log.info(f"IES marts refresh {running.run_id} still running; newer extractions wait for the next.")

    if not requests and not new_partitions:
        return dg.SensorResult(skip_reason="No new IES uploads or extractions.", cursor=cursor.dump())
    return dg.SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=[ies_documents_partitions.build_add_request(new_partitions)]
        if new_partitions else None,
        cursor=cursor.dump(),
    )

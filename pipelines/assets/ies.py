"""raw/ies_extractions: one uploaded Income & Expense Statement per partition (a dynamic partition per
document, added by the upload sensor), so the Dagster UI shows each document's history and one
document can be re-run alone.

The dbt models downstream (staging and marts under dbt/models/*/ies) are not partitioned: one dbt
run refreshes them for every document. The upload sensor requests that run after extractions
materialize (sensors/uploads.py explains why there and not in the same run).
"""

import time

import dagster as dg

from pipelines.ies import uploads
from pipelines.ies import warehouse as ies_warehouse
from pipelines.ies.limits import Deadline
from pipelines.resources.warehouse import WarehouseResource

GROUP = "ies"
EXTRACTIONS_KEY = dg.AssetKey(["raw", "ies_extractions"])
# A tag every per-document asset carries: `brainops materialize` of everything leaves them to the sensor
# (dagster's CLI cannot materialize a partitioned asset without a partition).
PER_DOCUMENT_TAG = "per_document"

ies_documents_partitions = dg.DynamicPartitionsDefinition(name="ies_documents")


@dg.asset(
    key=EXTRACTIONS_KEY,
    group_name=GROUP,
    partitions_def=ies_documents_partitions,
    kinds={"python", "postgres"},
    tags={"partitioning": PER_DOCUMENT_TAG},
    description="One uploaded IES (PDF, XLSX or CSV) read into the contract and written to raw.ies_documents, "
    "raw.ies_line_items and raw.ies_checks, replacing the document's previous rows. Unreadable files are "
    "quarantined with the reason (app.upload_quarantine) and change nothing else.",
    metadata={"tables": "raw.ies_documents, raw.ies_line_items, raw.ies_checks"},
    op_tags={"source": "ies"},
)
def ies_extractions(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    from pipelines.ies.extract import extract_bytes  # heavy (PDF layout, OCR); only where it runs

    document_id = context.partition_key
    store = uploads.UploadStore()
    with warehouse.connect() as conn:
        upload = uploads.upload_of(conn, document_id)
        if upload is None:
            raise dg.Failure(f"No upload is recorded for {document_id}: upload the file again (POST /api/v1/ies) "
                             "or drop it into the landing dir.")
        uploads.mark_processing(conn, document_id, context.run.run_id)
        conn.commit()
        try:
            data = store.read(upload.stored_path)
            started = time.perf_counter()
            # Per-document limits (IES_DOCUMENT_TIMEOUT_SECONDS, IES_MAX_PAGES), checked between pages and
            # stages: a document over them ends failed with that reason, and the worker moves on.
            deadline = Deadline.from_env()
            result = extract_bytes(data, upload.source_file, deadline=deadline, document_id=document_id)
            seconds = time.perf_counter() - started
        except Exception as exc:
            conn.rollback()
            reason = (f"Extraction of {upload.source_file} stopped with an internal error ({type(exc).__name__}: "
                      f"{exc}); re-run partition {document_id} of raw/ies_extractions once it is fixed.")
            uploads.mark_finished(conn, document_id, "failed", reason[:2000], run_id=context.run.run_id)
            conn.commit()
            raise

        with conn.transaction():
            if result["status"] == "failed":
                # Nothing usable: the reason is recorded, nothing in raw changes (a previous copy stays).
                reason = result["error"] or "The file could not be read."
                uploads.record_quarantine(
                    conn, sha256=upload.sha256, upload_id=upload.upload_id, source_file=upload.source_file,
                    size_bytes=upload.size_bytes, received_via=upload.received_via, reason=reason,
                    quarantined_path=upload.stored_path)
                uploads.mark_finished(conn, document_id, "failed", reason, run_id=context.run.run_id)
                written = ies_warehouse.Written(0, 0, 0)
            else:
                written = ies_warehouse.write_result(conn, result, upload_id=upload.upload_id, seconds=seconds)
                uploads.mark_finished(conn, document_id, result["status"], run_id=context.run.run_id)
        conn.commit()

    failed_checks = sum(not c["passed"] for c in result["checks"])
    context.log.info(f"{document_id} ({upload.source_file}): {result['status']}, {written.line_items} line items, "
                     f"{len(result['checks'])} checks ({failed_checks} failed) in {seconds:.2f} s")
    return dg.MaterializeResult(
        metadata={
            "status": result["status"],
            "source_file": upload.source_file,
            "file_kind": upload.file_kind,
            "entity_name": result.get("entity_name") or "",
            "statement_type": result.get("statement_type") or "unknown",
            "periods": ", ".join(p["key"] for p in result["periods"]),
            "line_items": written.line_items,
            "dagster/row_count": written.line_item_rows,
            "checks": len(result["checks"]),
            "checks_failed": failed_checks,
            "method": result["method"],
            "seconds": round(seconds, 3),
            "error": result.get("error") or "",
            "warnings": dg.MetadataValue.md("\n".join(f"- {w}" for w in result["warnings"][:20]) or "none"),
        }
    )

"""Income & Expense Statements: upload (POST /api/v1/ies), status and contract, risk, list, and the
spread report as XLSX or CSV.

Uploads are stored content-addressed and recorded in app.uploads, one document per owner; the upload
sensor runs the extraction (raw/ies_extractions, one partition per document) and refreshes the IES marts.
Who may read a document is brainops/access.py's rule (its owner and staff); to anyone else it does not
exist (404, not 403, so ids do not leak).
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from psycopg import AsyncConnection, sql
from psycopg.rows import class_row, dict_row
from pydantic import BaseModel
from python_multipart.exceptions import MultipartParseError

from brainops import access
from pipelines.ies import uploads
from serving import ies_reports
from serving.deps import Caller, CurrentCaller, DbDep, Uploader
from serving.multipart_upload import NoFileField, NotMultipart, receive_file
from serving.pagination import Page, next_url
from serving.urls import url_for

router = APIRouter(prefix="/api/v1/ies", tags=["ies"])

DocumentId = Annotated[str, Path(max_length=64, description="The id POST /api/v1/ies returned, e.g. ies_3f2a...")]
DONE = ("extracted", "needs_review")
XLSX_MEDIA_TYPE = uploads.MEDIA_TYPES["xlsx"]


class UploadStatus(StrEnum):
    queued = "queued"
    processing = "processing"
    extracted = "extracted"
    needs_review = "needs_review"
    failed = "failed"


class UploadAccepted(BaseModel):
    document_id: str
    status: UploadStatus
    status_url: str
    duplicate: bool
    source_file: str
    file_kind: str


class DocumentSummary(BaseModel):
    document_id: str
    status: UploadStatus
    source_file: str
    file_kind: str
    size_bytes: int
    received_via: str
    received_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None


class Document(DocumentSummary):
    status_url: str
    risk_url: str
    report_xlsx_url: str
    report_csv_url: str
    result: dict[str, Any] | None  # the IES contract JSON, once extracted


class Flag(BaseModel):
    flag: str
    severity: str
    points: int
    reason: str
    recommendation: str


class Risk(BaseModel):
    document_id: str
    entity_name: str | None
    statement_type: str | None
    document_status: str | None
    anchor_period_key: str | None
    score: int
    grade: str
    flags: list[Flag]
    recommendations: list[str]
    total_income: float | None
    net_operating_income: float | None
    debt_service: float | None
    noi_margin: float | None
    expense_ratio: float | None
    dscr: float | None
    vacancy_rate: float | None
    total_income_growth: float | None
    noi_growth: float | None
    failed_checks: int
    extracted_at: datetime | None


SUMMARY_COLUMNS = sql.SQL(", ").join(sql.Identifier("u", c) for c in DocumentSummary.model_fields)
MULTIPART_BODY = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {
            "schema": {"type": "object", "required": ["file"],
                       "properties": {"file": {"type": "string", "format": "binary",
                                               "description": "The statement: PDF, XLSX or CSV, at most "
                                                              f"{uploads.MAX_UPLOAD_MB} MB."}}}}},
    }
}


def _not_found(document_id: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND,
                         f"No IES document {document_id!r} for this API key: check the id POST /api/v1/ies returned.")


async def _summary(conn: AsyncConnection, caller: Caller, document_id: str) -> DocumentSummary:
    readable, params = access.uploads_filter(caller.reader)
    async with conn.cursor(row_factory=class_row(DocumentSummary)) as cur:
        await cur.execute(
            sql.SQL("SELECT {} FROM app.uploads u WHERE u.document_id = %(document_id)s AND {}").format(
                SUMMARY_COLUMNS, readable),
            {"document_id": document_id, **params},
        )
        row = await cur.fetchone()
    if row is None:
        raise _not_found(document_id)
    return row


def _not_ready(summary: DocumentSummary, what: str) -> HTTPException:
    if summary.status == "failed":
        detail = (f"{summary.source_file} could not be read, so there is no {what}: {summary.error} "
                  "Upload a readable PDF, XLSX or CSV of the statement.")
    elif summary.status in DONE:
        detail = (f"{summary.source_file} is extracted; its {what} is being built (the IES marts refresh right "
                  "after extraction). Try again in a minute.")
    else:
        detail = f"{summary.source_file} is still {summary.status}; its {what} follows extraction. Try again shortly."
    return HTTPException(status.HTTP_409_CONFLICT, detail)


def _file_name(summary: DocumentSummary, suffix: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", summary.source_file.rsplit(".", 1)[0])[:80] or summary.document_id
    return f"{stem}_spread.{suffix}"


def _kind_of_file(path) -> str:
    with open(path, "rb") as f:
        return uploads.kind_of(f.read())


def _store_full() -> HTTPException:
    return HTTPException(status.HTTP_507_INSUFFICIENT_STORAGE, uploads.store_full_message())


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=UploadAccepted,
    summary="Upload a statement (PDF, XLSX or CSV)",
    openapi_extra=MULTIPART_BODY,
    responses={
        200: {"description": "The same file was uploaded before: its existing document (duplicate: true)."},
        413: {"description": f"Larger than {uploads.MAX_UPLOAD_MB} MB."},
        415: {"description": "Not a PDF, XLSX or CSV (judged by content), or not multipart/form-data."},
        429: {"description": "The monthly IES quota of the caller's tier is used up: {limit, used, resets_at}."},
        507: {"description": "The upload store is out of disk space: nothing was kept; try again later."},
    },
)
async def upload_statement(request: Request, response: Response, caller: Uploader) -> UploadAccepted:
    # No pool connection is held while the body streams in (see serving.deps.uploader): one is taken only
    # to record the stored file.
    store = uploads.UploadStore()
    try:
        received = await receive_file(request, store=store, limit=uploads.MAX_UPLOAD_BYTES)
    except OSError as exc:
        if uploads.is_disk_full(exc):
            raise _store_full() from None
        raise
    except uploads.TooLarge as exc:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, str(exc)) from None
    except NotMultipart as exc:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, str(exc)) from None
    except NoFileField as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    except MultipartParseError:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "The multipart body could not be parsed; send the "
                            "statement as a form field named `file` (curl -F 'file=@statement.pdf').") from None
    try:
        kind = await run_in_threadpool(_kind_of_file, received.temp_path)
    except uploads.Unsupported as exc:
        received.temp_path.unlink(missing_ok=True)
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, str(exc)) from None
    try:
        stored = await run_in_threadpool(store.put_temp, received.temp_path, sha256=received.sha256, kind=kind,
                                         size=received.size_bytes)
    except uploads.StoreFull:
        raise _store_full() from None
    async with request.app.state.pool.connection() as conn:
        recorded = await uploads.record_upload_async(
            conn, stored, source_file=uploads.sanitize_name(received.filename, kind), received_via="api",
            api_key_id=caller.api_key_id, owner_id=caller.reader.principal_id)
    upload = recorded.upload
    status_url = url_for(request, "get_statement", document_id=upload.document_id)
    response.headers["Location"] = status_url
    if recorded.duplicate:
        response.status_code = status.HTTP_200_OK
    return UploadAccepted(document_id=upload.document_id, status=upload.status, status_url=status_url,
                          duplicate=recorded.duplicate, source_file=upload.source_file, file_kind=upload.file_kind)


@router.get("", response_model=Page[DocumentSummary], summary="List statements (yours; all for admins)")
async def list_statements(
    request: Request,
    conn: DbDep,
    caller: CurrentCaller,
    status_filter: Annotated[UploadStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Page[DocumentSummary]:
    readable, reader_params = access.uploads_filter(caller.reader)
    params = {**reader_params, "status": status_filter.value if status_filter else None}
    where = sql.SQL("WHERE {} AND (%(status)s::text IS NULL OR u.status = %(status)s)").format(readable)
    count = await conn.execute(sql.SQL("SELECT count(*) FROM app.uploads u {}").format(where), params)
    total = (await count.fetchone())[0]
    async with conn.cursor(row_factory=class_row(DocumentSummary)) as cur:
        await cur.execute(
            sql.SQL("SELECT {} FROM app.uploads u {} ORDER BY u.upload_id DESC LIMIT %(limit)s OFFSET %(offset)s")
            .format(SUMMARY_COLUMNS, where),
            {**params, "limit": limit, "offset": offset},
        )
        items = await cur.fetchall()
    return Page[DocumentSummary](items=items, total=total,
                                 next=next_url(request, offset=offset, limit=limit, total=total))


@router.get("/{document_id}", response_model=Document, summary="A statement's status; its contract JSON when done")
async def get_statement(request: Request, document_id: DocumentId, conn: DbDep, caller: CurrentCaller) -> Document:
    summary = await _summary(conn, caller, document_id)
    result = None
    if summary.status in DONE:
        cur = await conn.execute("SELECT result FROM raw.ies_documents WHERE document_id = %s", (document_id,))
        row = await cur.fetchone()
        result = row[0] if row else None

    def url(name: str) -> str:
        return url_for(request, name, document_id=document_id)

    return Document(**summary.model_dump(), status_url=url("get_statement"), risk_url=url("get_risk"),
                    report_xlsx_url=url("get_report_xlsx"), report_csv_url=url("get_report_csv"), result=result)


@router.get("/{document_id}/risk", response_model=Risk, summary="Risk score, grade, flags with reasons",
            responses={409: {"description": "Not scored yet (still extracting, or the marts are refreshing)."}})
async def get_risk(document_id: DocumentId, conn: DbDep, caller: CurrentCaller) -> Risk:
    summary = await _summary(conn, caller, document_id)
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            sql.SQL("SELECT {} FROM analytics.ies_risk_scores WHERE document_id = %s").format(
                sql.SQL(", ").join(map(sql.Identifier, Risk.model_fields))),
            (document_id,),
        )
        row = await cur.fetchone()
    if row is None or summary.status not in DONE:
        raise _not_ready(summary, "risk score")
    return Risk(**row)


async def _report(conn: AsyncConnection, caller: Caller, document_id: str) -> tuple[DocumentSummary,
                                                                                     ies_reports.Report]:
    summary = await _summary(conn, caller, document_id)
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            """SELECT canonical_key, key_order, period_key, period_index, period_label, amount, source
               FROM analytics.ies_spreads WHERE document_id = %s""", (document_id,))
        spreads = await cur.fetchall()
        await cur.execute("SELECT * FROM analytics.ies_ratios WHERE document_id = %s", (document_id,))
        ratios = await cur.fetchall()
        await cur.execute("SELECT * FROM analytics.ies_risk_scores WHERE document_id = %s", (document_id,))
        risk = await cur.fetchone()
        await cur.execute("SELECT entity_name, statement_type FROM raw.ies_documents WHERE document_id = %s",
                          (document_id,))
        facts = await cur.fetchone() or {}
    if summary.status not in DONE or (not spreads and risk is None):
        raise _not_ready(summary, "spread report")
    document = {"document_id": document_id, "source_file": summary.source_file, "status": summary.status, **facts}
    return summary, ies_reports.build_report(document, spreads, ratios, risk)


@router.get("/{document_id}/report.xlsx", summary="The spread with ratios and sources, as an Excel workbook",
            response_class=Response,
            responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}})
async def get_report_xlsx(document_id: DocumentId, conn: DbDep, caller: CurrentCaller) -> Response:
    summary, report = await _report(conn, caller, document_id)
    body = await run_in_threadpool(ies_reports.to_xlsx, report)
    return Response(body, media_type=XLSX_MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{_file_name(summary, "xlsx")}"'})


@router.get("/{document_id}/report.csv", summary="The spread with ratios and sources, as CSV",
            response_class=Response, responses={200: {"content": {"text/csv": {}}}})
async def get_report_csv(document_id: DocumentId, conn: DbDep, caller: CurrentCaller) -> Response:
    summary, report = await _report(conn, caller, document_id)
    return Response(ies_reports.to_csv(report), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{_file_name(summary, "csv")}"'})

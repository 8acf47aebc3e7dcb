"""Incremental sync of one CenterPoint resource into raw.centerpoint_<resource>.

Pages arrive oldest change first. Every batch is upserted and its cursor (the newest `updatedAt`
in it) saved in the same transaction, so a sync cut off mid-way resumes where it stopped, loses
nothing, and duplicates nothing (the next run re-reads from the cursor with `gte`; upserts absorb
the overlap).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
import psycopg

from pipelines.centerpoint.catalog import ResourceSpec
from pipelines.centerpoint.client import CenterPointClient
from pipelines.loaders.copy_upsert import UpsertResult, copy_upsert
from pipelines.loaders.sync_state import resume, save_cursor

SOURCE = "centerpoint"


@dataclass
class SyncResult:
    resource: str
    fetched: int = 0
    pages: int = 0
    upserted: UpsertResult = field(default_factory=UpsertResult)
    cursor_before: str | None = None
    cursor_after: str | None = None
    seconds: float = 0.0
    note: str = ""  # for the run log: a saved cursor of another account was left behind

    @property
    def rows_per_second(self) -> float:
        return self.fetched / self.seconds if self.seconds else 0.0


def to_row(spec: ResourceSpec, record: dict[str, Any]) -> tuple[Any, ...]:
    attrs = record.get("attributes") or {}
    if "id" not in record or not attrs.get("updatedAt"):
        raise ValueError(f"CenterPoint {spec.name} record without id or updatedAt: {str(record)[:200]}")
    keys = [_text(attrs.get(attr)) for attr in spec.keys.values()]
    return (
        str(record["id"]),
        *keys,
        attrs.get("createdAt"),
        attrs["updatedAt"],
        attrs.get("deletedAt"),
        orjson.dumps(attrs).decode(),
        orjson.dumps(record["relationships"]).decode() if record.get("relationships") is not None else None,
    )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _newest(records: list[dict[str, Any]], current: str | None) -> str | None:
    from datetime import datetime

    best, best_at = current, datetime.fromisoformat(current) if current else None
    for r in records:
        raw = r["attributes"]["updatedAt"]
        at = datetime.fromisoformat(raw)
        if best_at is None or at > best_at:
            best, best_at = raw, at
    return best


def sync_resource(
    conn: psycopg.Connection,
    client: CenterPointClient,
    spec: ResourceSpec,
    *,
    full_refresh: bool = False,
    batch_rows: int = 5000,
    progress: Callable[[SyncResult, int], None] | None = None,
) -> SyncResult:
    started = time.perf_counter()
    result = SyncResult(resource=spec.name)
    # Each batch must be a real transaction, not a savepoint inside one the caller left open
    # (psycopg opens one implicitly on the first statement of a non-autocommit connection):
    # otherwise a failure later in the run would roll back batches we reported as committed.
    if not conn.autocommit and conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        conn.commit()
    with conn.transaction():
        saved = resume(conn, SOURCE, spec.name, client.account)
    result.cursor_before = None if full_refresh else saved.cursor
    result.note = saved.note
    cursor = result.cursor_before
    batch: list[dict[str, Any]] = []
    total = 0

    def flush() -> None:
        nonlocal cursor, batch
        if not batch:
            return
        with conn.transaction():
            result.upserted += copy_upsert(
                conn,
                schema="raw",
                table=spec.table,
                columns=spec.columns,
                rows=(to_row(spec, r) for r in batch),
            )
            cursor = _newest(batch, cursor)
            save_cursor(conn, SOURCE, spec.name, cursor, len(batch), account=client.account)
        batch = []

    for page in client.pages(spec.name, updated_since=result.cursor_before):
        result.pages += 1
        result.fetched += len(page.records)
        total = page.total
        batch.extend(page.records)
        if len(batch) >= batch_rows:
            flush()
            if progress:
                progress(result, total)
    flush()
    if progress:
        progress(result, total)
    result.cursor_after = cursor
    result.seconds = time.perf_counter() - started
    return result

"""Incremental sync of a Notion workspace into raw.notion_data_sources, raw.notion_pages and raw.notion_blocks.

1. Data sources: `search` for every shared data source (few; listed in full each run).
2. Changed pages since the cursor (the newest `last_edited_time` loaded): each data source is queried
   with `last_edited_time on_or_after` the cursor (and once more with `in_trash`, which is how pages
   moved to the trash show up), and `search` finds pages outside data sources (the root, sub-pages),
   newest first, until it passes the cursor.
3. Pages are loaded oldest change first, in batches. Only a page that changed re-fetches its blocks
   (recursively) and replaces them; a trashed page keeps its row, flagged, and loses its blocks, as do
   the pages under it. Each batch and its cursor commit in one transaction, so a sync cut off midway
   resumes where it stopped.

Notion stamps `last_edited_time` to the minute, so the cursor is inclusive (`on_or_after`) and pages at
the cursor's minute come back on the next run. They are skipped unless they changed: a page is re-read
when its time moved, or when its blocks were fetched before its minute had settled (an edit later in
the same minute keeps the same stamp).

A full refresh re-reads everything and marks pages that Notion no longer returns as deleted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import psycopg

from pipelines.loaders.copy_upsert import UpsertResult, copy_upsert
from pipelines.loaders.sync_state import resume, save_cursor
from pipelines.notion.blocks import BLOCK_COLUMNS, block_rows, count_blocks, fetch_tree
from pipelines.notion.client import NotionClient, NotionNotFound
from pipelines.notion.records import (
    DATA_SOURCE_COLUMNS,
    PAGE_COLUMNS,
    data_source_row,
    is_trashed,
    page_row,
    parse_time,
)
from pipelines.notion.render import render_blocks

SOURCE = "notion"
PAGES = "pages"
DATA_SOURCES = "data_sources"
# Notion's stamp is to the minute; one more minute covers clock skew between Notion and us.
SETTLE = timedelta(minutes=2)


@dataclass
class NotionSyncResult:
    note: str = ""  # for the run log: a saved cursor of another account was left behind
    data_sources_listed: int = 0
    data_sources_upserted: UpsertResult = field(default_factory=UpsertResult)
    data_sources_deleted: int = 0
    pages_listed: int = 0  # changed since the cursor (plus the cursor minute's overlap)
    pages_fetched: int = 0  # whose blocks were (re)fetched
    pages_unchanged: int = 0  # listed again, not changed: skipped
    pages_trashed: int = 0  # in Notion's trash: flagged, blocks dropped
    pages_deleted: int = 0  # gone from Notion, or under a trashed page: deleted_at set, blocks dropped
    pages_upserted: UpsertResult = field(default_factory=UpsertResult)
    blocks_fetched: int = 0
    blocks_upserted: UpsertResult = field(default_factory=UpsertResult)
    blocks_dropped: int = 0  # of trashed or deleted pages (replaced blocks are not counted)
    cursor_before: str | None = None
    cursor_after: str | None = None
    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    limiter_wait_seconds: float = 0.0
    list_seconds: float = 0.0
    fetch_seconds: float = 0.0
    load_seconds: float = 0.0
    seconds: float = 0.0

    @property
    def pages_per_second(self) -> float:
        return self.pages_fetched / self.seconds if self.seconds else 0.0

    @property
    def blocks_per_second(self) -> float:
        return self.blocks_fetched / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class StoredPage:
    last_edited_time: datetime
    blocks_synced_at: datetime | None
    gone: bool  # trashed or deleted when last seen


def needs_blocks(edited: datetime, stored: StoredPage | None) -> bool:
    if stored is None or stored.gone or edited != stored.last_edited_time:
        return True
    return stored.blocks_synced_at is None or stored.blocks_synced_at < edited + SETTLE


def _load_data_sources(conn: psycopg.Connection, sources: list[dict[str, Any]],
                       account: str) -> tuple[UpsertResult, int]:
    upserted = UpsertResult()
    if sources:
        upserted = copy_upsert(
            conn,
            schema="raw",
            table="notion_data_sources",
            columns=DATA_SOURCE_COLUMNS,
            rows=(data_source_row(s) for s in sources),
            key="data_source_id",
            version_column="last_edited_time",
        )
    deleted = conn.execute(
        """UPDATE raw.notion_data_sources SET deleted_at = now()
           WHERE deleted_at IS NULL AND NOT (data_source_id = ANY(%s))""",
        ([s["id"] for s in sources],),
    ).rowcount
    newest = max((s["last_edited_time"] for s in sources), key=parse_time, default=None)
    if newest:
        save_cursor(conn, SOURCE, DATA_SOURCES, newest, len(sources), account=account)
    return upserted, deleted


def changed_pages(
    client: NotionClient, sources: list[dict[str, Any]], since: str | None
) -> list[tuple[datetime, str, bytes]]:
    """(last_edited_time, page id, page JSON) of every page edited at or after `since`, oldest first.
    Kept as JSON bytes: at scale 100 that is 20,000 pages, a fraction of their size as dicts."""
    found: dict[str, tuple[datetime, str, bytes]] = {}

    def keep(page: dict[str, Any]) -> None:
        edited = parse_time(page["last_edited_time"])
        if page["id"] not in found or found[page["id"]][0] < edited:
            found[page["id"]] = (edited, page["id"], orjson.dumps(page))

    for source in sources:
        if source.get("in_trash") or source.get("archived"):
            continue
        for in_trash in (False, True):
            for page in client.query_data_source(source["id"], edited_on_or_after=since, in_trash=in_trash):
                keep(page)
    # Pages outside data sources: search lists newest first, so stop once past the cursor.
    since_at = parse_time(since) if since else None
    for page in client.search("page"):
        if since_at and parse_time(page["last_edited_time"]) < since_at:
            break
        keep(page)
    return sorted(found.values())


def _stored_pages(conn: psycopg.Connection, page_ids: list[str]) -> dict[str, StoredPage]:
    rows = conn.execute(
        """SELECT page_id, last_edited_time, blocks_synced_at, (archived OR in_trash OR deleted_at IS NOT NULL)
           FROM raw.notion_pages WHERE page_id = ANY(%s)""",
        (page_ids,),
    ).fetchall()
    return {r[0]: StoredPage(r[1], r[2], r[3]) for r in rows}


def _drop_blocks(conn: psycopg.Connection, page_ids: list[str]) -> int:
    if not page_ids:
        return 0
    return conn.execute("DELETE FROM raw.notion_blocks WHERE page_id = ANY(%s)", (page_ids,)).rowcount


def _mark_deleted(conn: psycopg.Connection, page_ids: list[str]) -> list[str]:
    """Set deleted_at (and drop the text) of pages not yet marked; returns those marked."""
    rows = conn.execute(
        """UPDATE raw.notion_pages SET deleted_at = now(), content_text = NULL, block_count = 0, _loaded_at = now()
           WHERE page_id = ANY(%s) AND deleted_at IS NULL
           RETURNING page_id""",
        (page_ids,),
    ).fetchall()
    return [r[0] for r in rows]


def _live_pages_under(conn: psycopg.Connection, parent_ids: list[str]) -> list[str]:
    rows = conn.execute(
        """WITH RECURSIVE under(page_id) AS (
               SELECT page_id FROM raw.notion_pages WHERE parent_page_id = ANY(%s)
               UNION
               SELECT p.page_id FROM raw.notion_pages p JOIN under u ON p.parent_page_id = u.page_id)
           SELECT page_id FROM raw.notion_pages
           WHERE page_id IN (SELECT page_id FROM under) AND NOT (archived OR in_trash) AND deleted_at IS NULL""",
        (parent_ids,),
    ).fetchall()
    return [r[0] for r in rows]


def _not_seen(conn: psycopg.Connection, seen: list[str]) -> list[str]:
    rows = conn.execute(
        "SELECT page_id FROM raw.notion_pages WHERE deleted_at IS NULL AND NOT (page_id = ANY(%s))", (seen,)
    ).fetchall()
    return [r[0] for r in rows]


def sync_notion(
    conn: psycopg.Connection,
    client: NotionClient,
    *,
    full_refresh: bool = False,
    batch_pages: int = 25,
    load_data_sources: bool = True,
    load_pages: bool = True,
    progress: Callable[[NotionSyncResult, int], None] | None = None,
) -> NotionSyncResult:
    """Data sources (when `load_data_sources`), then changed pages and their blocks (when `load_pages`).
    Data sources are listed either way: their queries find the pages."""
    _ensure_idle(conn)
    started = time.perf_counter()
    counters = (client.requests_made, client.retries_made, client.rate_limited, client.limiter_wait_seconds)
    result = NotionSyncResult()

    sources = list(client.search("data_source"))
    result.data_sources_listed = len(sources)
    if load_data_sources:
        with conn.transaction():
            loaded = _load_data_sources(conn, sources, client.account)
            result.data_sources_upserted, result.data_sources_deleted = loaded
    if not load_pages:
        return _finish(result, client, counters, started)

    with conn.transaction():
        saved = resume(conn, SOURCE, PAGES, client.account)
    result.cursor_before = None if full_refresh else saved.cursor
    result.note = saved.note
    candidates = changed_pages(client, sources, result.cursor_before)
    result.pages_listed = len(candidates)
    with conn.transaction():
        stored = {} if full_refresh else _stored_pages(conn, [c[1] for c in candidates])
    result.list_seconds = time.perf_counter() - started
    cursor = result.cursor_before

    for start in range(0, len(candidates), batch_pages):
        chunk = candidates[start : start + batch_pages]
        fetch_started = time.perf_counter()
        page_rows: list[tuple[Any, ...]] = []
        blocks: list[tuple[Any, ...]] = []
        replaced: list[str] = []  # pages whose blocks are replaced by `blocks`
        dropped: list[str] = []  # pages that lose their blocks (trashed, gone)
        for edited, page_id, raw in chunk:
            page = orjson.loads(raw)
            if is_trashed(page):
                page_rows.append(page_row(page, content_text=None, block_count=0, blocks_synced_at=None))
                dropped.append(page_id)
                result.pages_trashed += 1
                continue
            if not full_refresh and not needs_blocks(edited, stored.get(page_id)):
                result.pages_unchanged += 1
                continue
            fetched_at = datetime.now(UTC)
            try:
                tree = fetch_tree(client, page_id)
            except NotionNotFound:  # gone (or unshared) between listing and reading
                page_rows.append(
                    page_row(page, content_text=None, block_count=0, blocks_synced_at=None, deleted_at=fetched_at)
                )
                dropped.append(page_id)
                result.pages_deleted += 1
                continue
            n_blocks = count_blocks(tree)
            page_rows.append(
                page_row(page, content_text=render_blocks(tree), block_count=n_blocks, blocks_synced_at=fetched_at)
            )
            blocks.extend(block_rows(page_id, tree))
            replaced.append(page_id)
            result.pages_fetched += 1
            result.blocks_fetched += n_blocks
        load_started = time.perf_counter()
        result.fetch_seconds += load_started - fetch_started

        with conn.transaction():
            if page_rows:
                result.pages_upserted += copy_upsert(
                    conn,
                    schema="raw",
                    table="notion_pages",
                    columns=PAGE_COLUMNS,
                    rows=page_rows,
                    key="page_id",
                    version_column="last_edited_time",
                )
            _drop_blocks(conn, replaced)
            result.blocks_dropped += _drop_blocks(conn, dropped)
            if blocks:
                result.blocks_upserted += copy_upsert(
                    conn,
                    schema="raw",
                    table="notion_blocks",
                    columns=BLOCK_COLUMNS,
                    rows=blocks,
                    key="block_id",
                    version_column=None,
                )
            if dropped:
                # Notion trashes a page's sub-pages with it; search no longer lists them.
                under = _mark_deleted(conn, _live_pages_under(conn, dropped))
                result.pages_deleted += len(under)
                result.blocks_dropped += _drop_blocks(conn, under)
            newest = chunk[-1]
            if cursor is None or newest[0] >= parse_time(cursor):
                cursor = orjson.loads(newest[2])["last_edited_time"]
            save_cursor(conn, SOURCE, PAGES, cursor, len(chunk), account=client.account)
        result.load_seconds += time.perf_counter() - load_started
        if progress:
            progress(result, len(candidates))

    if full_refresh:
        with conn.transaction():
            gone = _mark_deleted(conn, _not_seen(conn, [c[1] for c in candidates]))
            result.pages_deleted += len(gone)
            result.blocks_dropped += _drop_blocks(conn, gone)

    result.cursor_after = cursor
    return _finish(result, client, counters, started)


def _ensure_idle(conn: psycopg.Connection) -> None:
    """Batches must really commit: inside a transaction the caller left open (a plain read starts one),
    psycopg would turn every `conn.transaction()` below into a savepoint, committed only at the end."""
    status = conn.info.transaction_status
    if status == psycopg.pq.TransactionStatus.INTRANS:
        conn.commit()
    elif status != psycopg.pq.TransactionStatus.IDLE:
        raise RuntimeError("The warehouse connection is in a failed transaction; roll it back before syncing Notion.")


def _finish(
    result: NotionSyncResult, client: NotionClient, counters: tuple[int, int, int, float], started: float
) -> NotionSyncResult:
    result.requests = client.requests_made - counters[0]
    result.retries = client.retries_made - counters[1]
    result.rate_limited = client.rate_limited - counters[2]
    result.limiter_wait_seconds = client.limiter_wait_seconds - counters[3]
    result.seconds = time.perf_counter() - started
    return result

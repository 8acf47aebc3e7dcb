"""Notion pages and data sources as raw.notion_* rows: typed keys and cursors beside the full object."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from pipelines.notion.render import plain

PAGE_COLUMNS = [
    "page_id",
    "parent_type",
    "parent_page_id",
    "parent_data_source_id",
    "parent_database_id",
    "parent_block_id",
    "title",
    "url",
    "created_time",
    "last_edited_time",
    "archived",
    "in_trash",
    "deleted_at",
    "content_text",
    "block_count",
    "blocks_synced_at",
    "page",
]

DATA_SOURCE_COLUMNS = [
    "data_source_id",
    "database_id",
    "parent_page_id",
    "title",
    "url",
    "created_time",
    "last_edited_time",
    "archived",
    "in_trash",
    "deleted_at",
    "data_source",
]


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def page_title(page: dict[str, Any]) -> str:
    for prop in (page.get("properties") or {}).values():
        if prop.get("type") == "title":
            return plain(prop.get("title"))
    return ""


def is_trashed(obj: dict[str, Any]) -> bool:
    # `archived` is the deprecated alias of `in_trash`; newer objects also say `is_archived`.
    return bool(obj.get("in_trash") or obj.get("archived") or obj.get("is_archived"))


def page_row(
    page: dict[str, Any],
    *,
    content_text: str | None,
    block_count: int,
    blocks_synced_at: datetime | None,
    deleted_at: datetime | None = None,
) -> tuple[Any, ...]:
    if not page.get("id") or not page.get("last_edited_time"):
        raise ValueError(f"Notion page without id or last_edited_time: {str(page)[:200]}")
    parent = page.get("parent") or {}
    stored = {k: v for k, v in page.items() if k != "request_id"}
    return (
        page["id"],
        parent.get("type", "workspace"),
        parent.get("page_id"),
        parent.get("data_source_id"),
        parent.get("database_id"),
        parent.get("block_id"),
        page_title(page),
        page.get("url"),
        page.get("created_time"),
        page["last_edited_time"],
        bool(page.get("archived") or page.get("is_archived")),
        bool(page.get("in_trash")),
        deleted_at,
        content_text,
        block_count,
        blocks_synced_at,
        orjson.dumps(stored).decode(),
    )


def data_source_row(source: dict[str, Any]) -> tuple[Any, ...]:
    if not source.get("id") or not source.get("last_edited_time"):
        raise ValueError(f"Notion data source without id or last_edited_time: {str(source)[:200]}")
    parent = source.get("parent") or {}
    grandparent = source.get("database_parent") or {}
    stored = {k: v for k, v in source.items() if k != "request_id"}
    return (
        source["id"],
        parent.get("database_id"),
        grandparent.get("page_id"),
        plain(source.get("title")),
        source.get("url"),
        source.get("created_time"),
        source["last_edited_time"],
        bool(source.get("archived")),
        bool(source.get("in_trash")),
        None,
        orjson.dumps(stored).decode(),
    )

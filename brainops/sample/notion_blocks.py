"""Notion API (version 2025-09-03) object shapes for the sample knowledge base: rich text, blocks,
pages and data sources, built from small content specs with deterministic ids and timestamps.

Shapes follow the recorded responses in shared/fixtures/notion (page, paragraph and child_page
blocks, data source) and Notion's reference for the block types not recorded there.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from random import Random
from typing import Any

BOLD_OR_CODE = re.compile(r"(\*\*[^*]+\*\*|`[^`]+`)")
TEXT_TYPES = (
    "paragraph",
    "heading_1",
    "heading_2",
    "heading_3",
    "bulleted_list_item",
    "numbered_list_item",
    "to_do",
    "toggle",
    "callout",
    "quote",
    "code",
)
SHORT_TYPES = {
    "p": "paragraph",
    "h1": "heading_1",
    "h2": "heading_2",
    "h3": "heading_3",
    "ul": "bulleted_list_item",
    "ol": "numbered_list_item",
    "todo": "to_do",
    "toggle": "toggle",
    "callout": "callout",
    "quote": "quote",
    "code": "code",
    "divider": "divider",
    "table": "table",
    "child_page": "child_page",
}


@dataclass
class Blk:
    """A content block before it gets ids: kind is a short name (p, h2, ul, table, ...)."""

    kind: str
    text: str = ""
    children: list[Blk] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


def new_id(rng: Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def notion_time(at: datetime) -> str:
    """Notion stores times to the minute: 2026-07-04T09:08:00.000Z."""
    return at.strftime("%Y-%m-%dT%H:%M:00.000Z")


def user_ref(user_id: str) -> dict[str, str]:
    return {"object": "user", "id": user_id}


def annotations(*, bold: bool = False, italic: bool = False, code: bool = False, color: str = "default") -> dict:
    return {
        "bold": bold,
        "italic": italic,
        "strikethrough": False,
        "underline": False,
        "code": code,
        "color": color,
    }


def text_item(content: str, *, bold: bool = False, italic: bool = False, code: bool = False,
              href: str | None = None) -> dict[str, Any]:
    link = {"url": href} if href else None
    return {
        "type": "text",
        "text": {"content": content, "link": link},
        "annotations": annotations(bold=bold, italic=italic, code=code),
        "plain_text": content,
        "href": href,
    }


def rich_text(markup: str) -> list[dict[str, Any]]:
    """`**bold**` and `` `code` `` spans become annotated text items; the rest is plain text."""
    items = []
    for part in BOLD_OR_CODE.split(markup):
        if not part:
            continue
        if part.startswith("**") and part.endswith("**"):
            items.append(text_item(part[2:-2], bold=True))
        elif part.startswith("`") and part.endswith("`"):
            items.append(text_item(part[1:-1], code=True))
        else:
            items.append(text_item(part))
    return items


def plain(items: list[dict[str, Any]]) -> str:
    return "".join(item["plain_text"] for item in items)


class BlockBuilder:
    """Turns Blk specs into API block objects (with `_children`) for one page."""

    def __init__(self, rng: Random, *, created: datetime, edited: datetime, author: str, editor: str) -> None:
        self.rng = rng
        self.created = created
        self.edited = edited
        self.author = author
        self.editor = editor
        self.count = 0
        self.child_pages: list[tuple[str, Blk]] = []

    def build_all(self, specs: list[Blk], parent: dict[str, str]) -> list[dict[str, Any]]:
        return [self.build(spec, parent) for spec in specs]

    def build(self, spec: Blk, parent: dict[str, str]) -> dict[str, Any]:
        block_type = SHORT_TYPES[spec.kind]
        block_id = spec.meta.get("id") or new_id(self.rng)
        # Most blocks were written with the page; some were touched by later edits.
        span = max(int((self.edited - self.created).total_seconds() // 60), 0)
        edited = self.created + timedelta(minutes=self.rng.randint(0, span)) if span else self.created
        if self.rng.random() < 0.5:
            edited = self.created
        payload, children = self._payload(block_type, spec, block_id)
        has_children = bool(children) or block_type == "child_page"
        block: dict[str, Any] = {
            "object": "block",
            "id": block_id,
            "parent": parent,
            "created_time": notion_time(self.created),
            "last_edited_time": notion_time(edited),
            "created_by": user_ref(self.author),
            "last_edited_by": user_ref(self.editor if edited > self.created else self.author),
            "has_children": has_children,
            "in_trash": False,
            "type": block_type,
            block_type: payload,
            "archived": False,
        }
        self.count += 1
        if children:
            block["_children"] = children
        return block

    def _payload(self, block_type: str, spec: Blk, block_id: str) -> tuple[dict[str, Any], list[dict]]:
        child_parent = {"type": "block_id", "block_id": block_id}
        children = self.build_all(spec.children, child_parent) if spec.children else []
        color = spec.meta.get("color", "default")
        if block_type == "paragraph":
            return {"rich_text": rich_text(spec.text), "icon": None, "color": color}, children
        if block_type.startswith("heading_"):
            toggleable = bool(spec.children)
            return {"rich_text": rich_text(spec.text), "is_toggleable": toggleable, "color": color}, children
        if block_type in ("bulleted_list_item", "numbered_list_item", "toggle", "quote"):
            return {"rich_text": rich_text(spec.text), "color": color}, children
        if block_type == "to_do":
            checked = bool(spec.meta.get("checked"))
            return {"rich_text": rich_text(spec.text), "checked": checked, "color": color}, children
        if block_type == "callout":
            icon = {"type": "emoji", "emoji": spec.meta.get("emoji", "\U0001f4a1")}
            color = spec.meta.get("color", "gray_background")
            return {"rich_text": rich_text(spec.text), "icon": icon, "color": color}, children
        if block_type == "code":
            item = text_item(spec.text)
            return {"caption": [], "rich_text": [item], "language": spec.meta.get("language", "plain text")}, []
        if block_type == "divider":
            return {}, []
        if block_type == "table":
            rows: list[list[str]] = spec.meta["rows"]
            row_specs = [Blk("table_row", meta={"cells": row}) for row in rows]
            built = [self._table_row(row, child_parent) for row in row_specs]
            payload = {
                "table_width": len(rows[0]),
                "has_column_header": spec.meta.get("header", True),
                "has_row_header": spec.meta.get("row_header", False),
            }
            return payload, built
        if block_type == "child_page":
            self.child_pages.append((block_id, spec))
            return {"title": spec.text}, []
        raise ValueError(f"unknown block kind {spec.kind!r}")

    def _table_row(self, spec: Blk, parent: dict[str, str]) -> dict[str, Any]:
        self.count += 1
        return {
            "object": "block",
            "id": new_id(self.rng),
            "parent": parent,
            "created_time": notion_time(self.created),
            "last_edited_time": notion_time(self.created),
            "created_by": user_ref(self.author),
            "last_edited_by": user_ref(self.author),
            "has_children": False,
            "in_trash": False,
            "type": "table_row",
            "table_row": {"cells": [rich_text(cell) for cell in spec.meta["cells"]]},
            "archived": False,
        }


def block_text(block: dict[str, Any]) -> str:
    """The visible text of one block (not its children)."""
    block_type = block["type"]
    payload = block[block_type]
    if block_type in TEXT_TYPES:
        return plain(payload["rich_text"])
    if block_type == "table_row":
        return " | ".join(plain(cell) for cell in payload["cells"])
    if block_type in ("child_page", "child_database"):
        return payload["title"]
    return ""


def iter_blocks(blocks: list[dict[str, Any]]):
    """Every block, depth first, parents before children."""
    for block in blocks:
        yield block
        yield from iter_blocks(block.get("_children", []))


def page_title(page: dict[str, Any]) -> str:
    for prop in page["properties"].values():
        if prop["type"] == "title":
            return plain(prop["title"])
    return ""


def page_text(page: dict[str, Any]) -> str:
    """A page rendered as plain text: its title, then one line per block with text."""
    lines = [page_title(page)]
    lines.extend(text for text in (block_text(b) for b in iter_blocks(page.get("_blocks", []))) if text)
    return "\n".join(lines)

"""A SQLite index over the sample's Notion knowledge base, so the Notion stand-in pages, filters and
walks block trees without holding the workspace in memory (scale 100 has 20,000 pages and ~300k blocks).

Two tables: `objects` (pages and data sources, with their sort keys and the JSON the API returns) and
`blocks` (one row per block, keyed by its parent page or block and its position among its siblings).
Pages are stored without the sample's `_blocks` key and blocks without `_children`: the server returns
exactly what Notion would.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from brainops.standins.jsonl_store import to_micros

SCHEMA = """
CREATE TABLE objects (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,             -- 'page' or 'data_source'
    data_source_id TEXT,            -- a page's parent data source
    in_trash INTEGER NOT NULL,
    created INTEGER NOT NULL,       -- microseconds since the epoch
    edited INTEGER NOT NULL,
    title TEXT NOT NULL,            -- lower-cased, for search's `query`
    doc TEXT NOT NULL
);
CREATE TABLE blocks (
    id TEXT PRIMARY KEY,
    parent_id TEXT NOT NULL,        -- a page id for top-level blocks, else the parent block's id
    position INTEGER NOT NULL,
    doc TEXT NOT NULL
);
"""
INDEXES = """
CREATE INDEX objects_by_edited ON objects (kind, edited, id);
CREATE INDEX objects_by_created ON objects (kind, created, id);
CREATE INDEX objects_by_source ON objects (data_source_id, edited, id);
CREATE UNIQUE INDEX blocks_by_parent ON blocks (parent_id, position);
"""
SORT_COLUMNS = {"last_edited_time": "edited", "created_time": "created"}
INSERT_OBJECT = "INSERT INTO objects VALUES (?, ?, ?, ?, ?, ?, ?, ?)"


def dumps(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def title_of(obj: dict[str, Any]) -> str:
    if obj.get("object") == "data_source":
        items = obj.get("title") or []
    else:
        items = next((p["title"] for p in (obj.get("properties") or {}).values() if p.get("type") == "title"), [])
    return "".join(item.get("plain_text", "") for item in items)


def flatten_blocks(parent_id: str, blocks: list[dict[str, Any]]) -> Iterator[tuple[str, str, int, str]]:
    """(id, parent id, position, JSON without `_children`) for a block list and everything under it."""
    for position, block in enumerate(blocks):
        children = block.get("_children") or []
        bare = {k: v for k, v in block.items() if k != "_children"}
        yield block["id"], parent_id, position, dumps(bare)
        yield from flatten_blocks(block["id"], children)


@dataclass(frozen=True)
class TimeFilter:
    column: str  # 'edited' or 'created'
    op: str  # one of OPERATORS
    micros: int


OPERATORS = {"equals": "=", "before": "<", "after": ">", "on_or_before": "<=", "on_or_after": ">="}


class NotionStore:
    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._local = threading.local()
        self._write_lock = threading.Lock()

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.db_path, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            self._local.conn = conn
        return conn

    @classmethod
    def build(cls, db_path: Path, pages_jsonl: Path, data_sources_jsonl: Path) -> NotionStore:
        """(Re)build the index from the sample's JSONL files, streaming them line by line."""
        tmp = db_path.with_suffix(".building")
        tmp.unlink(missing_ok=True)
        conn = sqlite3.connect(tmp)
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.executescript(SCHEMA)
        if data_sources_jsonl.exists():
            with data_sources_jsonl.open(encoding="utf-8") as f:
                conn.executemany(INSERT_OBJECT, (_object_row(json.loads(line)) for line in f))
        if pages_jsonl.exists():
            with pages_jsonl.open(encoding="utf-8") as f:
                objects, blocks = [], []
                for line in f:
                    page = json.loads(line)
                    tree = page.pop("_blocks", [])
                    objects.append(_object_row(page))
                    blocks.extend(flatten_blocks(page["id"], tree))
                    if len(blocks) >= 20_000:
                        conn.executemany(INSERT_OBJECT, objects)
                        conn.executemany("INSERT INTO blocks VALUES (?, ?, ?, ?)", blocks)
                        objects, blocks = [], []
                conn.executemany(INSERT_OBJECT, objects)
                conn.executemany("INSERT INTO blocks VALUES (?, ?, ?, ?)", blocks)
        conn.executescript(INDEXES)
        conn.commit()
        conn.close()
        tmp.replace(db_path)
        return cls(db_path)

    # -- reads -------------------------------------------------------------------------------------
    def get_object(self, object_id: str) -> tuple[str, str] | None:
        """(kind, JSON) of a page or data source."""
        row = self.conn.execute("SELECT kind, doc FROM objects WHERE id = ?", (object_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def sort_key(self, object_id: str, sort: str) -> int | None:
        column = SORT_COLUMNS[sort]
        row = self.conn.execute(f"SELECT {column} FROM objects WHERE id = ?", (object_id,)).fetchone()
        return row[0] if row else None

    def list_objects(
        self,
        *,
        kind: str | None,
        data_source_id: str | None = None,
        in_trash: bool | None = False,
        title_contains: str | None = None,
        filters: Iterable[TimeFilter] = (),
        sort: str = "last_edited_time",
        descending: bool = True,
        start: tuple[int, str] | None = None,
        limit: int = 100,
    ) -> list[tuple[int, str, str]]:
        """(sort key, id, JSON) in (sort key, id) order, from `start` (inclusive) on; `limit` rows at most."""
        column = SORT_COLUMNS[sort]
        where, args = ["1 = 1"], []
        if kind is not None:
            where.append("kind = ?")
            args.append(kind)
        if data_source_id is not None:
            where.append("data_source_id = ?")
            args.append(data_source_id)
        if in_trash is not None:
            where.append("in_trash = ?")
            args.append(int(in_trash))
        if title_contains:
            escaped = title_contains.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where.append("title LIKE ? ESCAPE '\\'")
            args.append(f"%{escaped}%")
        for f in filters:
            if f.column not in SORT_COLUMNS.values():
                raise ValueError(f"unknown time column {f.column!r}")
            where.append(f"{f.column} {OPERATORS[f.op]} ?")
            args.append(f.micros)
        order = "DESC" if descending else "ASC"
        if start is not None:
            where.append(f"({column}, id) {'<=' if descending else '>='} (?, ?)")
            args.extend(start)
        rows = self.conn.execute(
            f"SELECT {column}, id, doc FROM objects WHERE {' AND '.join(where)} "
            f"ORDER BY {column} {order}, id {order} LIMIT ?",
            (*args, limit),
        ).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

    def block_exists(self, block_id: str) -> bool:
        """A page counts: Notion treats a page as the block its top-level blocks hang from."""
        if self.conn.execute("SELECT 1 FROM blocks WHERE id = ?", (block_id,)).fetchone():
            return True
        page = self.conn.execute("SELECT 1 FROM objects WHERE id = ? AND kind = 'page'", (block_id,)).fetchone()
        return page is not None

    def block_position(self, block_id: str) -> tuple[str, int] | None:
        row = self.conn.execute("SELECT parent_id, position FROM blocks WHERE id = ?", (block_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def children(self, parent_id: str, *, from_position: int = 0, limit: int = 100) -> list[tuple[int, str, str]]:
        """(position, id, JSON) of a page's or block's children, from a position on."""
        rows = self.conn.execute(
            "SELECT position, id, doc FROM blocks WHERE parent_id = ? AND position >= ? ORDER BY position LIMIT ?",
            (parent_id, from_position, limit),
        ).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

    def counts(self) -> dict[str, int]:
        pages = self.conn.execute("SELECT count(*) FROM objects WHERE kind = 'page'").fetchone()[0]
        sources = self.conn.execute("SELECT count(*) FROM objects WHERE kind = 'data_source'").fetchone()[0]
        blocks = self.conn.execute("SELECT count(*) FROM blocks").fetchone()[0]
        return {"pages": pages, "data_sources": sources, "blocks": blocks}

    # -- writes (the admin routes) -----------------------------------------------------------------
    def put_page(self, page: dict[str, Any], blocks: list[dict[str, Any]] | None = None) -> None:
        """Insert or replace a page; with `blocks` (API shapes, `_children` nested), replace its content too."""
        with self._write_lock:
            conn = self.conn
            conn.execute(INSERT_OBJECT.replace("INSERT", "INSERT OR REPLACE"), _object_row(page))
            if blocks is not None:
                self._delete_subtree(page["id"])
                conn.executemany("INSERT INTO blocks VALUES (?, ?, ?, ?)", flatten_blocks(page["id"], blocks))
            conn.commit()

    def sub_pages(self, page_id: str) -> list[str]:
        """Pages whose parent is this page (admin use only: scans the page objects)."""
        rows = self.conn.execute(
            "SELECT id FROM objects WHERE kind = 'page' AND json_extract(doc, '$.parent.page_id') = ?", (page_id,)
        ).fetchall()
        return [r[0] for r in rows]

    def delete_page(self, page_id: str) -> bool:
        """Remove a page and its blocks, as when it leaves the trash for good or is no longer shared."""
        with self._write_lock:
            conn = self.conn
            self._delete_subtree(page_id)
            gone = conn.execute("DELETE FROM objects WHERE id = ? AND kind = 'page'", (page_id,)).rowcount
            conn.commit()
        return bool(gone)

    def _delete_subtree(self, parent_id: str) -> None:
        self.conn.execute(
            """WITH RECURSIVE tree(id) AS (
                   SELECT id FROM blocks WHERE parent_id = ?
                   UNION ALL SELECT b.id FROM blocks b JOIN tree t ON b.parent_id = t.id)
               DELETE FROM blocks WHERE id IN (SELECT id FROM tree)""",
            (parent_id,),
        )


def _object_row(obj: dict[str, Any]) -> tuple[Any, ...]:
    parent = obj.get("parent") or {}
    kind = "data_source" if obj.get("object") == "data_source" else "page"
    return (
        obj["id"],
        kind,
        parent.get("data_source_id") if kind == "page" else None,
        int(bool(obj.get("in_trash") or obj.get("archived"))),
        to_micros(obj["created_time"].replace("Z", "+00:00")),
        to_micros(obj["last_edited_time"].replace("Z", "+00:00")),
        title_of(obj).lower(),
        dumps(obj),
    )

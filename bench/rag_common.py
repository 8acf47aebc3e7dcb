"""Shared by the search benchmarks: a fresh database on the embedded server, the sample knowledge base
landed in raw.notion_pages (rendered by the Notion sync's own renderer) and indexed with the real model."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import drop_database, ensure_sample, fresh_database  # noqa: F401  (re-exported to the benches)
from pipelines.loaders.copy_upsert import copy_upsert
from pipelines.notion.blocks import BlockNode
from pipelines.notion.records import PAGE_COLUMNS, page_row
from pipelines.notion.render import render_blocks
from pipelines.rag.documents import NOTION, notion_pages
from pipelines.rag.embedder import Embedder
from pipelines.rag.index import IndexResult, index_documents


def _tree(blocks: list[dict[str, Any]]) -> list[BlockNode]:
    return [BlockNode(b, _tree(b.get("_children", []))) for b in blocks]


def land_notion_pages(url: str, sample: Path) -> int:
    """The sample pages as raw.notion_pages rows, content rendered the way the Notion sync renders it."""
    rows = []
    with (sample / "notion" / "pages.jsonl").open() as f:
        for line in f:
            page = json.loads(line)
            text = render_blocks(_tree(page.get("_blocks", [])))
            rows.append(page_row(page, content_text=text, block_count=0, blocks_synced_at=None))
    with psycopg.connect(url) as conn:
        copy_upsert(
            conn,
            schema="raw",
            table="notion_pages",
            columns=PAGE_COLUMNS,
            rows=rows,
            key="page_id",
            version_column="last_edited_time",
        )
    return len(rows)


def index_notion(url: str, embedder: Embedder) -> IndexResult:
    def progress(stage: str, done: int, total: int) -> None:
        print(f"\r  {stage}: {done:,}/{total:,}", end="", flush=True)

    with psycopg.connect(url) as conn:
        docs = list(notion_pages(conn))
        conn.commit()
        result = index_documents(conn, docs, embedder, sources=[NOTION], progress=progress, drop_other_models=False)
    print()
    return result


def questions(sample: Path) -> list[dict[str, str]]:
    with (sample / "truth" / "notion_questions.jsonl").open() as f:
        return [json.loads(line) for line in f]


def load_note() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} on {os.cpu_count()} cores"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Timer:
    def __enter__(self) -> Timer:
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.started

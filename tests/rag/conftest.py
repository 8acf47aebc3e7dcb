"""Fixtures for retrieval tests: a deterministic stand-in embedder (fast, for indexing and SQL tests), the
real local model (once per session, for end-to-end search), and helpers that land documents in raw tables."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
import pytest

from pipelines.rag.embedder import DIMENSIONS, LocalEmbedder, normalized

WORD = re.compile(r"[a-z0-9]+")


class HashingEmbedder:
    """Bag of words hashed into 384 signed buckets: texts sharing words are close. Records what it embeds."""

    def __init__(self, model_name: str = "test/hashing-v1") -> None:
        self.model_name = model_name
        self.embedded: list[str] = []

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(DIMENSIONS, dtype=np.float32)
        for word in WORD.findall(text.lower()):
            digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
            bucket = int.from_bytes(digest[:2], "big") % DIMENSIONS
            vector[bucket] += 1.0 if digest[2] % 2 else -1.0
        if not vector.any():
            vector[0] = 1.0
        return normalized(vector)

    def embed_documents(
        self, texts: Sequence[str], *, progress: Callable[[int, int], None] | None = None
    ) -> np.ndarray:
        self.embedded.extend(texts)
        if progress:
            progress(len(texts), len(texts))
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, DIMENSIONS), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)


@pytest.fixture
def hashing_embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture(scope="session")
def local_embedder() -> LocalEmbedder:
    """The real all-MiniLM-L6-v2, loaded once; one ONNX Runtime thread, as the API runs it (the cores are shared)."""
    embedder = LocalEmbedder(threads=1)
    embedder.load()
    return embedder


def insert_notion_page(
    conn: psycopg.Connection,
    page_id: str,
    title: str,
    content_text: str,
    *,
    edited: datetime | None = None,
    archived: bool = False,
    in_trash: bool = False,
) -> None:
    """A raw.notion_pages row with the columns the document reader uses (the Notion sync is tested elsewhere)."""
    conn.execute(
        """INSERT INTO raw.notion_pages (page_id, parent_type, title, url, last_edited_time, archived, in_trash,
                                         content_text, page)
           VALUES (%(id)s, 'workspace', %(title)s, %(url)s, %(edited)s, %(archived)s, %(in_trash)s, %(text)s, '{}')
           ON CONFLICT (page_id) DO UPDATE SET title = EXCLUDED.title, last_edited_time = EXCLUDED.last_edited_time,
               archived = EXCLUDED.archived, in_trash = EXCLUDED.in_trash, content_text = EXCLUDED.content_text""",
        {
            "id": page_id,
            "title": title,
            "url": f"https://www.notion.so/{page_id.replace('-', '')}",
            "edited": edited or datetime(2026, 1, 5, 9, 30, tzinfo=UTC),
            "archived": archived,
            "in_trash": in_trash,
            "text": content_text,
        },
    )


def sample_notion_pages(sample: Path) -> list[dict[str, Any]]:
    """The sample knowledge base's pages as (id, title, rendered text), rendered the way the Notion sync does."""
    from pipelines.notion.blocks import BlockNode
    from pipelines.notion.records import page_title
    from pipelines.notion.render import render_blocks

    def tree(blocks: list[dict[str, Any]]) -> list[BlockNode]:
        return [BlockNode(b, tree(b.get("_children", []))) for b in blocks]

    pages = []
    with (sample / "notion" / "pages.jsonl").open() as f:
        for line in f:
            page = json.loads(line)
            pages.append({"id": page["id"], "title": page_title(page), "text": render_blocks(tree(page["_blocks"]))})
    return pages

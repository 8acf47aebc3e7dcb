"""The documents retrieval indexes, read from the warehouse's raw tables, and how each is chunked."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql

from pipelines.rag.chunking import Chunk, chunk_markdown, chunk_plain

NOTION = "notion"
CENTERPOINT_OPPORTUNITY = "centerpoint_opportunity"
CENTERPOINT_PRODUCTION = "centerpoint_production"
IES = "ies"
SOURCES = (NOTION, CENTERPOINT_OPPORTUNITY, CENTERPOINT_PRODUCTION, IES)


@dataclass(frozen=True)
class Document:
    source: str
    source_id: str
    title: str | None
    text: str
    markdown: bool = False  # split by heading sections (Notion) or as plain text (notes, IES pages)
    # Whether the title is part of the embedded text. A Notion page's title says what its sections are
    # about; a job note's title is a record id and a customer name, noise to the model, and without it
    # the many identical templated notes share one embedding (the title stays searchable by keyword).
    title_in_embedding: bool = True
    url: str | None = None
    customer_id: str | None = None
    updated_at: datetime | None = None

    def chunks(self) -> list[Chunk]:
        return chunk_markdown(self.text) if self.markdown else chunk_plain(self.text)

    def metadata(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "url": self.url,
            "title": self.title,
            "customer_id": self.customer_id,
            "document_id": f"{self.source}:{self.source_id}",
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
        }


def _exists(conn: psycopg.Connection, table: str) -> bool:
    return conn.execute("SELECT to_regclass(%s) IS NOT NULL", (table,)).fetchone()[0]


def notion_pages(conn: psycopg.Connection) -> Iterator[Document]:
    """Live Notion pages with rendered text; trashed, archived and vanished pages are left out (so their
    chunks are deleted)."""
    if not _exists(conn, "raw.notion_pages"):
        return
    rows = conn.execute(
        """SELECT page_id, title, url, content_text, last_edited_time FROM raw.notion_pages
           WHERE NOT archived AND NOT in_trash AND deleted_at IS NULL
             AND coalesce(content_text, '') <> ''
           ORDER BY page_id"""
    ).fetchall()
    for page_id, title, url, text, edited in rows:
        yield Document(NOTION, page_id, title, text, markdown=True, url=url, updated_at=edited)


def _centerpoint_notes(conn: psycopg.Connection, table: str, source: str) -> Iterator[Document]:
    if not _exists(conn, f"raw.{table}"):
        return
    rows = conn.execute(
        sql.SQL(
            """SELECT id, billed_company_id, attributes ->> 'name', attributes ->> 'notes', updated_at
               FROM {} WHERE deleted_at IS NULL AND coalesce(attributes ->> 'notes', '') <> ''
               ORDER BY id"""
        ).format(sql.Identifier("raw", table))
    ).fetchall()
    kind = "Opportunity" if source == CENTERPOINT_OPPORTUNITY else "Production"
    for record_id, customer_id, name, notes, updated in rows:
        title = f"{kind} {record_id}: {name}" if name else f"{kind} {record_id}"
        yield Document(
            source, record_id, title, notes, title_in_embedding=False, customer_id=customer_id, updated_at=updated
        )


def centerpoint_opportunity_notes(conn: psycopg.Connection) -> Iterator[Document]:
    return _centerpoint_notes(conn, "centerpoint_opportunities", CENTERPOINT_OPPORTUNITY)


def centerpoint_production_notes(conn: psycopg.Connection) -> Iterator[Document]:
    return _centerpoint_notes(conn, "centerpoint_productions", CENTERPOINT_PRODUCTION)


READERS = {
    NOTION: notion_pages,
    CENTERPOINT_OPPORTUNITY: centerpoint_opportunity_notes,
    CENTERPOINT_PRODUCTION: centerpoint_production_notes,
}

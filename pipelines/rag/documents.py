"""The documents retrieval indexes, read from the warehouse's raw tables, and how each is chunked."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import psycopg
from psycopg import sql

from brainops import access
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
    document_id: str | None = None  # the source's own document id when it has one (IES); else source:source_id
    # Who may retrieve its chunks (brainops/access.py): staff only unless the source says otherwise.
    visibility: str = access.STAFF_ONLY
    owner_id: int | None = None  # with visibility OWNER: the principal that owns it (None: nobody but staff)

    def chunks(self) -> list[Chunk]:
        return chunk_markdown(self.text) if self.markdown else chunk_plain(self.text)

    def metadata(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "url": self.url,
            "title": self.title,
            "customer_id": self.customer_id,
            "document_id": self.document_id or f"{self.source}:{self.source_id}",
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


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _money(amount: Any, currency: str) -> str:
    return f"{currency} {Decimal(amount):,.2f}"


def _period_names(periods: list[dict[str, Any]]) -> dict[str, str]:
    return {p["key"]: p.get("label") or p["key"] for p in periods}


def ies_text(
    document: dict[str, Any], line_items: list[tuple[Any, ...]], spread: list[tuple[str, str, Any]] | None
) -> str:
    """An extracted statement as markdown: a `# Summary` section (what it is, its periods and its spread, or the
    headline totals before the spread is built), then one section per page (or sheet) with the rows read there.
    Chunked by section, so an answer cites the page a figure was read on."""
    currency = document["currency"]
    names = _period_names(document["periods"])
    what = (document["statement_type"] or "unknown").replace("_", " ")
    entity = document["entity_name"] or document["source_file"]
    spans = "; ".join(
        f"{p.get('label') or p['key']}" + (f" ({p['start']} to {p['end']})" if p.get("start") and p.get("end") else "")
        for p in document["periods"]
    )
    lines = ["# Summary", "", f"{entity}: {what} statement in {currency}, from {document['source_file']}.",
             f"Periods: {spans or 'none read'}.", ""]
    if spread:
        lines.append("Spread (chart-of-accounts figures per period):")
        by_key: dict[str, list[str]] = {}
        for key, period, amount in spread:
            by_key.setdefault(key, []).append(f"{_money(amount, currency)} ({names.get(period, period)})")
        lines += [f"- {_label(key)}: {'; '.join(values)}" for key, values in by_key.items()]
    else:
        lines.append("Headline totals:")
        for period, totals in (document["totals"] or {}).items():
            figures = "; ".join(f"{_label(k)} {_money(v, currency)}" for k, v in totals.items() if v is not None)
            if figures:
                lines.append(f"- {names.get(period, period)}: {figures}")
    warnings = [w if isinstance(w, str) else str(w.get("message", w)) for w in document["warnings"] or []]
    if warnings:
        lines += ["", "Warnings: " + " ".join(warnings)]
    pages: dict[str, dict[int, list[str]]] = {}  # section heading -> line_number -> "amount (period)"
    labels: dict[tuple[str, int], str] = {}
    for line_number, period, label, section, is_total, amount, page, sheet in line_items:
        heading = f"Page {page}" if page is not None else (f"Sheet {sheet}" if sheet else "Rows")
        pages.setdefault(heading, {}).setdefault(line_number, []).append(
            f"{_money(amount, currency)} ({names.get(period, period)})"
        )
        labels[(heading, line_number)] = f"{label}{' (total)' if is_total else ''} [{section.replace('_', ' ')}]"
    for heading, rows in pages.items():
        lines += ["", f"# {heading}", ""]
        lines += [f"- {labels[(heading, n)]}: {'; '.join(values)}" for n, values in rows.items()]
    return "\n".join(lines)


def ies_documents(conn: psycopg.Connection) -> Iterator[Document]:
    """Extracted IES documents (raw.ies_documents and raw.ies_line_items, with analytics.ies_spreads once dbt
    has built it). A re-extraction replaces the rows, so its text and chunks change; a deleted document's
    chunks are deleted."""
    if not _exists(conn, "raw.ies_documents"):
        return
    columns = ("document_id", "source_file", "entity_name", "statement_type", "currency", "periods", "totals",
               "warnings", "extracted_at")
    # The owner comes from the upload record: an applicant's statement is theirs (and staff's) to retrieve.
    documents = [
        dict(zip((*columns, "owner_id"), row, strict=True))
        for row in conn.execute(
            sql.SQL(
                """SELECT {}, u.owner_id FROM raw.ies_documents AS d
                   LEFT JOIN app.uploads AS u USING (document_id) ORDER BY d.document_id"""
            ).format(sql.SQL(", ").join(sql.Identifier("d", c) for c in columns))
        ).fetchall()
    ]
    items: dict[str, list[tuple[Any, ...]]] = {}
    for row in conn.execute(
        """SELECT document_id, line_number, period_key, label, section, is_total, amount, page, sheet
           FROM raw.ies_line_items ORDER BY document_id, line_number, period_key"""
    ):
        items.setdefault(row[0], []).append(row[1:])
    spreads: dict[str, list[tuple[str, str, Any]]] | None = None
    if _exists(conn, "analytics.ies_spreads"):
        spreads = {}
        for document_id, key, period, amount in conn.execute(
            """SELECT document_id, canonical_key, period_key, amount FROM analytics.ies_spreads
               ORDER BY document_id, key_order, period_index"""
        ):
            spreads.setdefault(document_id, []).append((key, period, amount))
    for document in documents:
        document_id = document["document_id"]
        yield Document(
            IES,
            document_id,
            f"IES {document['entity_name'] or document['source_file']}",
            ies_text(document, items.get(document_id, []), (spreads or {}).get(document_id)),
            markdown=True,
            url=f"/api/v1/ies/{document_id}",
            updated_at=document["extracted_at"],
            document_id=document_id,
            visibility=access.OWNER,
            owner_id=document["owner_id"],
        )


READERS = {
    NOTION: notion_pages,
    CENTERPOINT_OPPORTUNITY: centerpoint_opportunity_notes,
    CENTERPOINT_PRODUCTION: centerpoint_production_notes,
    IES: ies_documents,
}

"""Extracted IES documents as a retrieval source: text per page plus a summary of the spread, chunked by section;
a re-extraction replaces what changed and a deleted document loses its chunks."""

from __future__ import annotations

import copy
from typing import Any

import psycopg

from pipelines.ies.warehouse import write_result
from pipelines.rag.documents import IES, READERS
from pipelines.rag.index import index_documents
from tests.rag.conftest import HashingEmbedder

DOCUMENT_ID = "ies_00aa11bb22cc33dd"


def _item(label: str, canonical: str | None, section: str, values: dict[str, float], page: int,
          is_total: bool = False) -> dict[str, Any]:
    return {"label": label, "canonical": canonical, "section": section, "values": values, "is_total": is_total,
            "confidence": 0.95, "source": {"page": page, "bbox": [10, 20, 200, 30], "sheet": None, "row": None}}


def _result() -> dict[str, Any]:
    periods = [{"key": "2024", "label": "FY 2024", "start": "2024-01-01", "end": "2024-12-31", "months": 12},
               {"key": "2025", "label": "FY 2025", "start": "2025-01-01", "end": "2025-12-31", "months": 12}]
    items = [
        _item("Gross rental income", "gross_potential_rent", "income", {"2024": 410000, "2025": 432000}, 1),
        _item("Total income", "total_income", "income", {"2024": 398000, "2025": 421500}, 1, True),
        _item("Repairs and maintenance", "repairs_maintenance", "operating_expense", {"2024": -38200, "2025": -41000},
              2),
        _item("Total operating expenses", "total_operating_expenses", "operating_expense",
              {"2024": -171000, "2025": -180250}, 2, True),
    ]
    income, expenses = items[1]["values"], items[3]["values"]
    totals = {key: {"total_income": income[key], "total_operating_expenses": expenses[key],
                    "net_operating_income": income[key] + expenses[key]} for key in ("2024", "2025")}
    return {"document_id": DOCUMENT_ID, "source_file": "maple_court_ies.pdf", "sha256": "ab" * 32,
            "status": "extracted", "error": None, "entity_name": "Maple Court Apartments LLC",
            "statement_type": "property_operating", "currency": "USD", "unit_multiplier": 1, "periods": periods,
            "line_items": items, "totals": totals, "checks": [], "method": "layout", "warnings": []}


def _chunks(conn: psycopg.Connection) -> dict[str, tuple[str, str]]:
    rows = conn.execute(
        "SELECT chunk_id, heading_path, content, metadata FROM rag.chunks WHERE source = %s", (IES,)
    ).fetchall()
    for _, _, _, metadata in rows:
        assert metadata["document_id"] == DOCUMENT_ID and metadata["url"] == f"/api/v1/ies/{DOCUMENT_ID}"
    return {chunk_id: (heading, content) for chunk_id, heading, content, _ in rows}


def test_ies_documents_are_indexed_by_page_with_a_summary(conn: psycopg.Connection) -> None:
    write_result(conn, _result())
    (document,) = READERS[IES](conn)
    assert document.title == "IES Maple Court Apartments LLC" and document.document_id == DOCUMENT_ID
    embedder = HashingEmbedder()
    index_documents(conn, [document], embedder, sources=[IES])
    chunks = _chunks(conn)
    by_heading = {heading: content for heading, content in chunks.values()}
    assert set(by_heading) == {"Summary", "Page 1", "Page 2"}
    summary = by_heading["Summary"]
    assert "property operating statement in USD" in summary and "FY 2024 (2024-01-01 to 2024-12-31)" in summary
    # Before dbt builds analytics.ies_spreads, the headline totals summarise the spread.
    assert "Net operating income USD 241,250.00" in summary
    assert "Repairs and maintenance [operating expense]: USD -38,200.00 (FY 2024); USD -41,000.00 (FY 2025)" in (
        by_heading["Page 2"]
    )

    # Re-extracted with one figure on page 2 corrected: page 2 is re-embedded; page 1 and the summary are not.
    corrected = copy.deepcopy(_result())
    corrected["line_items"][2]["values"]["2025"] = -40000
    write_result(conn, corrected)
    result = index_documents(conn, list(READERS[IES](conn)), embedder, sources=[IES])
    assert (result.new, result.deleted, result.unchanged) == (1, 1, 2)
    assert "USD -40,000.00 (FY 2025)" in {h: c for h, c in _chunks(conn).values()}["Page 2"]

    conn.execute("DELETE FROM raw.ies_documents WHERE document_id = %s", (DOCUMENT_ID,))
    result = index_documents(conn, list(READERS[IES](conn)), embedder, sources=[IES])
    assert result.deleted == 3 and _chunks(conn) == {}


def test_the_spread_summary_is_used_once_dbt_has_built_it(conn: psycopg.Connection) -> None:
    write_result(conn, _result())
    conn.execute("CREATE SCHEMA IF NOT EXISTS analytics")
    conn.execute("DROP TABLE IF EXISTS analytics.ies_spreads CASCADE")  # rolled back with the test
    conn.execute(
        """CREATE TABLE analytics.ies_spreads AS
           SELECT %s::text AS document_id, 'net_operating_income'::text AS canonical_key, 1 AS key_order,
                  '2025'::text AS period_key, 2 AS period_index, 241250.00::numeric AS amount""",
        (DOCUMENT_ID,),
    )
    (document,) = READERS[IES](conn)
    assert "- Net operating income: USD 241,250.00 (FY 2025)" in document.text
    assert "Headline totals" not in document.text

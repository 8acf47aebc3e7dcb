"""One extraction result (the IES contract JSON) into raw.ies_documents, raw.ies_line_items and
raw.ies_checks, in one transaction that replaces whatever that document had before: a re-run of a
document leaves exactly one copy of its rows, and a failure half-way leaves the previous copy."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

LINE_ITEM_COLUMNS = ("document_id", "line_number", "period_key", "label", "canonical", "section", "is_total",
                     "confidence", "amount", "page", "bbox", "sheet", "source_row")


@dataclass(frozen=True)
class Written:
    line_items: int  # contract line items
    line_item_rows: int  # rows in raw.ies_line_items (item x period)
    checks: int


def line_item_rows(result: dict[str, Any]) -> Iterator[tuple]:
    """raw.ies_line_items rows: one per line item and period it has a value for."""
    for number, item in enumerate(result["line_items"], start=1):
        source = item.get("source") or {}
        bbox = source.get("bbox")
        for period_key, amount in item["values"].items():
            yield (result["document_id"], number, period_key, item["label"], item["canonical"], item["section"],
                   item["is_total"], item["confidence"], amount, source.get("page"),
                   [float(v) for v in bbox] if bbox else None, source.get("sheet"), source.get("row"))


def write_result(conn: psycopg.Connection, result: dict[str, Any], *, upload_id: int | None = None,
                 seconds: float | None = None, extracted_at: datetime | None = None) -> Written:
    """Replace the document's rows with this result. Nested in the caller's transaction when there is one."""
    if result["status"] == "failed":
        raise ValueError(f"A failed extraction has nothing to store ({result.get('error')}); quarantine it instead.")
    document_id = result["document_id"]
    rows = 0
    with conn.transaction():
        # Children go with the document (ON DELETE CASCADE): the old copy disappears in the same transaction.
        conn.execute("DELETE FROM raw.ies_documents WHERE document_id = %s", (document_id,))
        conn.execute(
            """INSERT INTO raw.ies_documents (document_id, upload_id, sha256, source_file, status, entity_name,
                   statement_type, currency, unit_multiplier, method, periods, totals, warnings, result,
                   line_item_count, check_count, extraction_seconds, extracted_at)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)""",
            (document_id, upload_id, result["sha256"], result["source_file"], result["status"],
             result.get("entity_name"), result.get("statement_type") or "unknown", result["currency"],
             result["unit_multiplier"], result["method"], Jsonb(result["periods"]), Jsonb(result["totals"]),
             Jsonb(result["warnings"]), Jsonb(result), len(result["line_items"]), len(result["checks"]), seconds,
             extracted_at or datetime.now(UTC)),
        )
        with conn.cursor() as cur:
            columns = ", ".join(LINE_ITEM_COLUMNS)
            with cur.copy(f"COPY raw.ies_line_items ({columns}) FROM STDIN") as copy:
                for row in line_item_rows(result):
                    copy.write_row(row)
                    rows += 1
            cur.executemany(
                """INSERT INTO raw.ies_checks (document_id, check_number, check_name, period_key, passed, expected,
                       actual) VALUES (%s, %s, %s, %s, %s, %s, %s)""",
                [(document_id, n, c["name"], c["period"], c["passed"], c.get("expected"), c.get("actual"))
                 for n, c in enumerate(result["checks"], start=1)],
            )
    return Written(line_items=len(result["line_items"]), line_item_rows=rows, checks=len(result["checks"]))

"""extract(path) → the IES contract JSON: sniff the bytes, read the layout, spread the rows onto the
chart of accounts, tie out, judge the status, validate against the schema."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from pipelines.ies import result as contract
from pipelines.ies.csv_reader import read_csv
from pipelines.ies.facts import currency, entity_name, statement_type
from pipelines.ies.labels import MapperChain, default_chain
from pipelines.ies.numbers import unit_multiplier
from pipelines.ies.ocr import available_engine, ocr_words
from pipelines.ies.pdf_layout import read_pdf_words, table_from_words
from pipelines.ies.periods import read_columns
from pipelines.ies.sniff import REASONS, file_kind
from pipelines.ies.spread import build_spread, infer_ytd_months
from pipelines.ies.table import RawTable, UnreadableFile
from pipelines.ies.tieouts import run_checks
from pipelines.ies.xlsx_reader import read_xlsx


def document_id(data: bytes) -> str:
    """Stable: the same bytes always give the same id, whatever the file is called."""
    return "ies_" + hashlib.sha256(data).hexdigest()[:16]


def extract(path: Path, *, chain: MapperChain | None = None, validate: bool = True) -> dict[str, Any]:
    data = Path(path).read_bytes()
    return extract_bytes(data, Path(path).name, chain=chain, validate=validate)


def extract_bytes(data: bytes, source_file: str, *, chain: MapperChain | None = None,
                  validate: bool = True) -> dict[str, Any]:
    digest = hashlib.sha256(data).hexdigest()
    out = contract.base_result(document_id=document_id(data), source_file=Path(source_file).name, sha256=digest)
    try:
        out = _extract(data, out, chain or default_chain())
    except UnreadableFile as exc:
        out = contract.failed(out, str(exc))
    if validate:
        contract.validate(out)
    return out


def _read(data: bytes, out: dict[str, Any]) -> RawTable | dict[str, Any]:
    """The file's table, or (for a scan nothing can read) the finished needs_review result."""
    kind = file_kind(data)
    if kind == "csv":
        return read_csv(data)
    if kind == "xlsx":
        return read_xlsx(data)
    if kind != "pdf":
        raise UnreadableFile(REASONS[kind])
    pages, chars, images, scanned = read_pdf_words(data)
    if chars:
        table = table_from_words(pages)
        if scanned:
            table.warnings.append(f"Page(s) {', '.join(map(str, scanned))} are scanned images without text and "
                                  "were not read; check them by hand.")
        return table
    if not images:
        raise UnreadableFile("The PDF has no text and no images; export the statement again and upload it.")
    engine, why_not = available_engine()
    if engine is None:
        reason = f"No text layer (a scanned document); {why_not}."
        return {**out, "status": "needs_review", "method": "none", "warnings": [reason]}
    return table_from_words(ocr_words(data, engine), method=f"ocr:{engine.name}+layout")


def _extract(data: bytes, out: dict[str, Any], chain: MapperChain) -> dict[str, Any]:
    table = _read(data, out)
    if isinstance(table, dict):
        return table
    reading = read_columns(table.headings, "\n".join(table.context))
    if not any(reading.periods):
        raise UnreadableFile(
            f"None of the column headings ({', '.join(repr(h) for h in table.headings if h)}) names a period "
            "(a year, fiscal year, month or T-12 total); check the statement's header row.")
    multiplier = unit_multiplier(table.context + table.headings)
    spread = build_spread(table, reading.periods, chain, multiplier)
    if table.method.startswith("ocr"):
        for item in spread.items:  # OCR can misread a digit the tie-outs happen not to catch
            item.confidence *= 0.9
    if not spread.items:
        raise UnreadableFile("No rows with figures were found under the period columns; check the file is the "
                             "statement itself.")
    infer_ytd_months(spread)
    checks, totals = run_checks(spread)
    items = [item.as_json() for item in spread.items]
    check_json = [c.as_json() for c in checks]
    unknown = [item.label for item in spread.items if not item.known]
    status, reasons = contract.judge(check_json, items, unknown)
    details = [c.detail for c in checks if c.detail]
    mappers = sorted({item.mapper for item in spread.items if item.known} - {"dictionary", "keywords"})
    return {
        **out,
        "status": status,
        "entity_name": entity_name(table.context),
        "statement_type": statement_type(spread),
        "currency": currency(table.context + table.headings),
        "unit_multiplier": multiplier,
        "periods": [p.as_json() for p in spread.periods],
        "line_items": items,
        "totals": totals,
        "checks": check_json,
        "method": "+".join([table.method, *mappers]),
        "warnings": [*reasons, *details, *table.warnings, *reading.warnings, *spread.warnings],
    }

"""The spread report of one IES document: the chart-of-accounts lines by period, then the ratios, each
row with its source; as CSV, or as an XLSX workbook with a second sheet for the risk score.

Entity names, labels and sources come from the uploaded statement: every text cell goes through
brainops.exports.neutralise, and in the workbook is typed as a string, so none can become a formula.
The report writes no formulas of its own: ratios are computed by dbt and written as numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from brainops.exports import neutralise, neutralise_row

# (column in analytics.ies_ratios, row label, how it is computed, Excel number format)
RATIOS = (
    ("noi_margin", "NOI margin", "net_operating_income / total_income", "0.0%"),
    ("expense_ratio", "Expense ratio", "total_operating_expenses / total_income", "0.0%"),
    ("dscr", "DSCR", "net_operating_income / debt_service (debt service as stated)", '0.00"x"'),
    ("vacancy_rate", "Vacancy rate", "-vacancy_credit_loss / gross_potential_rent", "0.0%"),
    ("total_income_growth", "Total income growth", "total_income vs the previous comparable period", "0.0%"),
    ("noi_growth", "NOI growth", "net_operating_income vs the previous comparable period", "0.0%"),
)
AMOUNT_FORMAT = "#,##0.00;[Red]-#,##0.00"


@dataclass
class ReportRow:
    kind: str  # 'line' or 'ratio'
    key: str
    label: str
    values: dict[str, Decimal | None]
    source: str
    number_format: str = AMOUNT_FORMAT


@dataclass
class Report:
    document: dict[str, Any]
    periods: list[tuple[str, str]]  # (period key, label), in column order
    rows: list[ReportRow] = field(default_factory=list)
    risk: dict[str, Any] | None = None


def line_label(key: str) -> str:
    return key.replace("_", " ").capitalize().replace("Noi", "NOI")


def build_report(document: dict[str, Any], spreads: Sequence[dict[str, Any]], ratios: Sequence[dict[str, Any]],
                 risk: dict[str, Any] | None) -> Report:
    """spreads: analytics.ies_spreads rows; ratios: analytics.ies_ratios rows; risk: the ies_risk_scores row."""
    periods = sorted({(r["period_index"], r["period_key"], r["period_label"] or r["period_key"])
                      for r in [*spreads, *ratios]})
    report = Report(document=document, periods=[(key, label) for _i, key, label in periods], risk=risk)
    by_key: dict[str, list[dict[str, Any]]] = {}
    for row in sorted(spreads, key=lambda r: (r["key_order"], r["period_index"])):
        by_key.setdefault(row["canonical_key"], []).append(row)
    for key, rows in by_key.items():
        sources = list(dict.fromkeys(r["source"] for r in rows))  # distinct, in period order
        report.rows.append(ReportRow("line", key, line_label(key), {r["period_key"]: r["amount"] for r in rows},
                                     "; ".join(sources)))
    for column, label, how, number_format in RATIOS:
        values = {r["period_key"]: r[column] for r in ratios}
        if any(v is not None for v in values.values()):
            report.rows.append(ReportRow("ratio", column, label, values, f"computed: {how}", number_format))
    return report


def to_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(neutralise_row(["kind", "key", "line", *[key for key, _label in report.periods], "source"]))
    for row in report.rows:
        values = [row.values.get(key) for key, _label in report.periods]
        writer.writerow(neutralise_row([row.kind, row.key, row.label, *["" if v is None else v for v in values],
                                        row.source]))
    return out.getvalue()


def _append(sheet: Worksheet, values: Sequence[Any]) -> None:
    """sheet.append, with text neutralised and typed as a string: openpyxl would otherwise take any str
    starting with '=' for a formula (and '#N/A' and the like for error values). Control characters XLSX
    cannot hold (a stray BEL in a label) are dropped rather than failing the whole download."""
    cells: list[Any] = []
    for value in values:
        if isinstance(value, str):
            cell = Cell(sheet, value=neutralise(ILLEGAL_CHARACTERS_RE.sub("", value)))
            cell.data_type = "s"
            cells.append(cell)
        else:
            cells.append(value)
    sheet.append(cells)


def to_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Spread"
    doc = report.document
    _append(sheet, [doc.get("entity_name") or doc.get("source_file")])
    sheet["A1"].font = Font(bold=True, size=13)
    for label, value in (("Document", doc.get("document_id")), ("File", doc.get("source_file")),
                         ("Statement", doc.get("statement_type")), ("Status", doc.get("status"))):
        _append(sheet, [label, value])
    _append(sheet, [])
    header = ["Line", "Key", *[label for _key, label in report.periods], "Source"]
    _append(sheet, header)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    first_ratio = True
    for row in report.rows:
        if row.kind == "ratio" and first_ratio:
            _append(sheet, [])
            _append(sheet, ["Ratios"])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True)
            first_ratio = False
        values = [row.values.get(key) for key, _label in report.periods]
        _append(sheet, [row.label, row.key, *[None if v is None else float(v) for v in values], row.source])
        for offset in range(len(values)):
            sheet.cell(sheet.max_row, 3 + offset).number_format = row.number_format
    sheet.freeze_panes = sheet.cell(header_row + 1, 3)
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 26
    for offset in range(len(report.periods)):
        sheet.column_dimensions[get_column_letter(3 + offset)].width = 15
    sheet.column_dimensions[get_column_letter(3 + len(report.periods))].width = 70
    if report.risk is not None:
        _risk_sheet(workbook, report.risk)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _risk_sheet(workbook: Workbook, risk: dict[str, Any]) -> None:
    sheet = workbook.create_sheet("Risk")
    _append(sheet, ["Score", risk["score"]])
    _append(sheet, ["Grade", risk["grade"]])
    _append(sheet, ["Scored on period", risk.get("anchor_period_key")])
    _append(sheet, [])
    _append(sheet, ["Flag", "Severity", "Points", "Reason", "Recommendation"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for flag in risk["flags"]:
        _append(sheet, [flag["flag"], flag["severity"], flag["points"], flag["reason"], flag["recommendation"]])
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in zip("ABCDE", (22, 10, 8, 70, 60), strict=True):
        sheet.column_dimensions[column].width = width

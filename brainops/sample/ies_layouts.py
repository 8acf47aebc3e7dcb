"""How a statement is printed: number formats, the table grid every renderer shares, and the CSV and
XLSX renderers. PDF rendering (text layer or scanned image) is in ies_pdf.py."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from random import Random

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from brainops.sample.ies_model import Row, Statement


@dataclass
class Style:
    neg: str  # parens | minus | trailing: (1,234) | -1,234 | 1,234-
    dollar: str  # none | first (first row of a section and totals) | all
    zero: str  # what a zero prints as
    gl_codes: bool
    extra: str | None  # pct | per_unit | None: a column that is not a period
    upper_headings: bool
    indent_spaces: bool  # indent labels with spaces (text formats) rather than position
    leaders: bool = False  # PDF: dot leaders from label to figure
    ruled: bool = False  # PDF: ruled grid
    zebra: bool = False  # PDF: banded rows
    font: str = "Helvetica"
    raw_numbers: bool = False  # CSV: -1234.5 instead of formatted figures
    numbers_as_text: bool = False  # XLSX: figures stored as text

    def describe(self, file_format: str) -> dict:
        """The choices that matter for this file format (for the truth file)."""
        only = {"pdf": ("raw_numbers", "numbers_as_text"), "csv": ("leaders", "ruled", "zebra", "font",
                "numbers_as_text"), "xlsx": ("leaders", "ruled", "zebra", "font", "raw_numbers")}[file_format]
        return {k: v for k, v in self.__dict__.items() if k not in only}


def choose_style(rng: Random, file_format: str, stmt: Statement) -> Style:
    single = len([p for p in stmt.periods if not p.key.startswith("T12-")]) == 1
    extra = None
    if single and file_format != "csv" and rng.random() < 0.4:
        extra = "per_unit" if stmt.units and rng.random() < 0.5 else "pct"
    style = Style(
        neg=rng.choice(["parens", "parens", "minus", "trailing"]),
        dollar=rng.choice(["none", "first", "all"]) if file_format != "xlsx" else rng.choice(["none", "first"]),
        zero=rng.choice(["-", "0", "", "-"]),
        gl_codes=rng.random() < 0.25,
        extra=extra,
        upper_headings=rng.random() < 0.5,
        indent_spaces=rng.random() < 0.5,
    )
    if file_format == "pdf":
        style.leaders = single and rng.random() < 0.5
        style.ruled = not style.leaders and rng.random() < 0.4
        style.zebra = not style.ruled and not style.leaders and rng.random() < 0.3
        fonts = ["Helvetica", "Helvetica", "Times"] + ([] if stmt.period_layout == "t12" else ["Courier"])
        style.font = rng.choice(fonts)
    elif file_format == "csv":
        style.raw_numbers = rng.random() < 0.35
    else:
        style.numbers_as_text = rng.random() < 0.2
    return style


def fmt_number(value: int, decimals: int, style: Style, *, dollar: bool) -> str:
    """A printed-unit integer as the accountant printed it."""
    if value == 0:
        return style.zero if decimals == 0 or style.zero != "0" else "0." + "0" * decimals
    body = f"{abs(value) / 10**decimals:,.{decimals}f}"
    sign = "$" if dollar else ""
    if value > 0:
        return sign + body
    if style.neg == "parens":
        return f"{sign}({body})"
    if style.neg == "minus":
        return f"-{sign}{body}"
    return f"{sign}{body}-"


def fmt_raw(value: int, decimals: int) -> str:
    return f"{value / 10**decimals:.{decimals}f}"


@dataclass
class GridRow:
    row: Row
    index: int  # position in stmt.rows
    label: str
    cells: list[str]
    numbers: list[float | None]  # printed-unit figures for spreadsheets (None: empty cell)
    bold: bool
    rule_above: bool
    double_below: bool


def period_keys(stmt: Statement) -> list[str]:
    return [p.key for p in stmt.periods]


def header_cells(stmt: Statement, style: Style) -> list[str]:
    cells = [p.label for p in stmt.periods]
    if style.extra == "pct":
        cells.append("% of Income")
    elif style.extra == "per_unit":
        cells.append("Per Unit")
    return cells


def title_lines(stmt: Statement, rng_value: float) -> list[str]:
    """Entity, statement name, period, then the unit note and provenance some preparers add."""
    lines = [stmt.entity, stmt.title, stmt.period_line]
    if stmt.multiplier == 1000:
        lines.append("(in thousands)" if rng_value < 0.5 else "(Amounts in $000s)")
    elif rng_value < 0.3:
        lines.append("Unaudited - prepared from the books of the company")
    return lines


def grid(stmt: Statement, style: Style) -> list[GridRow]:
    keys = period_keys(stmt)
    total_income = next((r for r in stmt.rows if r.canonical == "total_income" and r.is_total), None)
    out = []
    first_in_section = True
    for index, row in enumerate(stmt.rows):
        if row.kind == "heading":
            label = row.label.upper() if style.upper_headings else row.label
            out.append(GridRow(row, index, label, [""] * len(header_cells(stmt, style)),
                               [None] * len(header_cells(stmt, style)), True, False, False))
            first_in_section = True
            continue
        dollar = style.dollar == "all" or (style.dollar == "first" and (first_in_section or row.is_total))
        printed = [row.values[k] * row.display_sign for k in keys]
        cells = [fmt_number(v, stmt.decimals, style, dollar=dollar) for v in printed]
        numbers: list[float | None] = [v / 10**stmt.decimals for v in printed]
        if style.extra == "pct" and total_income:
            base = total_income.values[keys[0]]
            pct = 100 * row.values[keys[0]] / base if base else 0.0
            cells.append(f"{pct:.1f}%")
            numbers.append(round(pct / 100, 4))
        elif style.extra == "per_unit" and stmt.units:
            per = row.values[keys[0]] * stmt.multiplier / 10**stmt.decimals / stmt.units
            cells.append(f"{per:,.0f}" if per >= 0 else fmt_number(round(per), 0, style, dollar=False))
            numbers.append(round(per))
        indent = "  " * row.indent if style.indent_spaces else ""
        out.append(GridRow(row, index, indent + row.label, cells, numbers, row.is_total, row.is_total, row.grand))
        first_in_section = False
    return out


# -- CSV ---------------------------------------------------------------------------------------
def write_csv(path: Path, stmt: Statement, style: Style, rng: Random) -> list[dict | None]:
    """Returns, per stmt.rows entry, where it was written ({"row": n}) or None for headings."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if rng.random() < 0.5 else "\n")
    width = len(header_cells(stmt, style)) + (2 if style.gl_codes else 1)
    lines: list[list[str]] = []
    if rng.random() < 0.6:
        lines += [[line] + [""] * (width - 1) for line in title_lines(stmt, rng.random())]
        lines.append([""] * width)
    elif stmt.multiplier == 1000:
        lines.append(["Amounts in thousands"] + [""] * (width - 1))
    label_head = rng.choice(["Account", "Description", "", "Line Item", "Category"])
    lines.append((["Acct #"] if style.gl_codes else []) + [label_head, *header_cells(stmt, style)])
    blank_between = rng.random() < 0.5
    sources: list[dict | None] = [None] * len(stmt.rows)
    for g in grid(stmt, style):
        if g.row.kind == "heading" and blank_between and len(lines) > 2:
            lines.append([""] * width)
        cells = g.cells
        if style.raw_numbers and g.row.kind != "heading":
            keys = period_keys(stmt)
            cells = [fmt_raw(g.row.values[k] * g.row.display_sign, stmt.decimals) for k in keys] + g.cells[len(keys):]
        code = [g.row.code or ""] if style.gl_codes else []
        if g.row.kind == "heading":
            lines.append(code + [g.label] + [""] * (width - len(code) - 1))
            continue
        lines.append([*code, g.label, *cells])
        sources[g.index] = {"row": len(lines)}
    writer.writerows(lines)
    encoding = "utf-8-sig" if rng.random() < 0.25 else "utf-8"
    path.write_bytes(buffer.getvalue().encode(encoding))
    return sources


# -- XLSX --------------------------------------------------------------------------------------
def excel_format(style: Style, decimals: int, dollar: bool) -> str:
    body = "#,##0" + ("." + "0" * decimals if decimals else "")
    if dollar:
        body = '"$"' + body
    zero = '"-"' if style.zero == "-" else ('""' if style.zero == "" else body)
    if style.neg == "parens":
        return f"{body}_);({body});{zero}_)"
    if style.neg == "minus":
        return f"{body};-{body};{zero}"
    return f"{body};{body}-;{zero}"


def write_xlsx(path: Path, stmt: Statement, style: Style, rng: Random, created: datetime) -> list[dict | None]:
    wb = Workbook()
    ws = wb.active
    ws.title = rng.choice(["Income Statement", "T12", "P&L", "Operating Statement", "Sheet1", "Statement"]
                          if stmt.period_layout != "t12" else ["T12", "T-12", "Monthly", "Sheet1", "12 Month"])
    if rng.random() < 0.1:
        cover = wb.create_sheet("Cover", 0)
        cover["A1"], cover["A3"] = stmt.entity, "Financial statements submitted with the loan application"
        cover["A4"] = f"Prepared {created:%B %d, %Y}"
    first_col = 2 if style.gl_codes else 1
    headers = header_cells(stmt, style)
    last_col = first_col + len(headers)
    r = 1
    for n, line in enumerate(title_lines(stmt, rng.random())):
        ws.cell(r, 1, line).font = Font(bold=n < 2, size=14 if n == 0 else 11)
        r += 1
    r += 1
    if style.gl_codes:
        ws.cell(r, 1, "Acct").font = Font(bold=True)
    ws.cell(r, first_col, rng.choice(["", "Account", "Description"])).font = Font(bold=True)
    for c, text in enumerate(headers, start=first_col + 1):
        cell = ws.cell(r, c, text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="right")
        cell.border = Border(bottom=Side(style="thin"))
    header_row = r
    sources: list[dict | None] = [None] * len(stmt.rows)
    thin, double = Side(style="thin"), Side(style="double")
    for g in grid(stmt, style):
        r += 1
        if style.gl_codes and g.row.code and g.row.kind == "item":
            ws.cell(r, 1, int(g.row.code))
        label = ws.cell(r, first_col, g.label)
        label.font = Font(bold=g.bold)
        if not style.indent_spaces and g.row.indent:
            label.alignment = Alignment(indent=g.row.indent)
        if g.row.kind == "heading":
            continue
        sources[g.index] = {"sheet": ws.title, "row": r}
        for c, (text, number) in enumerate(zip(g.cells, g.numbers, strict=True), start=first_col + 1):
            is_extra = style.extra is not None and c == last_col
            if style.numbers_as_text:
                cell = ws.cell(r, c, text)
                cell.alignment = Alignment(horizontal="right")
            else:
                cell = ws.cell(r, c, number)
                if is_extra and style.extra == "pct":
                    cell.number_format = "0.0%"
                else:
                    dollar = style.dollar == "first" and text.lstrip("(-").startswith("$")
                    cell.number_format = excel_format(style, 0 if is_extra else stmt.decimals, dollar)
            cell.font = Font(bold=g.bold)
            if g.rule_above or g.double_below:
                cell.border = Border(top=thin if g.rule_above else None, bottom=double if g.double_below else None)
    ws.column_dimensions["A"].width = 8 if style.gl_codes else 38
    if style.gl_codes:
        ws.column_dimensions["B"].width = 38
    for c in range(first_col + 1, last_col + 1):
        ws.column_dimensions[ws.cell(header_row, c).column_letter].width = 13
    ws.freeze_panes = ws.cell(header_row + 1, first_col + 1)
    if rng.random() < 0.2:
        notes = wb.create_sheet("Notes")
        notes["A1"] = "Notes"
        notes["A2"] = "Figures are unaudited and prepared on the accrual basis."
    wb.properties.creator = rng.choice(["QuickBooks", "Controller", "Yardi Systems", "AppFolio", "Owner"])
    wb.properties.created = created.replace(tzinfo=None)
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(reproducible_zip(buffer.getvalue(), created))
    return sources


def reproducible_zip(data: bytes, stamp: datetime) -> bytes:
    """openpyxl stamps the save time into the zip entries and docProps/core.xml; pin both."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rf"\g<1>{iso}\g<2>",
                              content.decode())
                content = text.encode()
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, content)
    return out.getvalue()

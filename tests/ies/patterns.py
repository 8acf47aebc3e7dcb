"""The toolkit behind tests/ies/test_real_world_patterns.py: statements drawn the way real applicants'
files are laid out (fpdf2 PDFs with a text layer, openpyxl workbooks), rows whose totals are computed
from their parts so they tie like a real statement's, what each document must give (its truth), and a
read-back that proves each generated file says what its test expects before anything is extracted.

Every entity, label set and figure here is invented."""

from __future__ import annotations

import calendar
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from fpdf import FPDF
from openpyxl import Workbook, load_workbook

UNICODE_FAMILY = "StatementSans"
_EXTRA_CHARS = "\u20b1\u20ac\u00a3\u00a5\u2013\u2014"  # peso, euro, pound, yen signs; en and em dashes


# ---------------------------------------------------------------- figures that tie

@dataclass
class Line:
    label: str
    values: list[int] | None  # None: a heading (or an account printed without figures)
    indent: int = 0
    note: str = ""
    prefix: str = ""  # printed before the amount: "$ ", "P=", "₱"
    flip: bool = False  # printed with the opposite sign: expenses shown in parentheses
    bold: bool = False


class Lines:
    """A statement's rows, figures per column in minor units when the statement prints cents
    (`scale` 100), totals computed from their parts so every subtotal ties."""

    def __init__(self, columns: int, scale: int = 1) -> None:
        self.n, self.scale, self.rows = columns, scale, []

    def head(self, label: str, indent: int = 0, **kw: Any) -> None:
        self.rows.append(Line(label, None, indent, **kw))

    def item(self, label: str, values: list[int], indent: int = 1, **kw: Any) -> list[int]:
        assert len(values) == self.n, (label, values)
        self.rows.append(Line(label, list(values), indent, **kw))
        return list(values)

    def total(self, label: str, *parts: list[int], indent: int = 0, **kw: Any) -> list[int]:
        return self.item(label, plus(*parts), indent, **kw)

    def figures(self, values: list[int]) -> list[float]:
        return [v / self.scale for v in values]


def plus(*parts: list[int]) -> list[int]:
    return [sum(column) for column in zip(*parts, strict=True)]


def minus(a: list[int], *parts: list[int]) -> list[int]:
    return plus(a, *[[-v for v in p] for p in parts])


def money(value: int, *, scale: int = 1, prefix: str = "", flip: bool = False, zero: str | None = None) -> str:
    """An amount as a statement prints it: thousands separators, cents when `scale` is 100, negatives
    in parentheses ("$ (1,234)", "(P=1,234)"), zero as `zero` when given."""
    shown = -value if flip else value
    if shown == 0 and zero is not None:
        return zero
    body = f"{abs(shown) / scale:,.2f}" if scale != 1 else f"{abs(shown):,}"
    if shown >= 0:
        return prefix + body
    return f"{prefix}({body})" if prefix.endswith(" ") else f"({prefix}{body})"  # $ (1,234) but (P=1,234)


# ---------------------------------------------------------------- PDF pages

@dataclass
class Row:
    label: str
    cells: list[str] | None  # None: no figures on the row; "" in a cell: that column is blank
    indent: int = 0
    note: str = ""
    bold: bool = False


@dataclass
class Page:
    titles: list[str] = field(default_factory=list)
    headings: list[list[str]] = field(default_factory=list)  # per amount column, its lines top to bottom
    rows: list[Row] = field(default_factory=list)
    prose: list[str] = field(default_factory=list)  # paragraphs (a cover letter, notes) before any table
    note_column: bool = False  # a "Note" column of note references between labels and figures
    center_titles: bool = False
    landscape: bool = False
    size: float = 9.0
    col_width: float = 78.0
    footer: str = ""


def rows_of(lines: Lines, *, zero: str | None = None) -> list[Row]:
    """The rows as printed: each figure formatted like the statement prints it."""
    out = []
    for line in lines.rows:
        cells = None if line.values is None else [
            money(v, scale=lines.scale, prefix=line.prefix, flip=line.flip, zero=zero) for v in line.values]
        out.append(Row(line.label, cells, line.indent, line.note, line.bold))
    return out


def _fpdf(unicode: bool) -> FPDF:
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_auto_page_break(False)
    if unicode:
        path = unicode_font_file()
        pdf.add_font(UNICODE_FAMILY, "", path)
        pdf.add_font(UNICODE_FAMILY, "B", path)
    return pdf


def draw_pdf(pages: list[Page]) -> bytes:
    """The pages as an accounting system or an auditor's typesetter draws them: titles, amount columns
    right-aligned under bottom-aligned headings, indented labels, an optional note column, footers."""
    text = "".join(t for p in pages for t in [*p.titles, *p.prose, *(c for r in p.rows for c in (r.cells or [])),
                                                *(r.label for r in p.rows), *(h for hs in p.headings for h in hs)])
    unicode = any(ord(c) > 255 for c in text)
    font = UNICODE_FAMILY if unicode else "Helvetica"
    pdf = _fpdf(unicode)
    for page in pages:
        pdf.add_page(orientation="L" if page.landscape else "P")
        _draw_page(pdf, page, font)
    return bytes(pdf.output())


def _draw_page(pdf: FPDF, page: Page, font: str) -> None:
    width = pdf.w
    size, row_h, label_x = page.size, page.size * 1.6, 40.0
    y = 50.0
    for i, line in enumerate(page.titles):
        pdf.set_font(font, "B" if i < 2 else "", size + (2 if i == 0 else 0))
        x = (width - pdf.get_string_width(line)) / 2 if page.center_titles else label_x
        pdf.text(x, y, line)
        y += row_h + 1
    if page.prose:
        pdf.set_font(font, "", size + 1)
        for paragraph in page.prose:
            pdf.set_xy(label_x, y)
            pdf.multi_cell(width - 2 * label_x, (size + 1) * 1.45, paragraph)
            y = pdf.get_y() + size
    right = width - 40.0
    cols = len(page.headings) or max((len(r.cells) for r in page.rows if r.cells), default=0)
    col_right = [right - (cols - 1 - i) * page.col_width for i in range(cols)]
    note_x = (col_right[0] - page.col_width - 10) if cols else right
    if page.headings or page.note_column:
        depth = max([len(h) for h in page.headings] + [1])
        y += 6 + size * 1.25 * (depth - 1)
        pdf.set_font(font, "B", size)
        for x, lines in zip(col_right, page.headings, strict=True):
            for k, line in enumerate(reversed(lines)):
                pdf.text(x - pdf.get_string_width(line), y - k * size * 1.25, line)
        if page.note_column:
            pdf.text(note_x, y, "Note")
        y += row_h
    elif page.rows:
        y += 4
    paren = None
    for row in page.rows:
        bold = row.bold or (row.cells is None and row.label.isupper())
        pdf.set_font(font, "B" if bold else "", size)
        pdf.text(label_x + 10 * row.indent, y, row.label)
        if paren is None:
            paren = pdf.get_string_width(")")
        if row.note:
            pdf.text(note_x + 6, y, row.note)
        for x, cell in zip(col_right, row.cells or [], strict=False):
            if cell:
                hang = 0.0 if cell.endswith(")") else paren  # figures line up, the ")" hangs out
                pdf.text(x - hang - pdf.get_string_width(cell), y, cell)
        y += row_h
    if page.footer:
        pdf.set_font(font, "", size - 2)
        pdf.text(label_x, pdf.h - 30, page.footer)


@cache
def unicode_font_file() -> str:
    """fpdf2 loads a font from a file: the made-up font, written once per run to the temp directory."""
    import hashlib
    import tempfile
    from pathlib import Path

    data = unicode_font()
    path = Path(tempfile.gettempdir()) / f"ies-test-font-{hashlib.sha256(data).hexdigest()[:12]}.ttf"
    if not path.exists():
        path.write_bytes(data)
    return str(path)


@cache
def unicode_font() -> bytes:
    """A small TrueType font made on the spot (no font file is read from the machine): block glyphs with
    Helvetica-like widths for ASCII and the currency signs, enough for a text layer that pdfplumber reads
    back as the characters drawn."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    chars = [chr(c) for c in range(32, 127)] + list(_EXTRA_CHARS)
    names = [".notdef"] + [f"uni{ord(c):04X}" for c in chars]

    def advance(name: str) -> int:
        if name == ".notdef":
            return 500
        c = chr(int(name[3:], 16))
        return 278 if c in " .,:;!|'" else 333 if c in "()-[]/" else 667 if c.isupper() else 500 if c.islower() \
            else 556

    glyphs = {}
    for name in names:
        pen = TTGlyphPen(None)
        w = advance(name)
        if name != "uni0020":
            pen.moveTo((40, 0))
            pen.lineTo((40, 700))
            pen.lineTo((w - 40, 700))
            pen.lineTo((w - 40, 0))
            pen.closePath()
        glyphs[name] = pen.glyph()
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({ord(c): f"uni{ord(c):04X}" for c in chars})
    fb.setupGlyf(glyphs)
    fb.setupHorizontalMetrics({name: (advance(name), 40) for name in names})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": UNICODE_FAMILY, "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    fb.setupPost()
    out = io.BytesIO()
    fb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- workbooks

@dataclass
class Sheet:
    title: str
    grid: list[list[Any]]  # rows of cells, top-left at A1; None: empty cell
    formats: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col), 1-based -> number format


def write_workbook(sheets: list[Sheet]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title)
        for r, row in enumerate(sheet.grid, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(r, c, value)
        for (r, c), fmt in sheet.formats.items():
            ws.cell(r, c).number_format = fmt
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def grid_rows(lines: Lines, *, label_col: int, first_col: int, codes: dict[str, str] | None = None,
              pad: str | None = None, blank: Any = None) -> list[list[Any]]:
    """The rows as spreadsheet cells: an optional account code in column A, the label (indented with spaces
    when `pad` is given) in `label_col`, figures from `first_col` (1-based). Cents as floats."""
    out = []
    for line in lines.rows:
        row: list[Any] = [None] * (first_col - 1 + lines.n)
        label = (pad * line.indent + line.label) if pad else line.label
        row[label_col - 1] = label
        if codes and line.label in codes:
            row[0] = codes[line.label]
        for i in range(lines.n):
            if line.values is None:
                row[first_col - 1 + i] = blank
            else:
                v = line.values[i]
                row[first_col - 1 + i] = round(v / lines.scale, 2) if lines.scale != 1 else v
        out.append(row)
    return out


# ---------------------------------------------------------------- truth

HEADLINE = ("total_income", "cost_of_goods_sold", "total_operating_expenses", "net_operating_income",
            "net_income")


@dataclass
class Period:
    label: str
    start: str
    end: str
    months: int
    key: str | None = None  # asserted where the contract's key convention is settled
    figures: dict[str, float] = field(default_factory=dict)  # headline figures the document gives


@dataclass
class Expect:
    periods: list[Period]
    currency: str = "USD"
    status: tuple[str, ...] | None = ("extracted",)  # acceptable statuses; None: not asserted
    multiplier: int = 1
    cents: bool = False
    pages: set[int] | None = None  # the pages line items may come from (packets)
    foreign_labels: tuple[str, ...] = ()  # rows of other statements that must not become line items
    untied: tuple[tuple[str, str], ...] = ()  # (row label, period key) a needs_review warning must name


@dataclass
class Doc:
    name: str
    about: str  # one line: what the document is and what it tests
    filename: str
    data: bytes
    expect: Expect
    pages: list[Page] | None = None
    sheets: list[Sheet] | None = None


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def month(year: int, mon: int, label: str | None = None, **figures: float) -> Period:
    return Period(label or f"{calendar.month_abbr[mon]} {year}", f"{year}-{mon:02d}-01",
                  month_end(year, mon).isoformat(), 1, f"{year}-{mon:02d}", figures)


def year(y: int, label: str | None = None, **figures: float) -> Period:
    return Period(label or str(y), f"{y}-01-01", f"{y}-12-31", 12, str(y), figures)


def months_run(first: tuple[int, int], count: int) -> list[tuple[int, int]]:
    y, m = first
    out = []
    for _ in range(count):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def headline(lines: Lines, column: int, **rows: list[int] | None) -> dict[str, float]:
    """The headline figures of one column, from the rows that print them, checked to tie: NOI is income
    minus cost of sales minus operating expenses."""
    out = {k: v[column] / lines.scale for k, v in rows.items() if v is not None}
    if {"total_income", "total_operating_expenses", "net_operating_income"} <= out.keys():
        noi = out["total_income"] - out.get("cost_of_goods_sold", 0.0) - out["total_operating_expenses"]
        assert abs(noi - out["net_operating_income"]) < 0.005, f"generator: NOI does not tie in column {column}"
    return out


# ---------------------------------------------------------------- read-back

def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def read_back(doc: Doc) -> None:
    """Prove the file says what its test expects: every title, heading, label and printed figure found
    where it was drawn (pdfplumber's text of that page), every cell of every sheet as written."""
    if doc.pages is not None:
        _read_back_pdf(doc)
    if doc.sheets is not None:
        _read_back_xlsx(doc)
    for period in doc.expect.periods:
        f = period.figures
        if {"total_income", "total_operating_expenses", "net_operating_income"} <= f.keys():
            noi = f["total_income"] - f.get("cost_of_goods_sold", 0.0) - f["total_operating_expenses"]
            assert abs(noi - f["net_operating_income"]) < 0.005, f"{doc.name}: truth's NOI does not tie"


def _read_back_pdf(doc: Doc) -> None:
    import pdfplumber

    assert doc.pages is not None
    with pdfplumber.open(io.BytesIO(doc.data)) as pdf:
        assert len(pdf.pages) == len(doc.pages), f"{doc.name}: {len(pdf.pages)} pages"
        for n, (page, spec) in enumerate(zip(pdf.pages, doc.pages, strict=True), start=1):
            text = page.extract_text() or ""
            lines = {_norm(line) for line in text.splitlines()}
            flat = _norm(text)
            where = f"{doc.name} page {n}"
            for title in spec.titles:
                assert _norm(title) in lines, f"{where}: title {title!r} not read back"
            for paragraph in spec.prose:
                assert _norm(paragraph) in flat, f"{where}: paragraph {paragraph[:40]!r} not read back"
            for heading in spec.headings:
                for part in heading:
                    assert _norm(part) in flat, f"{where}: heading {part!r} not read back"
            for row in spec.rows:
                printed = _norm(" ".join([row.label, row.note, *(c for c in row.cells or [] if c)]))
                assert printed in lines, f"{where}: row {printed!r} not read back as one line"
            if spec.footer:
                assert _norm(spec.footer) in lines, f"{where}: footer not read back"


def _read_back_xlsx(doc: Doc) -> None:
    assert doc.sheets is not None
    wb = load_workbook(io.BytesIO(doc.data))
    assert wb.sheetnames == [s.title for s in doc.sheets], f"{doc.name}: sheets {wb.sheetnames}"
    for sheet in doc.sheets:
        ws = wb[sheet.title]
        for r, row in enumerate(sheet.grid, start=1):
            for c, value in enumerate(row, start=1):
                got = ws.cell(r, c).value
                want = value.replace(tzinfo=None) if isinstance(value, datetime) else value
                assert got == want, f"{doc.name} {sheet.title}!{ws.cell(r, c).coordinate}: {got!r} != {want!r}"
        for (r, c), fmt in sheet.formats.items():
            assert ws.cell(r, c).number_format == fmt, f"{doc.name}: format of row {r} col {c}"

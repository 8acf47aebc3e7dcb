"""PDF statements: the same page layout drawn either with fpdf2 (a real text layer) or onto Pillow
images that are then embedded in a PDF (a scanned-looking document with no text layer)."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from random import Random

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from brainops.sample.ies_layouts import GridRow, Style, grid, header_cells, title_lines
from brainops.sample.ies_model import Statement

SCAN_DPI = 150
SOFTWARE = ["QuickBooks Desktop Pro 2024", "QuickBooks Online", "Yardi Voyager", "AppFolio Property Manager",
            "Sage 50 Accounting", "Microsoft Excel", "Buildium", "Xero"]
SCANNERS = ["Canon iR-ADV C5535 Scan", "HP ScanJet Pro 3600", "Epson WorkForce ES-500W", "Brother ADS-2700W"]


def latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


class PdfCanvas:
    """Draws in points from the top-left corner, baseline-anchored text, onto fpdf2 pages."""

    def __init__(self, width: float, height: float, font: str, created: datetime, creator: str, title: str) -> None:
        self.pdf = FPDF(orientation="L" if width > height else "P", unit="pt", format="letter")
        self.pdf.set_auto_page_break(False)
        self.pdf.set_creation_date(created)
        self.pdf.set_creator(creator)
        self.pdf.set_title(latin1(title))
        self.font = font

    def new_page(self) -> None:
        self.pdf.add_page()

    def _font(self, size: float, bold: bool) -> None:
        self.pdf.set_font(self.font, "B" if bold else "", size)

    def width(self, text: str, size: float, bold: bool = False) -> float:
        self._font(size, bold)
        return self.pdf.get_string_width(latin1(text))

    def text(self, x: float, y: float, text: str, *, size: float, bold: bool = False, align: str = "L") -> None:
        if not text:
            return
        w = self.width(text, size, bold)
        x = x - w if align == "R" else (x - w / 2 if align == "C" else x)
        self.pdf.text(x, y, latin1(text))

    def line(self, x1: float, y1: float, x2: float, y2: float, width: float = 0.5) -> None:
        self.pdf.set_line_width(width)
        self.pdf.line(x1, y1, x2, y2)

    def rect(self, x: float, y: float, w: float, h: float, gray: int) -> None:
        self.pdf.set_fill_color(gray)
        self.pdf.rect(x, y, w, h, style="F")

    def save(self, path: Path) -> None:
        self.pdf.output(str(path))


@cache
def pil_font(pixels: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=pixels)


class ImageCanvas:
    """The same drawing calls onto grayscale page images, for scanned-looking PDFs."""

    def __init__(self, width: float, height: float, created: datetime, creator: str, title: str) -> None:
        self.size = (round(width * SCAN_DPI / 72), round(height * SCAN_DPI / 72))
        self.k = SCAN_DPI / 72
        self.pages: list[Image.Image] = []
        self.page_pt = (width, height)
        self.created, self.creator, self.title = created, creator, title

    def new_page(self) -> None:
        self.pages.append(Image.new("L", self.size, 250))
        self.draw = ImageDraw.Draw(self.pages[-1])

    def width(self, text: str, size: float, bold: bool = False) -> float:
        return pil_font(round(size * self.k)).getlength(text) / self.k

    def text(self, x: float, y: float, text: str, *, size: float, bold: bool = False, align: str = "L") -> None:
        if not text:
            return
        anchor = {"L": "ls", "R": "rs", "C": "ms"}[align]
        font = pil_font(round(size * self.k))
        for dx in (0, 1) if bold else (0,):
            self.draw.text((x * self.k + dx, y * self.k), text, fill=25, font=font, anchor=anchor)

    def line(self, x1: float, y1: float, x2: float, y2: float, width: float = 0.5) -> None:
        self.draw.line([(x1 * self.k, y1 * self.k), (x2 * self.k, y2 * self.k)], fill=40,
                       width=max(1, round(width * self.k)))

    def rect(self, x: float, y: float, w: float, h: float, gray: int) -> None:
        self.draw.rectangle([x * self.k, y * self.k, (x + w) * self.k, (y + h) * self.k], fill=gray)

    def save(self, path: Path, rng: Random) -> None:
        pdf = FPDF(orientation="L" if self.page_pt[0] > self.page_pt[1] else "P", unit="pt", format="letter")
        pdf.set_auto_page_break(False)
        pdf.set_creation_date(self.created)
        pdf.set_creator(self.creator)
        for page in self.pages:
            draw = ImageDraw.Draw(page)
            for _ in range(400):  # toner specks and dust
                x, y = rng.randrange(self.size[0]), rng.randrange(self.size[1])
                draw.point((x, y), fill=rng.randint(60, 180))
            page = page.rotate(rng.uniform(-1.2, 1.2), resample=Image.Resampling.BILINEAR, fillcolor=250)
            page = page.filter(ImageFilter.GaussianBlur(0.7))
            data = io.BytesIO()
            page.save(data, format="JPEG", quality=72)
            pdf.add_page()
            pdf.image(io.BytesIO(data.getvalue()), x=0, y=0, w=self.page_pt[0], h=self.page_pt[1])
        pdf.output(str(path))


@dataclass
class Geometry:
    width: float
    height: float
    margin: float
    font_size: float
    row_h: float
    label_x: float
    label_w: float
    col_w: float
    code_x: float | None


def geometry(stmt: Statement, style: Style, rng: Random) -> Geometry:
    ncols = len(header_cells(stmt, style))
    if stmt.period_layout == "t12":
        width, height, margin = 792.0, 612.0, 24.0
        font_size = 6.0 if stmt.decimals or style.font == "Courier" else 6.5
        row_h = rng.choice([14.0, 15.0, 16.0])
        label_w = 128.0 if style.font != "Courier" else 138.0
    else:
        width, height, margin = 612.0, 792.0, rng.choice([40.0, 48.0, 54.0])
        font_size = rng.choice([8.5, 9.0, 9.5, 10.0]) if style.font != "Courier" else 8.5
        row_h = rng.choice([13.0, 14.0, 15.0])
        label_w = 220.0 if ncols > 2 else rng.choice([240.0, 260.0, 280.0])
    code_w = 34.0 if style.gl_codes else 0.0
    usable = width - 2 * margin - code_w - label_w
    col_w = min(usable / ncols, 95.0)
    return Geometry(width, height, margin, font_size, row_h, margin + code_w, label_w, col_w,
                    margin if style.gl_codes else None)


def paginate(rows: list[GridRow], first_capacity: int, capacity: int) -> list[list[GridRow]]:
    pages: list[list[GridRow]] = [[]]
    for row in rows:
        limit = first_capacity if len(pages) == 1 else capacity
        if len(pages[-1]) >= limit:
            carry = [pages[-1].pop()] if pages[-1][-1].row.kind == "heading" else []
            pages.append(carry)
        pages[-1].append(row)
    return pages


def draw_statement(canvas: PdfCanvas | ImageCanvas, stmt: Statement, style: Style, rng: Random,
                   printed_on: datetime) -> list[dict | None]:
    """Lay the statement out page by page; returns each row's page and bounding box."""
    g = geometry(stmt, style, rng)
    headers = header_cells(stmt, style)
    rows = grid(stmt, style)
    titles = title_lines(stmt, rng.random())
    centered = rng.random() < 0.6
    footer = rng.choice(["Page {n} of {total}", "Page {n}", "{n}/{total}"])
    note = rng.choice(["", "See accountant's compilation report.", "Prepared by management without audit.",
                       f"Printed {printed_on:%m/%d/%Y} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}"])
    right = g.width - g.margin
    col_right = [right - (len(headers) - 1 - i) * g.col_w for i in range(len(headers))]
    size = g.font_size
    widest = max((canvas.width(cell, size, True) for gr in rows for cell in gr.cells), default=0.0)
    if widest > g.col_w - 6:  # big figures in narrow T-12 columns: print smaller, as accounting exports do
        size = max(4.5, math.floor(size * (g.col_w - 6) / widest * 4) / 4)
    header_lines = [wrap(canvas, text, size, g.col_w - 6) for text in headers]
    extra = size * 1.2 * (max(len(lines) for lines in header_lines) - 1)
    head_top = g.margin + 14 + 14 * len(titles) + extra
    body_top = head_top + g.row_h * 1.6
    cont_top = g.margin + 18 + extra + g.row_h * 1.6
    bottom = g.height - g.margin - 16
    capacity = int((bottom - cont_top) // g.row_h)
    pages = paginate(rows, int((bottom - body_top) // g.row_h), capacity)
    sources: list[dict | None] = [None] * len(stmt.rows)
    for n, page_rows in enumerate(pages, start=1):
        canvas.new_page()
        if n == 1:
            y = g.margin + 14
            for i, line in enumerate(titles):
                fs = size + (4 if i == 0 else 2 if i == 1 else 0)
                if centered:
                    canvas.text(g.width / 2, y, line, size=fs, bold=i < 2, align="C")
                else:
                    canvas.text(g.margin, y, line, size=fs, bold=i < 2)
                y += 14
            header_y = head_top + g.row_h * 0.6
        else:
            canvas.text(g.margin, g.margin + 10, f"{stmt.entity} - {stmt.title} (continued)", size=size, bold=True)
            header_y = g.margin + 18 + extra + g.row_h * 0.6
        # column headers, repeated on every page; long ones wrap onto two lines, bottom-aligned
        table_top = header_y - g.row_h * 0.75 - extra
        if style.ruled:
            canvas.rect(g.margin, table_top, right - g.margin, g.row_h + extra, 225)
        if style.gl_codes:
            canvas.text(g.margin, header_y, "Acct", size=size, bold=True)
        for x, lines in zip(col_right, header_lines, strict=True):
            for i, line in enumerate(reversed(lines)):
                canvas.text(x - 2, header_y - i * size * 1.2, line, size=size, bold=True, align="R")
        canvas.line(g.label_x, header_y + 3, right, header_y + 3, 0.6)
        y = header_y + g.row_h
        for k, gr in enumerate(page_rows):
            top = y - g.row_h * 0.72
            if style.zebra and k % 2 == 1:
                canvas.rect(g.margin, top, right - g.margin, g.row_h, 238)
            draw_row(canvas, gr, g, style, col_right, y, size)
            if gr.row.kind != "heading":
                sources[gr.index] = {"page": n, "bbox": [round(g.margin, 1), round(top, 1), round(right, 1),
                                                         round(top + g.row_h, 1)]}
            if style.ruled:
                canvas.line(g.margin, top + g.row_h, right, top + g.row_h, 0.3)
            y += g.row_h
        if style.ruled:
            for x in [g.margin, col_right[0] - g.col_w, *col_right]:
                canvas.line(x, table_top, x, y - g.row_h * 0.72, 0.3)
        canvas.text(g.width / 2, g.height - g.margin + 4, footer.format(n=n, total=len(pages)), size=7, align="C")
        if note:
            canvas.text(g.margin, g.height - g.margin + 4, note, size=6.5)
    return sources


def wrap(canvas: PdfCanvas | ImageCanvas, text: str, size: float, width: float) -> list[str]:
    """A column heading on one line, or split at the space that best balances two lines."""
    words = text.split(" ")
    if canvas.width(text, size, True) <= width or len(words) == 1:
        return [text]
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    return list(min(splits, key=lambda pair: max(canvas.width(part, size, True) for part in pair)))


def draw_row(canvas: PdfCanvas | ImageCanvas, gr: GridRow, g: Geometry, style: Style, col_right: list[float],
             y: float, size: float) -> None:
    indent = 0.0 if style.indent_spaces else 10.0 * gr.row.indent
    label_x = g.label_x + indent
    if g.code_x is not None and gr.row.code and gr.row.kind == "item":
        canvas.text(g.code_x, y, gr.row.code, size=size - 0.5)
    canvas.text(label_x, y, gr.label, size=size, bold=gr.bold)
    if gr.row.kind == "heading":
        return
    if style.leaders:
        start = label_x + canvas.width(gr.label, size, gr.bold) + 3
        end = col_right[0] - g.col_w + 6
        dot = canvas.width(".", size)
        if end > start + dot:
            canvas.text(start, y, "." * int((end - start) / dot), size=size)
    paren = canvas.width(")", size)
    for x, text in zip(col_right, gr.cells, strict=True):
        # figures line up on their digits: a closing parenthesis or trailing minus hangs to the right
        hang = paren if text.endswith((")", "-")) and len(text) > 1 else 0.0
        canvas.text(x - 3 - paren + hang, y, text, size=size, bold=gr.bold, align="R")
        if gr.rule_above and not style.ruled:
            canvas.line(x - g.col_w + 8, y - size - 2, x - 1, y - size - 2, 0.5)
        if gr.double_below:
            canvas.line(x - g.col_w + 8, y + 3, x - 1, y + 3, 0.5)
            canvas.line(x - g.col_w + 8, y + 5, x - 1, y + 5, 0.5)


def write_pdf(path: Path, stmt: Statement, style: Style, rng: Random, *, created: datetime,
              scanned: bool) -> tuple[list[dict | None], int]:
    """Write the statement as a PDF; returns per-row sources and the page count."""
    width, height = (792.0, 612.0) if stmt.period_layout == "t12" else (612.0, 792.0)
    title = f"{stmt.entity} {stmt.title}"
    if scanned:
        image_canvas = ImageCanvas(width, height, created, rng.choice(SCANNERS), title)
        sources = draw_statement(image_canvas, stmt, style, rng, created)
        image_canvas.save(path, rng)
        return sources, len(image_canvas.pages)
    canvas = PdfCanvas(width, height, style.font, created, rng.choice(SOFTWARE), title)
    sources = draw_statement(canvas, stmt, style, rng, created)
    canvas.save(path)
    return sources, canvas.pdf.pages_count

"""Small statements written by the tests themselves: the edge cases, each on purpose."""

from __future__ import annotations

import io
from pathlib import Path

from fpdf import FPDF
from openpyxl import Workbook

# (label, figures per column as printed) — None is a heading row
Rows = list[tuple[str, list[str] | None]]


def write_pdf(path: Path, titles: list[str], headings: list[list[str]], rows: Rows, *, leaders: bool = False,
              rows_per_page: int = 60, font: str = "Helvetica") -> None:
    """A statement drawn like an accounting export: right-aligned figures, headings that may wrap
    (each heading is its lines, top to bottom), dot leaders, the header repeated on every page."""
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_auto_page_break(False)
    size, row_h, right, col_w, label_x = 9.0, 14.0, 560.0, 80.0, 48.0
    col_right = [right - (len(headings) - 1 - i) * col_w for i in range(len(headings))]
    pages = [rows[i:i + rows_per_page] for i in range(0, len(rows), rows_per_page)]
    for n, page_rows in enumerate(pages, start=1):
        pdf.add_page()
        y = 50.0
        for i, line in enumerate(titles if n == 1 else [f"{titles[0]} (continued)"]):
            pdf.set_font(font, "B" if i < 2 else "", size + (3 if i == 0 else 0))
            pdf.text(label_x, y, line)
            y += 14
        depth = max(len(h) for h in headings)
        y += 10 + size * 1.2 * (depth - 1)
        pdf.set_font(font, "B", size)
        for x, lines in zip(col_right, headings, strict=True):
            for k, line in enumerate(reversed(lines)):
                pdf.text(x - 2 - pdf.get_string_width(line), y - k * size * 1.2, line)
        y += row_h
        for label, cells in page_rows:
            pdf.set_font(font, "B" if cells is None or label.startswith("Total") else "", size)
            pdf.text(label_x + (0 if cells is None else 8), y, label)
            if cells is not None:
                if leaders:
                    start = label_x + 8 + pdf.get_string_width(label) + 3
                    dots = int((col_right[0] - col_w + 6 - start) / pdf.get_string_width("."))
                    pdf.text(start, y, "." * max(dots, 0))
                paren = pdf.get_string_width(")")
                for x, text in zip(col_right, cells, strict=True):
                    hang = paren if text.endswith((")", "-")) and len(text) > 1 else 0.0
                    pdf.text(x - 3 - paren + hang - pdf.get_string_width(text), y, text)
            y += row_h
        pdf.set_font(font, "", 7)
        pdf.text(290, 770, f"Page {n} of {len(pages)}")
    pdf.output(str(path))


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    for title, grid in sheets.items():
        ws = wb.create_sheet(title)
        for r, row in enumerate(grid, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(r, c, value)
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(buffer.getvalue())


def image_only_copy(source: Path, target: Path) -> None:
    """The PDF as a scanner would give it back: each page a picture, no text layer."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(source))
    pdf = FPDF(unit="pt", format="letter")
    for page in doc:
        image = page.render(scale=150 / 72).to_pil().convert("L")
        data = io.BytesIO()
        image.save(data, format="PNG")
        pdf.add_page()
        pdf.image(io.BytesIO(data.getvalue()), x=0, y=0, w=612, h=792)
    doc.close()
    pdf.output(str(target))


SMALL_ROWS: Rows = [("REVENUE", None), ("Sales", ["1,000"]), ("Total Revenue", ["1,000"]), ("EXPENSES", None),
                    ("Payroll", ["400"]), ("Total Expenses", ["400"]), ("Operating Income", ["600"])]


def small_statement_pdf(path: Path) -> bytes:
    write_pdf(path, ["Acme Roofing", "Income Statement"], [["2025"]], SMALL_ROWS)
    return path.read_bytes()


def encrypted_pdf() -> bytes:
    """A statement behind a user password: what a cautious applicant sends."""
    pdf = FPDF(unit="pt", format="letter")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for n, (label, cells) in enumerate(SMALL_ROWS):
        pdf.text(48, 60 + 14 * n, f"{label}   {cells[0] if cells else ''}")
    pdf.set_encryption(owner_password="owner", user_password="applicant")
    return bytes(pdf.output())


def long_pdf(path: Path, pages: int) -> bytes:
    """A statement with `pages` pages of rows (a whole bundle of documents, say), header on every page."""
    rows: Rows = [(f"Expense line {n}", [f"{n:,}"]) for n in range(1, pages * 50 + 1)]
    write_pdf(path, ["Acme Roofing", "Income Statement"], [["2025"]], rows, rows_per_page=50)
    return path.read_bytes()


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (200, 100), 255).save(out, format="PNG")
    return out.getvalue()


def bad_inputs(tmp: Path) -> dict[str, tuple[bytes, str, str]]:
    """The issue's bad inputs: file name -> (bytes, the status it must end in, a phrase of the reason)."""
    from random import Random

    statement = small_statement_pdf(tmp / "whole.pdf")
    no_totals = b"Account,2025\nSales,100\nRent,20\nWages,30\n"
    return {
        "empty.pdf": (b"", "failed", "empty"),
        "truncated.pdf": (statement[: len(statement) // 3], "failed", "damaged or truncated"),
        "encrypted.pdf": (encrypted_pdf(), "failed", "password-protected"),
        "photo.pdf": (png_bytes(), "failed", "is a picture"),
        "random.xlsx": (Random(4).randbytes(4096), "failed", "not a PDF, XLSX or CSV"),
        "no_numbers.csv": (b"Account,Notes\nSales,strong year\nRent,paid on time\n", "failed",
                           "No row of column headings"),
        "no_totals.csv": (no_totals, "needs_review", "No printed totals"),
        "500_pages.pdf": (long_pdf(tmp / "long.pdf", 500), "failed", "IES_MAX_PAGES"),
    }

"""A statement as plain text, for an LLM to read when the layout reader cannot structure it: PDF pages
with their layout kept (columns stay columns), OCR lines of a scan, CSV as it is, XLSX sheets as
tab-separated rows. Capped, so a stray 200-page upload does not become a 200-page prompt."""

from __future__ import annotations

import io

MAX_CHARS = 60_000


def plain_text(data: bytes, kind: str, *, ocr_pages: list | None = None) -> tuple[str, bool]:
    """(text, truncated). `ocr_pages`: words of a scan already read by OCR (pipelines/ies/ocr.py)."""
    if kind == "pdf":
        text = _ocr_text(ocr_pages) if ocr_pages else _pdf_text(data)
    elif kind == "csv":
        from pipelines.ies.csv_reader import decode

        text = decode(data)
    elif kind == "xlsx":
        text = _xlsx_text(data)
    else:
        text = ""
    return text[:MAX_CHARS], len(text) > MAX_CHARS


def _pdf_text(data: bytes) -> str:
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return "\n".join(f"--- page {page.page_number} ---\n{page.extract_text(layout=True) or ''}"
                             for page in pdf.pages)
    except Exception:  # a damaged file: nothing to read, the caller keeps its own reason
        return ""


def _ocr_text(pages: list) -> str:
    from pipelines.ies.pdf_layout import group_lines

    out = []
    for number, words in enumerate(pages, start=1):
        out.append(f"--- page {number} ---")
        for line in group_lines(list(words), number):
            row, end = "", 0.0
            for word in line.words:  # about one character per 5 pt keeps columns apart
                row += " " * max(1 if row else 0, round((word.x0 - end) / 5)) + word.text
                end = word.x1
            out.append(row)
    return "\n".join(out)


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except Exception:
        return ""
    out = []
    for ws in workbook.worksheets:
        out.append(f"--- sheet {ws.title} ---")
        for row in ws.iter_rows(values_only=True):
            if any(cell is not None for cell in row):
                out.append("\t".join("" if cell is None else str(cell) for cell in row).rstrip())
    return "\n".join(out)
